# tr (ranges, delete, squeeze, complement, classes), cut (fields, characters,
# -s), head and tail (lines, bytes, +N), wc, seq, printf, expr.
tr a-z A-Z < prose.txt | head -2
tr -d aeiou < prose.txt | head -1
echo "aaabbbccc   d" | tr -s 'a-c '
echo "keep only digits 1 2 3" | tr -cd '0-9\n'
echo "Mixed Case" | tr '[:upper:][:lower:]' '[:lower:][:upper:]'
cut -d: -f1,3 table.txt | head -3
cut -c2-5 words.txt | head -3
printf 'no delimiter\na:b\n' | cut -d: -f2 -s
head -n 3 words.txt
head -c 10 prose.txt; echo
tail -n 2 words.txt
tail -n +30 numbers.txt | head -2
tail -c 12 prose.txt
wc -l words.txt
wc -w prose.txt
wc -c numbers.txt
wc words.txt prose.txt
seq 5
seq 0 3 20 | tr '\n' ' '; echo
seq -w 8 11
seq 5 -2 -3 | tr '\n' ' '; echo
seq -s , 1 5
printf '%d %i %u %x %X %o %e %g %s %c\n' 42 -7 3 255 255 8 1234.5 0.0001 str chars
expr 6 \* 7; expr 17 / 5; expr 17 % 5; expr length "hello world"
expr substr "hello" 2 3; expr index "hello" l; expr "abc" : 'a\(.*\)'
expr 3 \< 10; expr abc \< abd; expr 0 + 0; echo "expr zero status $?"
