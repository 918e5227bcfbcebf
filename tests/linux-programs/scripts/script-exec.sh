#!/bin/busybox sh
# Run as a program through its #! line (the kernel's interpreter handling):
# $0, arguments, and the exit status the caller sees.
echo "script $0 with $# args: $*"
echo "interpreter ran as: $(basename "$(readlink /proc/$$/exe)")"
exit 5
