# Parameters and patterns: defaults, prefix/suffix removal, length, replacement,
# case patterns, IFS splitting, set --, arithmetic bases and operators, test.
unset u; e=""; v=value/with/path.tar.gz
echo "${u:-default} ${e:-empty-default} ${u-unset-only} [${e-x}] ${v:+alt}"
echo "${v#*/} | ${v##*/} | ${v%.*} | ${v%%.*} | ${#v}"
echo "${v/a/A} ${v//a/A}"
: ${assigned:=now-set}; echo "$assigned"
for w in apple.c Makefile x.tar.gz README 42; do
  case $w in
    *.c) echo "$w: C source" ;;
    *.tar.*|*.tgz) echo "$w: archive" ;;
    [A-Z]*) echo "$w: capitalised" ;;
    [0-9]*) echo "$w: number" ;;
    *) echo "$w: other" ;;
  esac
done
line="a:b::c"
IFS=: read -r f1 f2 f3 f4 <<EOF2
$line
EOF2
echo "fields [$f1][$f2][$f3][$f4]"
set -- x "y z" w; echo "$# $2 ${3}"
IFS=,; set -- $(echo "1,2,3"); IFS=' '; echo "split into $#: $1 $2 $3"
echo $((0x1f + 010 + 2#101)) $((7 / 2)) $((-7 % 3)) $((1 << 10)) $((5 & 3 | 8 ^ 1)) $((3 > 2 && 1))
[ -z "" ] && [ -n x ] && [ 5 -ge 5 ] && [ abc != abd ] && echo "tests pass"
[ -d . ] && [ ! -f . ] && [ -e /bin/busybox ] && echo "file tests pass"
printf '%s=%d %5.1f|%-4s|%04x %o %c %%\n' answer 42 3.14159 ab 255 8 xyz
printf '%s\n' repeated format for each
printf '%b\n' 'escape\tin %b'
