# trap: EXIT runs last; a trapped USR1 and INT sent to the shell itself run their
# handlers; trap - restores the default; a child shell that traps TERM exits
# through its handler; a child killed by TERM reports 143; trap with no args lists.
trap 'echo "EXIT trap runs last"' EXIT
trap 'echo "got USR1"' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo "got INT"' INT
kill -INT $$
trap - USR1
trap
sh -c 'trap "echo child got TERM; exit 3" TERM; kill -TERM $$; echo not reached'
echo "child with a TERM trap: $?"
sh -c 'kill -TERM $$; echo not reached'
echo "child killed by TERM: $?"
trap '' HUP
sh -c 'kill -HUP $$; echo "HUP ignored, inherited"'
echo "end of script"
