# Pipelines and redirections: > >> < 2> 2>&1, fd 3 via exec, pipes into loops,
# grouping, and the status of a pipeline (the last command's, or pipefail's).
seq 1 200 | grep 7 | sort -rn | head -5 | tr '\n' ' '
echo
echo out > o.txt
echo more >> o.txt
echo err 1>&2
ls no-such-file 2> e.txt
echo "ls status $?"
cat e.txt
cat < o.txt | wc -l
{ echo grouped; echo to-stderr >&2; } 2>&1 | sort
exec 3> three.txt
echo via-fd-3 >&3
exec 3>&-
cat three.txt
echo "x" | { read v; echo "read $v in a group"; }
seq 1 5 | while read n; do echo "square $((n * n))"; done
false | true
echo "pipeline status $?"
set -o pipefail
false | true
echo "pipefail status $?"
set +o pipefail
cat o.txt - three.txt < o.txt | wc -c
echo done > /dev/null 2>&1 && echo "redirect to /dev/null ok"
