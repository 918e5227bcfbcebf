/**
 * The x86-64 Linux numbers vfsd speaks (asm-generic/fcntl.h, linux/stat.h,
 * asm-generic/ioctls.h, asm-generic/termbits.h, poll.h): one place, so no handler
 * spells a magic number.
 */
export { Errno } from '@rustos/platform';

/** open(2) flags (octal, as the headers write them). */
export const O = {
  ACCMODE: 0o3, RDONLY: 0, WRONLY: 1, RDWR: 2,
  CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000, APPEND: 0o2000,
  NONBLOCK: 0o4000, DSYNC: 0o10000, ASYNC: 0o20000, DIRECT: 0o40000, LARGEFILE: 0o100000,
  DIRECTORY: 0o200000, NOFOLLOW: 0o400000, NOATIME: 0o1000000, CLOEXEC: 0o2000000,
  SYNC: 0o4010000, PATH: 0o10000000, TMPFILE: 0o20200000,
} as const;

/** Flags F_SETFL may change (fs/fcntl.c SETFL_MASK). */
export const SETFL_MASK = O.APPEND | O.NONBLOCK | O.NOATIME | O.DIRECT | O.ASYNC;

/** File type bits of st_mode. */
export const S = {
  IFMT: 0o170000, IFSOCK: 0o140000, IFLNK: 0o120000, IFREG: 0o100000, IFBLK: 0o60000,
  IFDIR: 0o40000, IFCHR: 0o20000, IFIFO: 0o10000,
  ISUID: 0o4000, ISGID: 0o2000, ISVTX: 0o1000,
} as const;

export const isDir = (mode: number) => (mode & S.IFMT) === S.IFDIR;
export const isReg = (mode: number) => (mode & S.IFMT) === S.IFREG;
export const isLnk = (mode: number) => (mode & S.IFMT) === S.IFLNK;

/** d_type values of getdents64: the file type bits shifted down. */
export const dtype = (mode: number) => (mode & S.IFMT) >>> 12;

/** *at() arguments and flags. */
export const AT = {
  FDCWD: -100, SYMLINK_NOFOLLOW: 0x100, REMOVEDIR: 0x200, EACCESS: 0x200,
  SYMLINK_FOLLOW: 0x400, NO_AUTOMOUNT: 0x800, EMPTY_PATH: 0x1000,
  STATX_SYNC_TYPE: 0x6000,
} as const;

export const RENAME = { NOREPLACE: 1, EXCHANGE: 2, WHITEOUT: 4 } as const;

export const SEEK = { SET: 0, CUR: 1, END: 2, DATA: 3, HOLE: 4 } as const;

/** fcntl(2) commands. */
export const F = {
  DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7,
  SETOWN: 8, GETOWN: 9, SETSIG: 10, GETSIG: 11, SETOWN_EX: 15, GETOWN_EX: 16,
  OFD_GETLK: 36, OFD_SETLK: 37, OFD_SETLKW: 38,
  SETLEASE: 1024, GETLEASE: 1025, DUPFD_CLOEXEC: 1030, SETPIPE_SZ: 1031, GETPIPE_SZ: 1032,
  ADD_SEALS: 1033, GET_SEALS: 1034,
} as const;
export const FD_CLOEXEC = 1;
export const F_UNLCK = 2;

/** access(2) modes. */
export const R_OK = 4, W_OK = 2, X_OK = 1;

/** ioctl requests vfsd answers. */
export const IOCTL = {
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404,
  TCSBRK: 0x5409, TCXONC: 0x540a, TCFLSH: 0x540b,
  TIOCEXCL: 0x540c, TIOCNXCL: 0x540d, TIOCSCTTY: 0x540e, TIOCGPGRP: 0x540f, TIOCSPGRP: 0x5410,
  TIOCOUTQ: 0x5411, TIOCSTI: 0x5412, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414,
  FIONREAD: 0x541b, TIOCNOTTY: 0x5422, TIOCGSID: 0x5429, TIOCGPTN: 0x80045430,
  FIONBIO: 0x5421, FIONCLEX: 0x5450, FIOCLEX: 0x5451, FIOASYNC: 0x5452,
  TIOCGPTPEER: 0x5441,
} as const;

/** poll(2) events. */
export const POLL = {
  IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20,
  RDNORM: 0x40, RDBAND: 0x80, WRNORM: 0x100, WRBAND: 0x200, RDHUP: 0x2000,
} as const;

/** Clone flags vfsd looks at in PROC_FORK. */
export const CLONE_FILES = 0x400;
export const CLONE_FS = 0x200;

export const SIG = { HUP: 1, INT: 2, QUIT: 3, PIPE: 13, CONT: 18, TSTP: 20, TTIN: 21, TTOU: 22, WINCH: 28 } as const;

/** utimensat special nanosecond values. */
export const UTIME_NOW = (1 << 30) - 1;
export const UTIME_OMIT = (1 << 30) - 2;

export const PIPE_BUF = 4096;
export const PAGE = 4096;
export const PATH_MAX = 4096;
export const NAME_MAX = 255;
export const SYMLOOP_MAX = 40;
export const IOV_MAX = 1024;
/** Largest count a single read/write transfers (MAX_RW_COUNT). */
export const MAX_RW = 0x7ffff000;

/** Linux's userspace dev_t encoding (glibc's makedev), for majors < 4096 and minors < 2^20. */
export function makedev(major: number, minor: number): number {
  return (((major & 0xfff) << 8) | (minor & 0xff) | ((minor & 0xfff00) << 12)) >>> 0;
}
export const major = (dev: number) => (dev >>> 8) & 0xfff;
export const minor = (dev: number) => (dev & 0xff) | ((dev >>> 12) & 0xfff00);
