# tar and gzip round trips: create a tree, tar it (plain and gzip), list (sorted:
# archive order follows readdir), extract elsewhere and compare; gzip/gunzip/zcat
# of generated data, integrity test, bytes of a stdin stream, a corrupt archive;
# bzip2 and cpio round trips.
mkdir -p src/dir/deeper
seq 1 5000 > src/numbers.txt
echo "hello tar" > src/dir/hello.txt
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "%c", (i * 7 + i / 256) % 256 }' > src/dir/deeper/binary.bin
ln -s dir/hello.txt src/link
chmod 600 src/dir/hello.txt
tar cf plain.tar src
tar tf plain.tar | sort
mkdir out && tar xf plain.tar -C out
diff -r src out/src && echo "plain round trip identical"
ls -l out/src/dir/hello.txt | cut -c1-10
tar czf packed.tgz src
tar tzf packed.tgz | sort | head -3
mkdir out2 && tar xzf packed.tgz -C out2 && diff -r src out2/src && echo "gzip'd tar round trip identical"
gzip -c src/numbers.txt > numbers.gz
gunzip -c numbers.gz | cmp - src/numbers.txt && echo "gunzip restores the file"
zcat numbers.gz | tail -1
gzip -t numbers.gz && echo "gzip -t ok"
gzip -9 -c < src/dir/deeper/binary.bin | md5sum
gzip -1 -c < src/numbers.txt | wc -c
cp src/numbers.txt n2.txt && gzip n2.txt && ls n2* && gunzip n2.txt.gz && cmp n2.txt src/numbers.txt && echo "in place ok"
head -c 100 numbers.gz > broken.gz
gunzip -c broken.gz > /dev/null 2>&1; echo "truncated gzip status $?"
bzip2 -c src/numbers.txt | bunzip2 | cmp - src/numbers.txt && echo "bzip2 round trip ok"
bzip2 -c src/numbers.txt | md5sum
printf '%s\n' src/numbers.txt src/dir/hello.txt | cpio -o -H newc 2>/dev/null > files.cpio
mkdir out3 && cd out3 && cpio -i -d < ../files.cpio 2>/dev/null && cd .. && cmp out3/src/numbers.txt src/numbers.txt && echo "cpio round trip ok"
