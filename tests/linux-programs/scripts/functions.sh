# Functions: arguments, $# $@ "$*" and shift, local variables, return codes,
# recursion, and functions in pipelines.
show() { echo "$# args: [$*]"; for a in "$@"; do printf '<%s>' "$a"; done; echo; }
show one "two words" '' three
shifty() { shift 2; echo "after shift: $*"; }
shifty a b c d
counter=10
scoped() { local counter=1; counter=$((counter + 1)); echo "inside $counter"; }
scoped
echo "outside $counter"
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi; }
echo "10! = $(fact 10)"
fails() { return 3; }
fails; echo "return status $?"
fails || echo "|| runs after a failure"
fib() { a=0 b=1 i=0; while [ $i -lt "$1" ]; do t=$b; b=$((a + b)); a=$t; i=$((i + 1)); done; echo $a; }
for n in 1 10 50 90; do echo "fib $n = $(fib $n)"; done
upper() { tr a-z A-Z; }
echo "through a function in a pipe" | upper
type show | head -1
