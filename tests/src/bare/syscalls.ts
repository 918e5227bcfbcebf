/**
 * The test shim's syscall table: number -> name and handler. A handler returns the
 * value for rax (a negative errno on failure), with Linux's semantics for what the
 * test programs, static glibc start-up and busybox's simple applets use. Anything
 * absent answers ENOSYS and is counted by the shim. Files do not exist here: stdin,
 * stdout and stderr are the only streams (reported as sockets, which is what a
 * native child of Node's spawn has, so glibc and busybox take the same paths).
 */
import {
  ARCH_GET_FS, ARCH_GET_GS, ARCH_SET_FS, ARCH_SET_GS, AT_EMPTY_PATH, Errno, FUTEX_WAKE, MADV_DONTNEED,
  IGNORED_BY_DEFAULT, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MREMAP_MAYMOVE, PR_GET_NAME, PR_SET_NAME,
  S_IFSOCK, SIGNAL_NAMES,
} from './linux.js';
import { PAGE, Prot, pageUp } from './ports.js';
import type { Process } from './shim.js';

type Handler = (p: Process) => number;

const ok = (): number => 0;
const u64s = (values: number[]): Uint8Array => {
  const b = new Uint8Array(values.length * 8);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => dv.setBigUint64(i * 8, BigInt(v), true));
  return b;
};
/** Copies bytes out to the guest; the syscall then returns `result`, or -EFAULT on a bad pointer. */
const store = (p: Process, va: number, bytes: Uint8Array, result = 0): number => (p.write(va, bytes) ? result : -Errno.EFAULT);
const cstring = (s: string): Uint8Array => new Uint8Array([...Buffer.from(s), 0]);

function stream(p: Process, fd: number): 'in' | 'out' | 'err' | null {
  return fd >= 0 && fd < p.fds.length ? p.fds[fd]! : null;
}

function writeTo(p: Process, fd: number, bytes: Uint8Array): number {
  const s = stream(p, fd);
  if (s === 'out') p.stdout.push(Buffer.from(bytes));
  else if (s === 'err') p.stderr.push(Buffer.from(bytes));
  else return -Errno.EBADF;
  return bytes.length;
}

function readFrom(p: Process, fd: number, va: number, n: number): number {
  if (stream(p, fd) !== 'in') return -Errno.EBADF;
  const data = p.opts.stdin.subarray(p.stdinPos, p.stdinPos + Math.min(n, 1 << 20));
  if (!p.write(va, data)) return -Errno.EFAULT;
  p.stdinPos += data.length;
  return data.length;
}

/** struct iovec array -> [base, len] pairs, or null on a bad pointer. */
function iovecs(p: Process, va: number, count: number): Array<[number, number]> | null {
  if (count < 0 || count > 1024) return null;
  const raw = p.read(va, count * 16);
  if (!raw) return null;
  const dv = new DataView(raw.buffer, raw.byteOffset);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) out.push([Number(dv.getBigUint64(i * 16, true)), Number(dv.getBigUint64(i * 16 + 8, true))]);
  return out;
}

/** struct stat for one of the standard streams: a socket, like a native child of Node's spawn. */
function statStream(p: Process, va: number): number {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, 8n, true); // st_dev
  dv.setBigUint64(8, 1000n, true); // st_ino
  dv.setBigUint64(16, 1n, true); // st_nlink
  dv.setUint32(24, S_IFSOCK | 0o777, true); // st_mode
  dv.setUint32(28, p.opts.uid, true);
  dv.setUint32(32, p.opts.gid, true);
  dv.setBigInt64(56, 4096n, true); // st_blksize
  return store(p, va, b);
}

function mmap(p: Process): number {
  const [addr, len, prot, flags, fd] = [p.arg(0), p.arg(1), p.int(2), p.int(3), p.int(4)];
  if (len === 0 || len > 2 ** 40) return -Errno.EINVAL;
  if (!(flags & MAP_ANONYMOUS)) return fd < 0 ? -Errno.EBADF : -Errno.ENODEV; // no files in the shim
  const size = pageUp(len);
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr % PAGE !== 0) return -Errno.EINVAL;
    if (flags & MAP_FIXED_NOREPLACE && p.machine.space.isMapped(addr, PAGE)) return -Errno.EEXIST;
    return p.machine.space.map(addr, size, prot) ? addr : -Errno.ENOMEM;
  }
  return p.allocate(size, prot);
}

function mremap(p: Process): number {
  const [old, oldLen, newLen, flags] = [p.arg(0), pageUp(p.arg(1)), pageUp(p.arg(2)), p.int(3)];
  if (old % PAGE !== 0 || newLen === 0) return -Errno.EINVAL;
  if (!p.machine.space.isMapped(old, oldLen)) return -Errno.EFAULT;
  if (newLen <= oldLen) {
    if (newLen < oldLen) p.machine.space.unmap(old + newLen, oldLen - newLen);
    return old;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -Errno.ENOMEM;
  const data = p.read(old, oldLen);
  if (!data) return -Errno.EFAULT;
  const moved = p.allocate(newLen, Prot.Read | Prot.Write); // glibc only remaps its read-write chunks
  if (moved < 0) return moved;
  p.write(moved, data);
  p.machine.space.unmap(old, oldLen);
  return moved;
}

function brk(p: Process): number {
  const want = p.arg(0);
  if (want < p.brkStart || want > p.brkStart + 2 ** 32) return p.brk; // Linux: failure returns the old break
  const oldTop = pageUp(p.brk);
  const newTop = pageUp(want);
  if (newTop > oldTop && !p.machine.space.map(oldTop, newTop - oldTop, Prot.Read | Prot.Write)) return p.brk;
  if (newTop < oldTop) p.machine.space.unmap(newTop, oldTop - newTop);
  p.brk = want;
  return want;
}

function archPrctl(p: Process): number {
  const [code, addr] = [p.int(0), p.arg(1)];
  const regs = p.machine.cpu.regs;
  if (code === ARCH_SET_FS || code === ARCH_SET_GS) {
    if (addr >= 2 ** 47) return -Errno.EPERM;
    if (code === ARCH_SET_FS) regs.fsBase = addr;
    else regs.gsBase = addr;
    return 0;
  }
  if (code === ARCH_GET_FS) return store(p, addr, u64s([regs.fsBase]));
  if (code === ARCH_GET_GS) return store(p, addr, u64s([regs.gsBase]));
  return -Errno.EINVAL;
}

/** A fixed, slowly advancing clock: deterministic across runs. */
function now(p: Process): [number, number] {
  p.clock += 1000;
  return [1_700_000_000 + Math.floor(p.clock / 1e9), p.clock % 1e9];
}

function uname(p: Process): number {
  const fields = ['Linux', 'rustos', '6.1.0', '#1 SMP PREEMPT_DYNAMIC', 'x86_64', '(none)'];
  const b = new Uint8Array(65 * 6);
  fields.forEach((f, i) => b.set(Buffer.from(f), i * 65));
  return store(p, p.arg(0), b);
}

function readlink(p: Process, pathArg: number, bufArg: number, sizeArg: number): number {
  const path = p.readString(p.arg(pathArg));
  if (path === null) return -Errno.EFAULT;
  if (path !== '/proc/self/exe') return -Errno.ENOENT;
  const target = Buffer.from(p.opts.exe).subarray(0, p.arg(sizeArg));
  return p.write(p.arg(bufArg), target) ? target.length : -Errno.EFAULT;
}

function prlimit(p: Process, resourceArg: number, oldArg: number): number {
  const old = p.arg(oldArg);
  if (old === 0) return 0;
  const resource = p.int(resourceArg);
  const limits: Record<number, [number, number]> = { 3: [8 * 1024 * 1024, -1], 7: [1024, 1048576] };
  const [cur, max] = limits[resource] ?? [-1, -1]; // -1: RLIM_INFINITY
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, cur < 0 ? 0xffffffffffffffffn : BigInt(cur), true);
  dv.setBigUint64(8, max < 0 ? 0xffffffffffffffffn : BigInt(max), true);
  return store(p, old, b);
}

function sysinfo(p: Process): number {
  const b = new Uint8Array(112);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, 1000n, true); // uptime
  dv.setBigUint64(32, 1024n * 1024n * 1024n, true); // totalram
  dv.setBigUint64(40, 512n * 1024n * 1024n, true); // freeram
  dv.setUint16(80, 1, true); // procs
  dv.setUint32(104, 1, true); // mem_unit
  return store(p, p.arg(0), b);
}

function getrandom(p: Process): number {
  const n = Math.min(p.arg(1), 1 << 16);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    p.randomState = (Math.imul(p.randomState, 1103515245) + 12345) | 0;
    b[i] = p.randomState >>> 24;
  }
  return p.write(p.arg(0), b) ? n : -Errno.EFAULT;
}

function dup2(p: Process, from: number, to: number): number {
  if (stream(p, from) === null || to < 0 || to > 1023) return -Errno.EBADF;
  while (p.fds.length <= to) p.fds.push(null);
  p.fds[to] = p.fds[from]!;
  return to;
}

/** The process and its only thread are both id 1000. */
const SELF = 1000;

/**
 * A signal sent to itself (abort, raise). Handlers are never run by the shim: the
 * default action applies, which ends the process unless the signal is ignored.
 */
function signalSelf(p: Process, target: number, sig: number): number {
  if (target !== SELF && target !== 0) return -Errno.ESRCH;
  if (sig < 0 || sig >= SIGNAL_NAMES.length) return -Errno.EINVAL;
  if (sig !== 0 && !IGNORED_BY_DEFAULT.has(sig)) {
    p.killedBy = SIGNAL_NAMES[sig]!;
    p.killMessage = `${SIGNAL_NAMES[sig]} sent to itself`;
  }
  return 0;
}

const entries: Array<[number, string, Handler]> = [
  [0, 'read', (p) => readFrom(p, p.int(0), p.arg(1), p.arg(2))],
  [1, 'write', (p) => {
    const bytes = p.read(p.arg(1), Math.min(p.arg(2), 1 << 24));
    return bytes ? writeTo(p, p.int(0), bytes) : -Errno.EFAULT;
  }],
  [2, 'open', () => -Errno.ENOENT],
  [3, 'close', (p) => (stream(p, p.int(0)) === null ? -Errno.EBADF : ((p.fds[p.int(0)] = null), 0))],
  [4, 'stat', () => -Errno.ENOENT],
  [5, 'fstat', (p) => (stream(p, p.int(0)) === null ? -Errno.EBADF : statStream(p, p.arg(1)))],
  [6, 'lstat', () => -Errno.ENOENT],
  [8, 'lseek', (p) => (stream(p, p.int(0)) === null ? -Errno.EBADF : -Errno.ESPIPE)],
  [9, 'mmap', mmap],
  [10, 'mprotect', (p) => {
    const [va, len] = [p.arg(0), pageUp(p.arg(1))];
    if (va % PAGE !== 0) return -Errno.EINVAL;
    if (!p.machine.space.isMapped(va, len)) return -Errno.ENOMEM;
    p.machine.space.protect(va, len, p.int(2));
    return 0;
  }],
  [11, 'munmap', (p) => {
    const [va, len] = [p.arg(0), pageUp(p.arg(1))];
    if (va % PAGE !== 0 || len === 0) return -Errno.EINVAL;
    p.machine.space.unmap(va, len);
    return 0;
  }],
  [12, 'brk', brk],
  [13, 'rt_sigaction', ok], // recorded nowhere: the shim never delivers signals
  [14, 'rt_sigprocmask', (p) => (p.arg(2) ? store(p, p.arg(2), new Uint8Array(8)) : 0)],
  [16, 'ioctl', (p) => (stream(p, p.int(0)) === null ? -Errno.EBADF : -Errno.ENOTTY)],
  [20, 'writev', (p) => {
    const iov = iovecs(p, p.arg(1), p.int(2));
    if (!iov) return -Errno.EINVAL;
    let total = 0;
    for (const [base, len] of iov) {
      const bytes = p.read(base, len);
      if (!bytes) return total || -Errno.EFAULT;
      const r = writeTo(p, p.int(0), bytes);
      if (r < 0) return r;
      total += r;
    }
    return total;
  }],
  [21, 'access', () => -Errno.ENOENT],
  [24, 'sched_yield', ok],
  [25, 'mremap', mremap],
  [28, 'madvise', (p) => {
    // DONTNEED on private anonymous memory: the next touch sees zeros.
    if (p.int(2) === MADV_DONTNEED && p.machine.space.isMapped(p.arg(0), pageUp(p.arg(1)))) {
      p.machine.space.unmap(p.arg(0), pageUp(p.arg(1)));
      p.machine.space.map(p.arg(0), pageUp(p.arg(1)), Prot.Read | Prot.Write);
    }
    return 0;
  }],
  [32, 'dup', (p) => {
    const free = p.fds.indexOf(null); // the lowest free descriptor
    return dup2(p, p.int(0), free < 0 ? p.fds.length : free);
  }],
  [33, 'dup2', (p) => dup2(p, p.int(0), p.int(1))],
  [39, 'getpid', () => SELF],
  [40, 'sendfile', () => -Errno.EINVAL], // callers fall back to read/write
  [60, 'exit', (p) => ((p.exitCode = p.int(0) & 0xff), 0)],
  [62, 'kill', (p) => signalSelf(p, p.int(0), p.int(1))],
  [63, 'uname', uname],
  [72, 'fcntl', (p) => (stream(p, p.int(0)) === null ? -Errno.EBADF : 0)],
  [79, 'getcwd', (p) => (p.arg(1) < 2 ? -Errno.ERANGE : store(p, p.arg(0), cstring('/'), 2))],
  [89, 'readlink', (p) => readlink(p, 0, 1, 2)],
  [96, 'gettimeofday', (p) => {
    const [s, ns] = now(p);
    return p.arg(0) ? store(p, p.arg(0), u64s([s, Math.floor(ns / 1000)])) : 0;
  }],
  [97, 'getrlimit', (p) => prlimit(p, 0, 1)],
  [99, 'sysinfo', sysinfo],
  [102, 'getuid', (p) => p.opts.uid],
  [104, 'getgid', (p) => p.opts.gid],
  [107, 'geteuid', (p) => p.opts.uid],
  [108, 'getegid', (p) => p.opts.gid],
  [110, 'getppid', () => 999],
  [131, 'sigaltstack', (p) => (p.arg(1) ? store(p, p.arg(1), u64s([0, 2, 0])) : 0)], // SS_DISABLE
  [157, 'prctl', (p) => {
    if (p.int(0) === PR_GET_NAME) return store(p, p.arg(1), cstring(p.comm));
    if (p.int(0) === PR_SET_NAME) {
      p.comm = (p.readString(p.arg(1), 16) ?? p.comm).slice(0, 15);
      return 0;
    }
    return -Errno.EINVAL;
  }],
  [158, 'arch_prctl', archPrctl],
  [186, 'gettid', () => SELF],
  [200, 'tkill', (p) => signalSelf(p, p.int(0), p.int(1))],
  [201, 'time', (p) => {
    const [s] = now(p);
    return p.arg(0) ? store(p, p.arg(0), u64s([s]), s) : s;
  }],
  [202, 'futex', (p) => ((p.int(1) & 0x7f) === FUTEX_WAKE ? 0 : -Errno.ENOSYS)], // single thread: nobody waits
  [204, 'sched_getaffinity', (p) => {
    const size = p.arg(1);
    if (size < 8) return -Errno.EINVAL;
    const mask = new Uint8Array(8);
    mask[0] = 1;
    return store(p, p.arg(2), mask, 8); // the kernel returns the bytes it copied
  }],
  [218, 'set_tid_address', () => SELF],
  [228, 'clock_gettime', (p) => store(p, p.arg(1), u64s(now(p)))],
  [229, 'clock_getres', (p) => (p.arg(1) ? store(p, p.arg(1), u64s([0, 1])) : 0)],
  [231, 'exit_group', (p) => ((p.exitCode = p.int(0) & 0xff), 0)],
  [234, 'tgkill', (p) => (p.int(0) !== SELF ? -Errno.ESRCH : signalSelf(p, p.int(1), p.int(2)))],
  [257, 'openat', () => -Errno.ENOENT],
  [262, 'newfstatat', (p) => {
    const path = p.readString(p.arg(1));
    if (path === null) return -Errno.EFAULT;
    if (path !== '' || !(p.int(3) & AT_EMPTY_PATH)) return -Errno.ENOENT;
    return stream(p, p.int(0)) === null ? -Errno.EBADF : statStream(p, p.arg(2));
  }],
  [267, 'readlinkat', (p) => readlink(p, 1, 2, 3)],
  [273, 'set_robust_list', ok],
  [292, 'dup3', (p) => (p.int(0) === p.int(1) ? -Errno.EINVAL : dup2(p, p.int(0), p.int(1)))],
  [302, 'prlimit64', (p) => prlimit(p, 1, 3)],
  [318, 'getrandom', getrandom],
  [334, 'rseq', () => -Errno.ENOSYS], // glibc then runs without restartable sequences
];

export const SYSCALLS = new Map<number, { name: string; handler: Handler }>(
  entries.map(([nr, name, handler]) => [nr, { name, handler }]),
);
