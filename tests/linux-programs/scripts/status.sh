# Exit statuses: $? after builtins, commands and failures; ! negation; && || chains;
# exit codes past 255; a missing command (127); set -e in a subshell; the script's
# own status (this one exits 42).
true; echo "true $?"
false; echo "false $?"
! true; echo "! true $?"
! false; echo "! false $?"
true && echo "&& after true"
false && echo never || echo "|| after a failed &&"
no-such-command-here 2>/dev/null; echo "missing command $?"
sh -c 'exit 300'; echo "exit 300 is $?"
sh -c 'exit -1' 2>/dev/null; echo "exit -1 is $?"
( set -e; false; echo never ); echo "set -e subshell $?"
grep -q nothing-matches /dev/null; echo "grep no match $?"
test 1 -eq 2; echo "test false $?"
[ abc = abc ]; echo "[ equal $?"
expr 0 > /dev/null; echo "expr 0 $?"
cat no-such-file 2>/dev/null; echo "cat missing file $?"
exit 42
