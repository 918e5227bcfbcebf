# sort (numeric, reverse, keys and separators, unique, case folding, stable) and
# uniq (counts, duplicates only, unique only) over words.txt.
sort words.txt | head -5
sort -r words.txt | head -3
sort -u words.txt | wc -l
sort -f words.txt | uniq -i | head -4
sort -t: -k2,2n -k1,1 table.txt
sort -t: -k3 -r table.txt | head -3
sort -n numbers.txt | tail -3
sort -s -k1,1 pairs.txt
sort words.txt | uniq -c | sort -rn -k1,1 -k2 | head -6
sort words.txt | uniq -d | head -5
sort words.txt | uniq -u | wc -l
sort -c numbers.txt 2>&1; echo "sort -c unsorted: $?"
sort -n numbers.txt | sort -c -n; echo "sort -c sorted: $?"
