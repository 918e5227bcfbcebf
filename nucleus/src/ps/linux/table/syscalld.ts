/**
 * Rows for the syscalls syscalld owns: memory placement (mapped through the MM
 * broker), clocks and sleeps, identity and limits, and signal policy (whose
 * decisions come back as effects the nucleus applies: effects.ts).
 */
import { offload } from './define.js';
import type { OffloadSpec } from '../spec.js';

const TIMESPEC = 16;

export const SYSCALLD: OffloadSpec[] = [
  // Memory: syscalld chooses addresses and limits, the MM broker edits the address space.
  // Setting the break, unmapping or protecting a range twice is doing it once; brk must
  // never fail (glibc takes any answer for the new break, -EINTR included).
  offload('mmap', 'syscalld', { note: 'anonymous and file mappings; MAP_SHARED file writes are not written back to the file', support: 'partial' }),
  offload('munmap', 'syscalld', { idempotent: true }),
  offload('mprotect', 'syscalld', { idempotent: true }),
  offload('brk', 'syscalld', { idempotent: true }),
  offload('mremap', 'syscalld'),
  offload('madvise', 'syscalld', { note: 'MADV_DONTNEED drops private anonymous pages; other advice is accepted', support: 'partial', idempotent: true }),
  offload('msync', 'syscalld', { idempotent: true }),
  ...['mlock', 'munlock', 'mlockall', 'munlockall'].map((n) => offload(n, 'syscalld', { idempotent: true })),
  offload('mincore', 'syscalld', { out: [{ kind: 'buf', ptr: 2, max: { const: 1 << 20 } }], idempotent: true }),
  // Clocks and sleeping.
  offload('clock_gettime', 'syscalld', { out: [{ kind: 'struct', ptr: 1, size: TIMESPEC }], idempotent: true }),
  offload('clock_getres', 'syscalld', { out: [{ kind: 'struct', ptr: 1, size: TIMESPEC, optional: true }], idempotent: true }),
  offload('gettimeofday', 'syscalld', { out: [{ kind: 'struct', ptr: 0, size: 16, optional: true }, { kind: 'struct', ptr: 1, size: 8, optional: true }], idempotent: true }),
  offload('time', 'syscalld', { out: [{ kind: 'struct', ptr: 0, size: 8, optional: true }], idempotent: true }),
  offload('nanosleep', 'syscalld', { in: [{ kind: 'struct', ptr: 0, size: TIMESPEC }], out: [{ kind: 'struct', ptr: 1, size: TIMESPEC, optional: true }] }),
  offload('clock_nanosleep', 'syscalld', { in: [{ kind: 'struct', ptr: 2, size: TIMESPEC }], out: [{ kind: 'struct', ptr: 3, size: TIMESPEC, optional: true }] }),
  offload('alarm', 'syscalld'),
  offload('setitimer', 'syscalld', { in: [{ kind: 'struct', ptr: 1, size: 32, optional: true }], out: [{ kind: 'struct', ptr: 2, size: 32, optional: true }], note: 'ITIMER_REAL only', support: 'partial' }),
  offload('getitimer', 'syscalld', { out: [{ kind: 'struct', ptr: 1, size: 32 }] }),
  offload('times', 'syscalld', { out: [{ kind: 'struct', ptr: 0, size: 32, optional: true }], idempotent: true }),
  offload('getrusage', 'syscalld', { out: [{ kind: 'struct', ptr: 1, size: 144 }], idempotent: true, note: 'times from the nucleus; other fields zero', support: 'partial' }),
  // Identity, limits and the system's description.
  offload('uname', 'syscalld', { out: [{ kind: 'struct', ptr: 0, size: 390 }], idempotent: true }),
  offload('sysinfo', 'syscalld', { out: [{ kind: 'struct', ptr: 0, size: 112 }], idempotent: true }),
  offload('getrandom', 'syscalld', { out: [{ kind: 'buf', ptr: 0, max: 1 }], idempotent: true }),
  ...['getuid', 'geteuid', 'getgid', 'getegid'].map((n) => offload(n, 'syscalld', { idempotent: true })),
  offload('getgroups', 'syscalld', { out: [{ kind: 'buf', ptr: 1, max: { arg: 0, times: 4 } }], idempotent: true }),
  offload('getresuid', 'syscalld', { out: [0, 1, 2].map((a) => ({ kind: 'struct' as const, ptr: a as 0 | 1 | 2, size: 4 })), idempotent: true }),
  offload('getresgid', 'syscalld', { out: [0, 1, 2].map((a) => ({ kind: 'struct' as const, ptr: a as 0 | 1 | 2, size: 4 })), idempotent: true }),
  ...['setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setfsuid', 'setfsgid'].map((n) => offload(n, 'syscalld')),
  offload('setgroups', 'syscalld', { in: [{ kind: 'buf', ptr: 1, len: { arg: 0, times: 4 } }] }),
  offload('prlimit64', 'syscalld', { in: [{ kind: 'struct', ptr: 2, size: 16, optional: true }], out: [{ kind: 'struct', ptr: 3, size: 16, optional: true }] }),
  offload('getrlimit', 'syscalld', { out: [{ kind: 'struct', ptr: 1, size: 16 }], idempotent: true }),
  offload('setrlimit', 'syscalld', { in: [{ kind: 'struct', ptr: 1, size: 16 }] }),
  offload('personality', 'syscalld'),
  offload('capget', 'syscalld', { in: [{ kind: 'struct', ptr: 0, size: 8 }], out: [{ kind: 'struct', ptr: 1, size: 24, optional: true }] }),
  offload('getpriority', 'syscalld'),
  offload('setpriority', 'syscalld'),
  offload('sched_getscheduler', 'syscalld'),
  offload('sched_getparam', 'syscalld', { out: [{ kind: 'struct', ptr: 1, size: 4 }] }),
  offload('sched_get_priority_max', 'syscalld'),
  offload('sched_get_priority_min', 'syscalld'),
  // Signal policy: the answer carries the decision (a disposition, who a kill reaches).
  offload('rt_sigaction', 'syscalld', { in: [{ kind: 'struct', ptr: 1, size: 32, optional: true }], out: [{ kind: 'struct', ptr: 2, size: 32, optional: true }] }),
  offload('kill', 'syscalld'),
  offload('tkill', 'syscalld'),
  offload('tgkill', 'syscalld'),
  offload('rt_sigqueueinfo', 'syscalld', { in: [{ kind: 'struct', ptr: 2, size: 128 }] }),
  offload('rt_tgsigqueueinfo', 'syscalld', { in: [{ kind: 'struct', ptr: 3, size: 128 }] }),
];
