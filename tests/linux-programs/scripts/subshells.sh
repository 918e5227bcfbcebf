# Subshells and command substitution: cd and variables stay inside ( ), $( )
# and backticks nest, exit in a subshell only ends the subshell, $$ is the
# parent's inside a subshell.
v=outer
( v=inner; cd /; echo "in subshell: $v $(pwd)" )
echo "after subshell: $v, cwd is the case dir: $([ "$(pwd)" = "$PWD" ] && echo yes)"
echo "nested: $(echo "a $(echo "b $(echo c)")")"
echo "backticks: `echo back \`echo ticks\``"
(exit 7); echo "subshell exit $?"
outer=$$
inner=$(echo $$)
[ "$outer" = "$inner" ] && echo "\$\$ is the parent's in a subshell"
count=$(seq 1 100 | wc -l)
echo "count=$count"
( echo one; echo two ) | sort -r
x=$( (echo deep; exit 3) ); echo "captured '$x' status $?"
basename "$(pwd)"
