# sed (substitution with flags and back-references, addresses and ranges, delete,
# print with -n, y///, insert/append, -i on a file) and grep (-c -v -i -n -o -E
# -w -l, exit statuses).
sed 's/a/A/' words.txt | head -3
sed -n '2,4p' words.txt
sed 's/\(.\)\(.\)/\2\1/g' words.txt | head -3
sed -E 's/([a-z]+)e$/[\1]/' words.txt | head -5
sed '/^b/d' words.txt | wc -l
sed -n '/^c/,/^d/p' words.txt | head -4
sed 'y/abc/XYZ/' words.txt | head -2
sed -e '1i\
first' -e '$a\
last' -e '3q' words.txt
cp words.txt edited.txt
sed -i 's/e/E/g; 1d' edited.txt
head -2 edited.txt
grep -c e words.txt
grep -v e words.txt | head -3
grep -in '^B' words.txt | head -3
grep -o 'an[a-z]' words.txt | head -4
grep -E '^(cat|dog)s?$' words.txt | sort -u
grep -w the prose.txt
grep -l e words.txt prose.txt numbers.txt
grep -q zzzz words.txt; echo "no match status $?"
grep nothing no-such-file; echo "missing file status $?"
