/**
 * The life of processes and threads: commit (a new process, or an execve's new
 * image replacing the old one under the same pid), clone (fork, vfork, threads),
 * exit of a thread and of a whole thread group, zombies and their reaping by
 * wait4/waitid, and the process events the owning services must see
 * (PROC_FORK, PROC_EXEC, PROC_EXIT: docs/LINUX-ABI.md).
 */
import { Errno } from '@rustos/platform';
import { CpuState } from '../machine/cpu/state.js';
import type { Ps } from './ps.js';
import type { Process, ThreadStart } from './processes.js';
import type { Thread } from './thread.js';
import { Dispositions, SA, SIG_IGN } from './signals/dispositions.js';
import { info, sendProcess } from './signals/delivery.js';
import { SIG, SI } from './signals/numbers.js';
import { ControlOp } from './linux/spec.js';
import { monoMs } from '../core/clock.js';

export const EVENT_OWNERS = ['syscalld.linux', 'vfsd.files'];
/** Processes launched by runtimed (ppid 0): their exits go to runtimed's mailbox too. */
export const LAUNCHER_ENDPOINT = 'runtimed.launch';

type ChildWaiter = () => void;

export class Lifecycle {
  /** Threads waiting in wait4/waitid, by parent pid. */
  private readonly childWaiters = new Map<number, Set<ChildWaiter>>();
  /** vfork parents, waiting for their child to exec or exit. */
  private readonly vforks = new Map<Process, () => void>();

  whenExecOrExit(p: Process, fn: () => void): void {
    this.vforks.set(p, fn);
  }

  private releaseVfork(p: Process): void {
    const fn = this.vforks.get(p);
    this.vforks.delete(p);
    fn?.();
  }

  constructor(private readonly ps: Ps) {}

  private get k() {
    return this.ps.k;
  }

  /** Tell the owning services about a process event; resolves when all answered. */
  event(op: ControlOp, args: number[], extra: string[] = []): Promise<void> {
    const endpoints = [...EVENT_OWNERS, ...extra];
    return Promise.all(endpoints.map((endpoint) => this.k.mailboxes.deliver(endpoint, { endpoint, op, args, inputs: [], context: {} }, 30_000)
      .catch((err: Error) => this.k.log.warn({ op, args, endpoint }, `process event to ${endpoint} not answered: ${err.message}`)))).then(() => undefined);
  }

  commit(p: Process, start: ThreadStart): { pid: number; tid: number } {
    const old = p.replaces ? this.k.processes.get(p.replaces) : undefined;
    const target = old && old.state === 'RUNNING' ? old : p;
    let t: Thread;
    if (target === old) {
      // execve: the new image takes over the old process (same pid, same parent,
      // same pending signals and mask); other threads vanish; the caller's execve never returns.
      t = old.members.find((m) => m.wait?.what === 'execve') ?? old.members[0]!;
      for (const m of [...old.members]) if (m !== t) this.killThread(m);
      old.space.destroy();
      old.space = p.space;
      old.name = p.name;
      old.exe = p.exe;
      old.argv = p.argv;
      old.abi = p.abi;
      old.windows = p.windows;
      old.brkStart = p.brkStart;
      old.signals.resetForExec();
      this.k.processes.remove(p.pid);
      t.ctx.copyFrom(new CpuState());
      t.clearChildTid = 0;
      t.robustList = 0;
      t.altStack = { sp: 0, size: 0, flags: 2 };
      t.restartCode = 0;
      t.execed = true;
      this.releaseVfork(old);
    } else {
      p.state = 'RUNNING';
      p.pgid = p.pgid || p.pid;
      p.sid = p.sid || p.pid;
      t = this.ps.newThread(p.pid, p);
    }
    const s = t.ctx;
    start.registers.forEach((v, r) => s.set64(r, v | 0, Math.floor(v / 2 ** 32)));
    s.rip = start.entry;
    s.set64(4, start.stackPointer | 0, Math.floor(start.stackPointer / 2 ** 32));
    s.fsBase = start.fsBase;
    const proc = t.process;
    void this.event(ControlOp.ProcExec, [proc.pid, proc.brkStart]);
    this.ps.sched.wake(t);
    return { pid: proc.pid, tid: t.tid };
  }

  /** clone(2)/fork/vfork. Returns the child's tid, or -errno. `done` is called when the child may run. */
  clone(parent: Thread, flags: number, stack: number, tls: number): { child: Thread; ready: Promise<void> } | number {
    const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000;
    const p = parent.process;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) return -Errno.EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return -Errno.EINVAL;
    const tid = this.k.processes.allocatePid();
    if (tid < 0) return -Errno.EAGAIN;
    let child: Thread;
    let ready: Promise<void>;
    if (flags & CLONE_THREAD) {
      child = this.ps.newThread(tid, p);
      ready = Promise.resolve();
    } else {
      // A new process. vfork (CLONE_VM without CLONE_THREAD) gets a copy-on-write copy:
      // indistinguishable for programs that only exec or _exit, as vfork requires.
      const space = p.space.fork();
      if (typeof space === 'number') return space;
      const cp: Process = {
        pid: tid, ppid: p.pid, pgid: p.pgid, sid: p.sid, name: p.name, exe: p.exe, argv: p.argv, state: 'RUNNING', space,
        abi: p.abi, preparedBy: '', replaces: 0, windows: p.windows, exitStatus: 0, threads: 0, startMs: monoMs(),
        brkStart: p.brkStart, members: [], signals: (flags & CLONE_SIGHAND) ? p.signals : p.signals.clone(), pending: 0n, exiting: false, stopReport: 0,
        cred: p.cred,
      };
      this.k.processes.add(cp);
      child = this.ps.newThread(tid, cp);
      void CLONE_FS;
      ready = this.event(ControlOp.ProcFork, [p.pid, tid, flags & (CLONE_FILES | CLONE_FS | CLONE_VM)]);
    }
    child.ctx.copyFrom(parent.ctx);
    child.ctx.set64(0, 0, 0); // the child's clone returns 0
    if (stack) child.ctx.set64(4, stack | 0, Math.floor(stack / 2 ** 32));
    if (flags & CLONE_SETTLS) child.ctx.fsBase = tls;
    child.mask = parent.mask;
    child.altStack = (flags & CLONE_VM) && !(flags & 0x100000 /* CLONE_VFORK */) ? { sp: 0, size: 0, flags: 2 } : { ...parent.altStack };
    child.state = 'blocked';
    return { child, ready };
  }

  /** A thread ends (exit(2), or its group is going). */
  exitThread(t: Thread, code: number): void {
    const p = t.process;
    if (t.state === 'dead') return;
    this.killThread(t);
    if (t.clearChildTid) {
      // CLONE_CHILD_CLEARTID: zero the tid word and wake one futex waiter (pthread_join).
      if (p.space.copyOut(t.clearChildTid, new Uint8Array(4)) === 0) this.ps.futex.wake(p, t.clearChildTid, 1, 0xffffffff, true);
    }
    if (p.members.length === 0) this.finish(p, (code & 0xff) << 8);
  }

  private killThread(t: Thread): void {
    const p = t.process;
    if (t.state === 'blocked' && t.wait) t.wait.interrupt();
    t.state = 'dead';
    t.wait = undefined;
    this.ps.sched.remove(t);
    this.k.processes.tids.delete(t.tid);
    p.members = p.members.filter((m) => m !== t);
    p.threads = p.members.length;
  }

  /** exit_group, or a fatal signal: `status` is the wait status (code << 8, or the signal | 0x80 for a core dump). */
  exitGroup(p: Process, status: number): void {
    if (p.exiting || p.state !== 'RUNNING') return;
    p.exiting = true;
    for (const t of [...p.members]) {
      if (t.clearChildTid && p.space.copyOut(t.clearChildTid, new Uint8Array(4)) === 0) this.ps.futex.wake(p, t.clearChildTid, 1, 0xffffffff, true);
      this.killThread(t);
    }
    this.finish(p, status);
  }

  private finish(p: Process, status: number): void {
    this.releaseVfork(p);
    p.state = 'EXITED';
    p.exitStatus = status;
    p.exiting = true;
    p.space.destroy();
    const launched = p.ppid === 0;
    void this.event(ControlOp.ProcExit, [p.pid, status], launched ? [LAUNCHER_ENDPOINT] : []);
    // Orphans: nobody will wait for them; their exits are reaped as they come.
    for (const c of this.k.processes.children(p.pid)) {
      c.ppid = 0;
      if (c.state === 'EXITED') this.k.processes.remove(c.pid);
    }
    const parent = this.k.processes.get(p.ppid);
    if (!parent || parent.state !== 'RUNNING') {
      this.k.processes.remove(p.pid);
      return;
    }
    const d = parent.signals.get(SIG.CHLD);
    const signalled = (status & 0x7f) !== 0;
    if (d.handler === SIG_IGN || (d.flags & SA.NOCLDWAIT)) {
      this.k.processes.remove(p.pid);
    } else {
      sendProcess(this.ps, parent, info(SIG.CHLD, signalled ? ((status & 0x80) ? SI.CLD_DUMPED : SI.CLD_KILLED) : SI.CLD_EXITED,
        { pid: p.pid, status: signalled ? status & 0x7f : (status >> 8) & 0xff }));
    }
    this.wakeWaiters(parent.pid);
  }

  /** A child stopped or continued: report it to waitpid(WUNTRACED/WCONTINUED) and, unless SA_NOCLDSTOP, by SIGCHLD. */
  childStateChanged(p: Process, how: 'stopped' | 'continued', sig = 0): void {
    p.stopReport = how === 'stopped' ? (sig << 8) | 0x7f : 0xffff;
    const parent = this.k.processes.get(p.ppid);
    if (!parent || parent.state !== 'RUNNING') return;
    if (!(parent.signals.get(SIG.CHLD).flags & SA.NOCLDSTOP)) {
      sendProcess(this.ps, parent, info(SIG.CHLD, how === 'stopped' ? SI.CLD_STOPPED : SI.CLD_CONTINUED, { pid: p.pid, status: how === 'stopped' ? sig : SIG.CONT }));
    }
    this.wakeWaiters(parent.pid);
  }

  private wakeWaiters(ppid: number): void {
    const set = this.childWaiters.get(ppid);
    if (!set) return;
    this.childWaiters.delete(ppid);
    for (const w of set) w();
  }

  /** Call `fn` when a child of `ppid` changes state; returns the cancel function. */
  onChild(ppid: number, fn: ChildWaiter): () => void {
    const set = this.childWaiters.get(ppid) ?? new Set<ChildWaiter>();
    this.childWaiters.set(ppid, set);
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Fresh state for a process built by loaderd (brokers/proc.ts uses it at prepare). */
  static fresh(): Pick<Process, 'members' | 'signals' | 'pending' | 'exiting' | 'stopReport' | 'pgid' | 'sid' | 'brkStart' | 'cred'> {
    return { members: [], signals: new Dispositions(), pending: 0n, exiting: false, stopReport: 0, pgid: 0, sid: 0, brkStart: 0, cred: undefined };
  }
}
