/** Linux x86-64 ABI constants the test shim uses (errno.h, mman.h, prctl.h, ...). Syscall numbers live in shim.ts's table. */

export const Errno = {
  EPERM: 1, ENOENT: 2, EBADF: 9, ENOMEM: 12, EFAULT: 14, EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOTTY: 25,
  ESPIPE: 29, ERANGE: 34, ENAMETOOLONG: 36, ENOSYS: 38, ESRCH: 3,
} as const;

const ERRNO_NAMES = new Map<number, string>(Object.entries(Errno).map(([name, n]) => [n, name]));
export const errnoName = (e: number): string => ERRNO_NAMES.get(e) ?? `E${e}`;

export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_FIXED_NOREPLACE = 0x100000;
export const MREMAP_MAYMOVE = 1;
export const MADV_DONTNEED = 4;
export const AT_EMPTY_PATH = 0x1000;
export const ARCH_SET_GS = 0x1001;
export const ARCH_SET_FS = 0x1002;
export const ARCH_GET_FS = 0x1003;
export const ARCH_GET_GS = 0x1004;
export const FUTEX_WAKE = 1;
export const PR_SET_NAME = 15;
export const PR_GET_NAME = 16;
export const S_IFSOCK = 0o140000;

/** Signal names by number (asm-generic/signal.h as used on x86). */
export const SIGNAL_NAMES = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];
/** Signals whose default action is to do nothing. */
export const IGNORED_BY_DEFAULT = new Set([17, 18, 23, 28]);
