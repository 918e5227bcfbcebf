# find over a tree the script builds (readdir order is the filesystem's, so every
# listing is sorted): by type, name, size, depth, -exec, -newer on fixed times,
# -prune, and a missing start directory. (Directory sizes belong to the
# filesystem: -size only looks at files.)
mkdir -p tree/a/b tree/c tree/empty
echo one > tree/a/one.txt
echo two > tree/a/b/two.txt
seq 1 1000 > tree/c/big.dat
ln -s ../a/one.txt tree/c/link
touch -d '2020-01-01 00:00:00' tree/a/one.txt
touch -d '2022-06-15 12:00:00' tree/c/big.dat
find tree | sort
find tree -type f | sort
find tree -type d | sort
find tree -type l
find tree -name '*.txt' | sort
find tree -type f -size +2k
find tree -maxdepth 1 | sort
find tree -mindepth 2 -type f | sort
find tree -empty | sort
find tree -newer tree/a/one.txt -type f | sort
find tree -path tree/a -prune -o -type f -print | sort
find tree -type f -exec wc -l {} \; | sort -k2
find no-such-dir; echo "find missing status $?"
