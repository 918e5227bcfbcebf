/**
 * The syscalls vfsd owns (files, descriptors, pipes, terminals, the namespace):
 * for each, which guest memory the nucleus copies in before delivering it to
 * vfsd.files and where the reply's bytes go. Inputs arrive in the order listed;
 * outputs are copied back in the order listed (an empty output is not copied).
 * services/vfsd/src/syscalls/index.ts answers exactly these numbers.
 */
import type { Arg, InSpec, Len, OffloadSpec, OutSpec, When } from '../spec.js';

const cstr = (ptr: Arg, optional = false): InSpec => (optional ? { kind: 'cstr', ptr, optional } : { kind: 'cstr', ptr });
const inBuf = (ptr: Arg, len: Len, optional = false): InSpec => (optional ? { kind: 'buf', ptr, len, optional } : { kind: 'buf', ptr, len });
const inStruct = (ptr: Arg, size: number, optional = false, when?: When): InSpec =>
  ({ kind: 'struct', ptr, size, ...(optional ? { optional } : {}), ...(when ? { when } : {}) });
const outBuf = (ptr: Arg, max: Len, optional = false): OutSpec => (optional ? { kind: 'buf', ptr, max, optional } : { kind: 'buf', ptr, max });
const outStruct = (ptr: Arg, size: number, optional = false, when?: When): OutSpec =>
  ({ kind: 'struct', ptr, size, ...(optional ? { optional } : {}), ...(when ? { when } : {}) });

const STAT = 144;
const STATX = 256;
const STATFS = 120;
/** An fd_set as glibc declares it (FD_SETSIZE 1024 bits); select copies whole sets. */
const FD_SET = { const: 128 } as const;
/** struct sockaddr_un: family and a 108-byte path. */
const SOCKADDR = { const: 110 } as const;
const POLLFDS = { arg: 1, times: 8 } as const;
const IOVECS = { arg: 2, times: 16 } as const;

/** ioctl requests whose third argument points at memory (asm-generic/ioctls.h). */
const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410;
const TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, FIONBIO = 0x5421;
const TIOCGSID = 0x5429, FIOASYNC = 0x5452;
/** fcntl commands whose third argument is a struct flock. */
const F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;

type Entry = Omit<OffloadSpec, 'route'>;

const entries: Entry[] = [
  { nr: 0, name: 'read', support: 'full', out: [outBuf(1, 2)] },
  { nr: 1, name: 'write', support: 'full', in: [inBuf(1, 2)] },
  { nr: 2, name: 'open', support: 'partial', note: 'O_TMPFILE: EOPNOTSUPP', in: [cstr(0)] },
  { nr: 3, name: 'close', support: 'full' },
  { nr: 4, name: 'stat', support: 'full', in: [cstr(0)], out: [outStruct(1, STAT)], idempotent: true },
  { nr: 5, name: 'fstat', support: 'full', out: [outStruct(1, STAT)], idempotent: true },
  { nr: 6, name: 'lstat', support: 'full', in: [cstr(0)], out: [outStruct(1, STAT)], idempotent: true },
  { nr: 7, name: 'poll', support: 'full', in: [inBuf(0, POLLFDS)], out: [outBuf(0, POLLFDS)], idempotent: true },
  { nr: 8, name: 'lseek', support: 'full' },
  {
    nr: 16, name: 'ioctl', support: 'partial',
    note: 'terminals (TCGETS/TCSETS*, TIOC[GS]WINSZ, TIOC[GS]PGRP, TIOCSCTTY, TIOCNOTTY, TIOCGSID, TIOCOUTQ, TCFLSH, FIONREAD), FIONBIO, FIOCLEX, FIONCLEX, FIOASYNC, FIONREAD on files and pipes; others ENOTTY',
    in: [
      inStruct(2, 36, false, { arg: 1, is: [TCSETS, TCSETSW, TCSETSF] }),
      inStruct(2, 8, false, { arg: 1, is: [TIOCSWINSZ] }),
      inStruct(2, 4, false, { arg: 1, is: [TIOCSPGRP, FIONBIO, FIOASYNC] }),
    ],
    out: [outStruct(2, 36, false, { arg: 1, is: [TCGETS, TIOCGWINSZ, TIOCGPGRP, FIONREAD, TIOCOUTQ, TIOCGSID] })],
  },
  { nr: 17, name: 'pread64', support: 'full', out: [outBuf(1, 2)], idempotent: true },
  { nr: 18, name: 'pwrite64', support: 'full', in: [inBuf(1, 2)], idempotent: true },
  { nr: 19, name: 'readv', support: 'full', in: [inBuf(1, IOVECS)], out: [{ kind: 'iov', ptr: 1, count: 2 }] },
  { nr: 20, name: 'writev', support: 'full', in: [{ kind: 'iov', ptr: 1, count: 2 }] },
  { nr: 21, name: 'access', support: 'full', in: [cstr(0)], idempotent: true },
  { nr: 22, name: 'pipe', support: 'full', out: [outStruct(0, 8)] },
  {
    nr: 23, name: 'select', support: 'partial', note: 'fd_sets of 1024 bits (FD_SETSIZE)',
    in: [inBuf(1, FD_SET, true), inBuf(2, FD_SET, true), inBuf(3, FD_SET, true), inStruct(4, 16, true)],
    out: [outBuf(1, FD_SET, true), outBuf(2, FD_SET, true), outBuf(3, FD_SET, true), outStruct(4, 16, true)],
    idempotent: true,
  },
  { nr: 32, name: 'dup', support: 'full' },
  { nr: 33, name: 'dup2', support: 'full', idempotent: true },
  { nr: 40, name: 'sendfile', support: 'full', in: [inStruct(2, 8, true)], out: [outStruct(2, 8, true)] },
  // AF_UNIX sockets (services/vfsd/src/sockets/). A sockaddr goes in as the bytes its length names and comes
  // out truncated to the caller's *addrlen, which is written with the full length, as Linux does.
  { nr: 41, name: 'socket', support: 'partial', note: 'AF_UNIX SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM; other families EAFNOSUPPORT' },
  { nr: 42, name: 'connect', support: 'partial', note: 'AF_UNIX, path and abstract names', in: [inBuf(1, 2)] },
  { nr: 43, name: 'accept', support: 'full', in: [inStruct(2, 4, true)], out: [outBuf(1, SOCKADDR, true), outStruct(2, 4, true)] },
  { nr: 44, name: 'sendto', support: 'partial', note: 'MSG_DONTWAIT, MSG_NOSIGNAL; MSG_OOB is EOPNOTSUPP', in: [inBuf(1, 2), inBuf(4, 5, true)] },
  {
    nr: 45, name: 'recvfrom', support: 'partial', note: 'MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC; MSG_WAITALL returns what is there',
    in: [inStruct(5, 4, true)], out: [outBuf(1, 2), outBuf(4, SOCKADDR, true), outStruct(5, 4, true)],
  },
  { nr: 46, name: 'sendmsg', support: 'partial', note: 'SCM_RIGHTS; SCM_CREDENTIALS checked and passed', in: [{ kind: 'msghdr', ptr: 1, send: true }] },
  {
    nr: 47, name: 'recvmsg', support: 'partial', note: 'SCM_RIGHTS (MSG_CTRUNC when short, MSG_CMSG_CLOEXEC); SCM_CREDENTIALS with SO_PASSCRED',
    in: [{ kind: 'msghdr', ptr: 1, send: false }], out: [{ kind: 'msghdr', ptr: 1 }],
  },
  { nr: 48, name: 'shutdown', support: 'full' },
  { nr: 49, name: 'bind', support: 'partial', note: 'AF_UNIX: a path creates a socket inode; abstract names; autobind', in: [inBuf(1, 2)] },
  { nr: 50, name: 'listen', support: 'full' },
  { nr: 51, name: 'getsockname', support: 'full', in: [inStruct(2, 4)], out: [outBuf(1, SOCKADDR), outStruct(2, 4)], idempotent: true },
  { nr: 52, name: 'getpeername', support: 'full', in: [inStruct(2, 4)], out: [outBuf(1, SOCKADDR), outStruct(2, 4)], idempotent: true },
  { nr: 53, name: 'socketpair', support: 'partial', note: 'AF_UNIX', out: [outStruct(3, 8)] },
  {
    nr: 54, name: 'setsockopt', support: 'partial', in: [inBuf(3, 4, true)],
    note: 'SOL_SOCKET: SO_PASSCRED works, SO_SNDBUF is recorded, other options are accepted and have no effect on AF_UNIX here',
  },
  {
    nr: 55, name: 'getsockopt', support: 'partial', note: 'SO_TYPE, SO_ERROR, SO_PEERCRED, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN, SO_PASSCRED, SO_SNDBUF, SO_RCVBUF',
    in: [inStruct(4, 4)], out: [outBuf(3, { const: 64 }, true), outStruct(4, 4)],
  },
  {
    nr: 72, name: 'fcntl', support: 'partial', note: 'record locks are advisory no-ops (F_GETLK always finds none); no F_SETOWN signals, leases or seals',
    in: [inStruct(2, 32, false, { arg: 1, is: [F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW] })],
    out: [outStruct(2, 32, false, { arg: 1, is: [F_GETLK, F_OFD_GETLK] })],
  },
  { nr: 73, name: 'flock', support: 'partial', note: 'advisory no-op' },
  { nr: 74, name: 'fsync', support: 'full', idempotent: true },
  { nr: 75, name: 'fdatasync', support: 'full', idempotent: true },
  { nr: 76, name: 'truncate', support: 'full', in: [cstr(0)], idempotent: true },
  { nr: 77, name: 'ftruncate', support: 'full', idempotent: true },
  { nr: 79, name: 'getcwd', support: 'full', out: [outBuf(0, 1)], idempotent: true },
  { nr: 80, name: 'chdir', support: 'full', in: [cstr(0)], idempotent: true },
  { nr: 81, name: 'fchdir', support: 'full', idempotent: true },
  { nr: 82, name: 'rename', support: 'full', in: [cstr(0), cstr(1)] },
  { nr: 83, name: 'mkdir', support: 'full', in: [cstr(0)] },
  { nr: 84, name: 'rmdir', support: 'full', in: [cstr(0)] },
  { nr: 85, name: 'creat', support: 'full', in: [cstr(0)] },
  { nr: 86, name: 'link', support: 'full', in: [cstr(0), cstr(1)] },
  { nr: 87, name: 'unlink', support: 'full', in: [cstr(0)] },
  { nr: 88, name: 'symlink', support: 'full', in: [cstr(0), cstr(1)] },
  { nr: 89, name: 'readlink', support: 'full', in: [cstr(0)], out: [outBuf(1, 2)], idempotent: true },
  { nr: 90, name: 'chmod', support: 'full', in: [cstr(0)], idempotent: true },
  { nr: 91, name: 'fchmod', support: 'full', idempotent: true },
  { nr: 92, name: 'chown', support: 'full', in: [cstr(0)] },
  { nr: 93, name: 'fchown', support: 'full' },
  { nr: 94, name: 'lchown', support: 'full', in: [cstr(0)] },
  { nr: 95, name: 'umask', support: 'full' },
  { nr: 132, name: 'utime', support: 'full', in: [cstr(0), inStruct(1, 16, true)], idempotent: true },
  { nr: 133, name: 'mknod', support: 'partial', note: 'FIFOs work (tmpfs); device nodes can be made but not opened (ENXIO)', in: [cstr(0)] },
  { nr: 137, name: 'statfs', support: 'full', in: [cstr(0)], out: [outStruct(1, STATFS)], idempotent: true },
  { nr: 138, name: 'fstatfs', support: 'full', out: [outStruct(1, STATFS)], idempotent: true },
  { nr: 162, name: 'sync', support: 'full', idempotent: true },
  { nr: 188, name: 'setxattr', support: 'partial', note: 'extended attributes are not kept: EOPNOTSUPP', in: [cstr(0), cstr(1)] },
  { nr: 189, name: 'lsetxattr', support: 'partial', note: 'extended attributes are not kept: EOPNOTSUPP', in: [cstr(0), cstr(1)] },
  { nr: 190, name: 'fsetxattr', support: 'partial', note: 'extended attributes are not kept: EOPNOTSUPP', in: [cstr(1)] },
  { nr: 191, name: 'getxattr', support: 'full', note: 'no attributes: ENODATA', in: [cstr(0), cstr(1)], out: [outBuf(2, 3)], idempotent: true },
  { nr: 192, name: 'lgetxattr', support: 'full', note: 'no attributes: ENODATA', in: [cstr(0), cstr(1)], out: [outBuf(2, 3)], idempotent: true },
  { nr: 193, name: 'fgetxattr', support: 'full', note: 'no attributes: ENODATA', in: [cstr(1)], out: [outBuf(2, 3)], idempotent: true },
  { nr: 194, name: 'listxattr', support: 'full', note: 'no attributes: empty list', in: [cstr(0)], out: [outBuf(1, 2)], idempotent: true },
  { nr: 195, name: 'llistxattr', support: 'full', note: 'no attributes: empty list', in: [cstr(0)], out: [outBuf(1, 2)], idempotent: true },
  { nr: 196, name: 'flistxattr', support: 'full', note: 'no attributes: empty list', out: [outBuf(1, 2)], idempotent: true },
  { nr: 197, name: 'removexattr', support: 'full', note: 'no attributes: ENODATA', in: [cstr(0), cstr(1)] },
  { nr: 198, name: 'lremovexattr', support: 'full', note: 'no attributes: ENODATA', in: [cstr(0), cstr(1)] },
  { nr: 199, name: 'fremovexattr', support: 'full', note: 'no attributes: ENODATA', in: [cstr(1)] },
  { nr: 217, name: 'getdents64', support: 'full', out: [outBuf(1, 2)] },
  { nr: 221, name: 'fadvise64', support: 'full', note: 'advice is accepted and ignored', idempotent: true },
  { nr: 235, name: 'utimes', support: 'full', in: [cstr(0), inStruct(1, 32, true)], idempotent: true },
  { nr: 257, name: 'openat', support: 'partial', note: 'O_TMPFILE: EOPNOTSUPP', in: [cstr(1)] },
  { nr: 258, name: 'mkdirat', support: 'full', in: [cstr(1)] },
  { nr: 259, name: 'mknodat', support: 'partial', note: 'FIFOs work (tmpfs); device nodes can be made but not opened (ENXIO)', in: [cstr(1)] },
  { nr: 260, name: 'fchownat', support: 'full', in: [cstr(1)] },
  { nr: 261, name: 'futimesat', support: 'full', in: [cstr(1), inStruct(2, 32, true)], idempotent: true },
  { nr: 262, name: 'newfstatat', support: 'full', in: [cstr(1)], out: [outStruct(2, STAT)], idempotent: true },
  { nr: 263, name: 'unlinkat', support: 'full', in: [cstr(1)] },
  { nr: 264, name: 'renameat', support: 'full', in: [cstr(1), cstr(3)] },
  { nr: 265, name: 'linkat', support: 'full', in: [cstr(1), cstr(3)] },
  { nr: 266, name: 'symlinkat', support: 'full', in: [cstr(0), cstr(2)] },
  { nr: 267, name: 'readlinkat', support: 'full', in: [cstr(1)], out: [outBuf(2, 3)], idempotent: true },
  { nr: 268, name: 'fchmodat', support: 'full', in: [cstr(1)], idempotent: true },
  { nr: 269, name: 'faccessat', support: 'full', in: [cstr(1)], idempotent: true },
  {
    nr: 270, name: 'pselect6', support: 'partial', note: 'fd_sets of 1024 bits; the signal mask is not applied during the wait',
    in: [inBuf(1, FD_SET, true), inBuf(2, FD_SET, true), inBuf(3, FD_SET, true), inStruct(4, 16, true)],
    out: [outBuf(1, FD_SET, true), outBuf(2, FD_SET, true), outBuf(3, FD_SET, true), outStruct(4, 16, true)],
    idempotent: true,
  },
  {
    nr: 271, name: 'ppoll', support: 'partial', note: 'the signal mask is not applied during the wait',
    in: [inBuf(0, POLLFDS), inStruct(2, 16, true)], out: [outBuf(0, POLLFDS), outStruct(2, 16, true)], idempotent: true,
  },
  { nr: 280, name: 'utimensat', support: 'full', in: [cstr(1, true), inStruct(2, 32, true)], idempotent: true },
  { nr: 285, name: 'fallocate', support: 'partial', note: 'mode 0 and FALLOC_FL_KEEP_SIZE; others EOPNOTSUPP' },
  { nr: 288, name: 'accept4', support: 'full', in: [inStruct(2, 4, true)], out: [outBuf(1, SOCKADDR, true), outStruct(2, 4, true)] },
  { nr: 292, name: 'dup3', support: 'full', idempotent: true },
  { nr: 293, name: 'pipe2', support: 'full', out: [outStruct(0, 8)] },
  { nr: 295, name: 'preadv', support: 'full', in: [inBuf(1, IOVECS)], out: [{ kind: 'iov', ptr: 1, count: 2 }], idempotent: true },
  { nr: 296, name: 'pwritev', support: 'full', in: [{ kind: 'iov', ptr: 1, count: 2 }], idempotent: true },
  { nr: 306, name: 'syncfs', support: 'full', idempotent: true },
  { nr: 316, name: 'renameat2', support: 'partial', note: 'RENAME_NOREPLACE and RENAME_EXCHANGE (tmpfs); no RENAME_WHITEOUT', in: [cstr(1), cstr(3)] },
  { nr: 319, name: 'memfd_create', support: 'partial', note: 'MFD_CLOEXEC, MFD_ALLOW_SEALING (F_ADD_SEALS, F_GET_SEALS); MFD_HUGETLB is EINVAL', in: [cstr(0)] },
  {
    nr: 326, name: 'copy_file_range', support: 'full',
    in: [inStruct(1, 8, true), inStruct(3, 8, true)], out: [outStruct(1, 8, true), outStruct(3, 8, true)],
  },
  { nr: 327, name: 'preadv2', support: 'partial', note: 'RWF_* flags are ignored', in: [inBuf(1, IOVECS)], out: [{ kind: 'iov', ptr: 1, count: 2 }] },
  { nr: 328, name: 'pwritev2', support: 'partial', note: 'RWF_* flags are ignored', in: [{ kind: 'iov', ptr: 1, count: 2 }] },
  { nr: 332, name: 'statx', support: 'full', in: [cstr(1)], out: [outStruct(4, STATX)], idempotent: true },
  { nr: 436, name: 'close_range', support: 'full' },
  { nr: 439, name: 'faccessat2', support: 'full', in: [cstr(1)], idempotent: true },
  { nr: 452, name: 'fchmodat2', support: 'full', in: [cstr(1)], idempotent: true },
];

export const VFSD_SYSCALLS: readonly OffloadSpec[] = entries.map((e) => ({ ...e, route: 'vfsd' }));
