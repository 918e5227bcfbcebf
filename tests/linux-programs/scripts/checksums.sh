# md5sum, sha1sum, sha256sum, sha512sum over files the script generates (text and
# binary), check mode (-c) with one corrupted file, crc32, and base64 round trip.
seq 1 20000 > big.txt
head -c 100000 /dev/zero > zeros.bin
awk 'BEGIN { for (i = 0; i < 4096; i++) printf "%c", (i * 37) % 256 }' > bytes.bin
md5sum big.txt zeros.bin bytes.bin
sha1sum big.txt bytes.bin
sha256sum big.txt zeros.bin bytes.bin > sums.txt
cat sums.txt
sha512sum bytes.bin | cut -c1-64
sha256sum -c sums.txt
echo corrupt >> zeros.bin
sha256sum -c sums.txt 2>&1; echo "check status $?"
crc32 big.txt
base64 bytes.bin | head -2
base64 bytes.bin | base64 -d | cmp - bytes.bin && echo "base64 round trip ok"
wc -c big.txt zeros.bin bytes.bin
