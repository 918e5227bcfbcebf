# Here-documents: expanding, quoted (literal), tab-stripping, into a loop and a
# command substitution.
name=world
cat <<EOF2
hello $name
sum $((2 + 3)), command $(echo substituted)
\$name stays literal when escaped
EOF2
cat <<'EOF2'
nothing expands: $name $((1+1)) $(echo no)
EOF2
	cat <<-EOF2
	leading tabs are stripped
		even two of them
	EOF2
while read a b; do echo "[$a|$b]"; done <<EOF2
one 1
two 2 extra
three
EOF2
x=$(cat <<EOF2
inside a command substitution
EOF2
)
echo "x=$x"
