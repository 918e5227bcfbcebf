# awk: fields and NR/NF, BEGIN/END, arrays (iterated in a sorted pipe), printf,
# gsub/split/substr/index/toupper/sprintf, numeric formatting (Debian's busybox
# awk has no math library: no sin, sqrt or ^).
awk -F: '{ total += $2; n++ } END { printf "rows %d, total %d, mean %.3f\n", n, total, total / n }' table.txt
awk -F: 'NR % 3 == 1 { print NR ": " $1 " has " NF " fields" }' table.txt
awk '{ count[$1]++ } END { for (w in count) print count[w], w }' words.txt | sort -k1,1nr -k2 | head -5
awk 'BEGIN { s = "the quick brown fox"; n = split(s, parts, " "); print n, parts[2], toupper(substr(s, 5, 5)), index(s, "fox"); gsub(/o/, "0", s); print s }'
awk 'BEGIN { printf "%5.2f|%-6s|%06d|%x|%e|%c\n", 3.14159, "ab", 42, 255, 12345.678, 65 }'
awk 'BEGIN { print int(-3.7), 7 % 3, 1 / 3, 1e6 * 3, 0.1 + 0.2, -7 / 2; printf "%.10f %d\n", 1 / 7, "42abc" }'
awk 'BEGIN { x = sprintf("%s-%03d", "id", 7); print x, length(x) }'
awk '/^[aeiou]/ { vowels++ } END { print vowels " words start with a vowel" }' words.txt
awk -v factor=3 '{ print $1 * factor }' numbers.txt | head -3
printf 'a b c\nd e\n' | awk '{ $2 = "X"; print; print NF }'
awk 'BEGIN { while (("echo piped" | getline line) > 0) print "got " line }'
