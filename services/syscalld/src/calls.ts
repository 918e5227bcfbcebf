/**
 * syscalld's answers to the syscalls the Linux ABI table routes to it, by number.
 * Each handler reads the six argument registers and the inputs the table sends,
 * and answers a result, outputs (copied back by the nucleus) and effects.
 */
import { Errno, SYSCALL_NUMBERS as NR, unaryCall, type ServiceContext } from '@rustos/platform';
import type { MailboxMessage__Output } from '@rustos/platform/gen/rustos/v1/MailboxMessage.js';
import type { MachineInfo__Output } from '@rustos/platform/gen/rustos/v1/MachineInfo.js';
import type { Memory } from './memory.js';
import type { Processes } from './state.js';
import { now, sleep, timespec, type Alarms } from './clock.js';
import { getrandom, rlimitBytes, setIds, setRlimit, sysinfo, utsname } from './identity.js';
import { kill, sigaction, sigqueue, tgkill, type Answer } from './signals.js';

type Handler = (m: MailboxMessage__Output) => Answer | Promise<Answer>;

const NS = 1_000_000_000n;
const int = (v: number) => v | 0;

export function syscallHandlers(ctx: ServiceContext, procs: Processes, memory: Memory, alarms: Alarms): Map<number, Handler> {
  const h = new Map<number, Handler>();
  const on = (name: string, fn: Handler) => h.set(NR[name]!, fn);
  const proc = (m: MailboxMessage__Output) => procs.get(m.pid);
  const ok = (result: number, ...outputs: Buffer[]): Answer => ({ result, outputs });
  let machine: MachineInfo__Output | undefined;
  const machineInfo = async () => machine ??= await unaryCall<MachineInfo__Output>((cb) => ctx.nucleus.processes.Machine({ header: ctx.header('procinfo') }, cb));

  // Memory.
  const changing = (m: MailboxMessage__Output, change: () => Promise<number>) => memory.exclusive(m.pid, change).then((r) => ok(r));
  on('mmap', (m) => changing(m, () => memory.mmap(m.pid, m.args)));
  on('munmap', (m) => changing(m, () => memory.munmap(m.pid, m.args[0]!, m.args[1]!)));
  on('mprotect', (m) => changing(m, () => memory.mprotect(m.pid, m.args[0]!, m.args[1]!, m.args[2]!)));
  on('brk', (m) => changing(m, () => memory.brk(m.pid, m.args[0]!)));
  on('mremap', (m) => changing(m, () => memory.mremap(m.pid, m.args)));
  on('madvise', (m) => changing(m, () => memory.madvise(m.pid, m.args[0]!, m.args[1]!, int(m.args[2]!))));
  on('msync', (m) => changing(m, () => memory.msync(m.pid, m.args[0]!, m.args[1]!, int(m.args[2]!))));
  for (const name of ['mlock', 'munlock', 'mlockall', 'munlockall']) on(name, () => ok(0));
  on('mincore', (m) => ok(0, Buffer.alloc(Math.ceil(m.args[1]! / 4096), 1)));

  // Clocks and sleeps.
  on('clock_gettime', (m) => {
    const v = now(int(m.args[0]!), proc(m).startNs);
    return v === undefined ? ok(-Errno.EINVAL) : ok(0, timespec(v));
  });
  on('clock_getres', (m) => (now(int(m.args[0]!), 0n) === undefined ? ok(-Errno.EINVAL) : ok(0, timespec(1n))));
  on('gettimeofday', () => {
    const v = now(0, 0n)!;
    const tv = Buffer.alloc(16);
    tv.writeBigInt64LE(v / NS, 0);
    tv.writeBigInt64LE((v % NS) / 1000n, 8);
    return ok(0, tv, Buffer.alloc(8));
  });
  on('time', () => {
    const sec = now(0, 0n)! / NS;
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(sec);
    return ok(Number(sec), b);
  });
  on('nanosleep', (m) => sleep(m.id, 1, m.inputs[0]!, 0, 0n));
  on('clock_nanosleep', (m) => sleep(m.id, int(m.args[0]!), m.inputs[0]!, int(m.args[1]!), proc(m).startNs));
  on('alarm', (m) => {
    const old = alarms.set(m.pid, BigInt(m.args[0]! >>> 0) * NS, 0n);
    return ok(Number((old.leftNs + NS / 2n) / NS));
  });
  const itimerval = (interval: bigint, value: bigint) => {
    const b = Buffer.alloc(32);
    b.writeBigInt64LE(interval / NS, 0); b.writeBigInt64LE((interval % NS) / 1000n, 8);
    b.writeBigInt64LE(value / NS, 16); b.writeBigInt64LE((value % NS) / 1000n, 24);
    return b;
  };
  const usec = (b: Buffer, at: number) => b.readBigInt64LE(at) * NS + b.readBigInt64LE(at + 8) * 1000n;
  on('setitimer', (m) => {
    if (int(m.args[0]!) !== 0) return ok(int(m.args[0]!) < 3 ? -Errno.ENOSYS : -Errno.EINVAL);
    const v = m.inputs[0]!;
    const old = v.length ? alarms.set(m.pid, usec(v, 16), usec(v, 0)) : alarms.get(m.pid);
    return ok(0, itimerval(old.intervalNs, old.leftNs));
  });
  on('getitimer', (m) => {
    if (int(m.args[0]!) !== 0) return ok(int(m.args[0]!) < 3 ? 0 : -Errno.EINVAL, Buffer.alloc(32));
    const cur = alarms.get(m.pid);
    return ok(0, itimerval(cur.intervalNs, cur.leftNs));
  });
  on('times', (m) => {
    const ticks = (now(1, 0n)! - proc(m).startNs) / 10_000_000n;
    const b = Buffer.alloc(32);
    b.writeBigInt64LE(ticks, 0);
    return ok(Number(now(1, 0n)! / 10_000_000n), b);
  });
  on('getrusage', (m) => {
    const b = Buffer.alloc(144);
    const used = now(1, 0n)! - proc(m).startNs;
    b.writeBigInt64LE(used / NS, 0);
    b.writeBigInt64LE((used % NS) / 1000n, 8);
    return ok(0, b);
  });

  // Identity and the system.
  on('uname', () => ok(0, utsname()));
  on('sysinfo', async () => {
    const mi = await machineInfo();
    const fresh = await unaryCall<MachineInfo__Output>((cb) => ctx.nucleus.processes.Machine({ header: ctx.header('procinfo') }, cb));
    const procsNow = await unaryCall<{ processes: unknown[] }>((cb) => ctx.nucleus.processes.List({ header: ctx.header('procinfo') }, cb));
    return ok(0, sysinfo(fresh.uptimeMs / 1000, mi.ramBytes, fresh.framesFree * 4096, procsNow.processes.length));
  });
  on('getrandom', (m) => getrandom(m.args[1]!, int(m.args[2]!)));
  on('getuid', (m) => ok(proc(m).uid[0]));
  on('geteuid', (m) => ok(proc(m).uid[1]));
  on('getgid', (m) => ok(proc(m).gid[0]));
  on('getegid', (m) => ok(proc(m).gid[1]));
  on('getgroups', (m) => {
    const g = proc(m).groups;
    if (m.args[0] === 0) return ok(g.length);
    if (m.args[0]! < g.length) return ok(-Errno.EINVAL);
    const b = Buffer.alloc(g.length * 4);
    g.forEach((x, i) => b.writeUInt32LE(x, i * 4));
    return ok(g.length, b);
  });
  const triple = (ids: number[]) => ids.map((x) => { const b = Buffer.alloc(4); b.writeUInt32LE(x >>> 0); return b; });
  on('getresuid', (m) => ok(0, ...triple(proc(m).uid)));
  on('getresgid', (m) => ok(0, ...triple(proc(m).gid)));
  const setter = (which: 'uid' | 'gid', pick: (a: number[]) => [number, number, number]) => (m: MailboxMessage__Output) => {
    const p = proc(m);
    const r = setIds(p[which], pick(m.args.map(int)), p.uid[1] === 0);
    if (r !== 0) return ok(r);
    procs.changed(m.pid);
    return { result: 0, context: { cred: `${p.uid[0]},${p.uid[1]},${p.gid[0]},${p.gid[1]}` } };
  };
  on('setuid', setter('uid', (a) => [a[0]!, a[0]!, a[0]!]));
  on('setgid', setter('gid', (a) => [a[0]!, a[0]!, a[0]!]));
  on('setreuid', setter('uid', (a) => [a[0]!, a[1]!, -1]));
  on('setregid', setter('gid', (a) => [a[0]!, a[1]!, -1]));
  on('setresuid', setter('uid', (a) => [a[0]!, a[1]!, a[2]!]));
  on('setresgid', setter('gid', (a) => [a[0]!, a[1]!, a[2]!]));
  on('setfsuid', (m) => ok(proc(m).uid[1]));
  on('setfsgid', (m) => ok(proc(m).gid[1]));
  on('setgroups', (m) => {
    const p = proc(m);
    if (p.uid[1] !== 0) return ok(-Errno.EPERM);
    const b = m.inputs[0]!;
    p.groups = Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(i * 4));
    procs.changed(m.pid);
    return ok(0);
  });
  on('prlimit64', (m) => {
    const pid = int(m.args[0]!) || m.pid;
    if (!procs.has(pid)) return ok(-Errno.ESRCH);
    const p = procs.get(pid);
    const res = int(m.args[1]!);
    if (res < 0 || res > 15) return ok(-Errno.EINVAL);
    const old = rlimitBytes(p.rlimits[res]!);
    if (m.inputs[0]?.length) {
      const r = setRlimit(p, res, m.inputs[0]);
      if (r) return ok(r);
      procs.changed(pid);
    }
    return ok(0, old);
  });
  on('getrlimit', (m) => (int(m.args[0]!) < 0 || int(m.args[0]!) > 15 ? ok(-Errno.EINVAL) : ok(0, rlimitBytes(proc(m).rlimits[int(m.args[0]!)]!))));
  on('setrlimit', (m) => {
    const r = setRlimit(proc(m), int(m.args[0]!), m.inputs[0]!);
    if (r === 0) procs.changed(m.pid);
    return ok(r);
  });
  on('personality', (m) => ok(int(m.args[0]!) === -1 || (m.args[0]! >>> 0) === 0xffffffff || m.args[0] === 0 ? 0 : -Errno.EINVAL));
  on('capget', (m) => {
    const version = m.inputs[0]!.readUInt32LE(0);
    if (version !== 0x20080522 && version !== 0x20071026) return ok(-Errno.EINVAL);
    const root = proc(m).uid[1] === 0;
    const b = Buffer.alloc(24);
    if (root) for (const at of [0, 4, 8, 12, 16, 20]) b.writeUInt32LE(at % 12 === 8 ? 0 : 0xffffffff, at);
    return ok(0, b);
  });
  on('getpriority', () => ok(20));
  on('setpriority', () => ok(0));
  on('sched_getscheduler', () => ok(0));
  on('sched_getparam', () => ok(0, Buffer.alloc(4)));
  on('sched_get_priority_max', (m) => ok(int(m.args[0]!) === 1 || int(m.args[0]!) === 2 ? 99 : 0));
  on('sched_get_priority_min', (m) => ok(int(m.args[0]!) === 1 || int(m.args[0]!) === 2 ? 1 : 0));

  // Signal policy.
  on('rt_sigaction', (m) => {
    const r = sigaction(proc(m), int(m.args[0]!), m.inputs[0]!, m.args[3]!);
    if (r.context) procs.changed(m.pid);
    return r;
  });
  on('kill', (m) => kill(proc(m), int(m.args[0]!), int(m.args[1]!)));
  on('tkill', (m) => tgkill(0, int(m.args[0]!), int(m.args[1]!)));
  on('tgkill', (m) => tgkill(int(m.args[0]!), int(m.args[1]!), int(m.args[2]!)));
  on('rt_sigqueueinfo', (m) => sigqueue(m.pid, int(m.args[0]!), 0, int(m.args[1]!), m.inputs[0]!));
  on('rt_tgsigqueueinfo', (m) => sigqueue(m.pid, int(m.args[0]!), int(m.args[1]!), int(m.args[2]!), m.inputs[0]!));
  return h;
}
