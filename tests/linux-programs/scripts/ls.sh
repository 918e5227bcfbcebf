# busybox ls on files the script creates: plain, -1, -a, -l (owner, group and
# times normalised), -l on fixed times (touch -d), -F, -R, -s sizes, -d, sorting.
mkdir -p d/sub
printf '12345' > five
printf '' > empty
seq 1 3000 > large
ln -s five link
chmod 750 large
chmod 4755 d/sub
ls
ls -1 -a
ls -F
ls -R d
ls -l five empty large link
ls -ld d/sub | cut -c1-10
touch -d '2001-02-03 04:05:06' five
touch -d '2030-01-01 00:00:00' empty
ls -l --full-time five empty 2>/dev/null || ls -le five empty
ls -lS five empty large
ls -t -1 five empty
ls -r
ls -d d nonexistent 2>&1; echo "status $?"
