# Loops: for over words and globs, while and until with counters, break and
# continue (also out of nested loops), arithmetic, and a loop's exit status.
for w in alpha beta gamma; do printf '%s ' "$w"; done; echo
touch b.txt a.txt c.log
for f in *.txt; do echo "glob $f"; done
for f in *.none; do echo "no match keeps the pattern: $f"; done
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 3 ] && continue; printf '%d ' $i; done; echo
until [ $i -le 0 ]; do i=$((i - 2)); done; echo "until ended at $i"
for a in 1 2 3; do
  for b in 1 2 3; do
    [ $b -eq 2 ] && continue 2
    [ $a -eq 3 ] && break 2
    echo "pair $a $b"
  done
done
n=0; total=0
while [ $n -lt 100 ]; do n=$((n + 1)); total=$((total + n * n % 7)); done
echo "total $total"
for x in; do echo never; done
echo "empty for status $?"
seq 3 | while read l; do echo "line $l"; done
