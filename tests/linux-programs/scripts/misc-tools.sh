# Smaller applets: od/hexdump/xxd, rev, tac, nl, fold, paste, xargs, dd (a
# conversion; no timing output), diff (unified), cmp, bc, factor, cal of a fixed
# month, strings, expand, tee, basename/dirname, realpath, stat with a format,
# cp/mv/rm/ln.
printf 'hello\000world\n' | od -c
printf 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' | hexdump -C
printf 'xxd' | xxd
echo "reversed line" | rev
printf '1\n2\n3\n' | tac
printf 'a\n\nb\n' | nl
echo "a long line that folds at twenty columns" | fold -w 20
printf 'x\ny\n' > left; printf '1\n2\n' > right; paste left right; paste -s -d, left
seq 1 10 | xargs -n 4 echo
printf 'a b\nc\n' | xargs -I{} echo "<{}>"
echo "convert me" | dd conv=ucase 2>/dev/null
echo '2^64; scale=30; 4*a(1); sqrt(2); 7/3' | bc -l
factor 360 1000001 4294967297
cal 2 2024
printf 'bin\001ary\000strings are here\377ok\n' | strings
printf 'a\tb\tc\n' | expand -t 4
echo teed | tee t1 t2 > /dev/null; cat t1 t2
printf 'one\ntwo\nthree\n' > v1; printf 'one\n2\nthree\nfour\n' > v2
diff v1 v2; echo "diff status $?"
cmp v1 v2; echo "cmp status $?"
basename /usr/lib/libfoo.so .so; dirname /usr/lib/libfoo.so
mkdir -p r/s; realpath r/s/../s | sed "s|^$PWD|CASEDIR|"
printf 'abc' > st; chmod 640 st; stat -c '%s %a %A %F %h %n' st
cp st st2; mv st2 st3; ln st3 hard; ln -s st3 soft
stat -c '%h %F' st3 soft; readlink soft
rm st3 hard; ls st*; rm -r r; [ -e r ] || echo "rm -r removed r"
