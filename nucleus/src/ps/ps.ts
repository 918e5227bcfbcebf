/**
 * The ps part: threads and processes running on the CPUs. It joins the
 * scheduler, the Linux ABI (syscalls), signal delivery, process lifecycle and
 * futexes, and turns every trap into its consequence: a syscall dispatched, a
 * page fault resolved by demand paging, or a signal (SIGSEGV, SIGILL, SIGFPE, ...)
 * for that process only.
 */
import type { Kernel } from '../executive/kernel.js';
import type { Cpu } from '../machine/cpu/cpu.js';
import { CodeCache } from '../machine/cpu/blocks.js';
import { Exit } from '../machine/cpu/state.js';
import { Vector } from '../machine/fault.js';
import { Scheduler, type TrapHandler } from './scheduler.js';
import { Thread } from './thread.js';
import type { Process, Scheduler as Committer, ThreadStart } from './processes.js';
import { LinuxAbi } from './linux/abi.js';
import { Lifecycle } from './lifecycle.js';
import { Futexes } from './futex.js';
import { deliver, info, sendThread } from './signals/delivery.js';
import { SIG, SI } from './signals/numbers.js';

export class Ps implements Committer, TrapHandler {
  readonly sched: Scheduler;
  readonly abi: LinuxAbi;
  readonly life: Lifecycle;
  readonly futex: Futexes;

  constructor(readonly k: Kernel) {
    this.sched = new Scheduler(k.config.vcpus);
    this.sched.handler = this;
    this.abi = new LinuxAbi(this);
    this.life = new Lifecycle(this);
    this.futex = new Futexes(this);
    // Freed frames may have held decoded code: drop it before the frame is reused.
    const code = CodeCache.for(k.ram);
    k.frames.onCodeFrame = (frame) => code.invalidateFrame(frame);
  }

  /** PROC_COMMIT: a prepared process becomes runnable (a new one, or an execve's new image). */
  commit(p: Process, start: ThreadStart): { pid: number; tid: number } {
    return this.life.commit(p, start);
  }

  onExit(t: Thread, exit: Exit, cpu: Cpu): boolean {
    if (exit === Exit.Syscall) return this.abi.syscall(t);
    if (exit !== Exit.Fault) return true;
    const s = t.ctx;
    const p = t.process;
    switch (s.trapVector) {
      case Vector.PF: {
        const r = p.space.handleFault(s.trapAddr, s.trapError);
        if (r === 'resolved') return true;
        if (r === 'oom') {
          this.k.log.warn({ pid: p.pid, addr: s.trapAddr }, `pid ${p.pid} out of memory at a page fault: killed`);
          this.life.exitGroup(p, SIG.KILL);
          return false;
        }
        return this.fault(t, info(SIG.SEGV, p.space.segvCode || SI.SEGV_MAPERR, { addr: s.trapAddr, trapno: 14, err: s.trapError }));
      }
      case Vector.GP: case Vector.SS:
        return this.fault(t, info(SIG.SEGV, SI.KERNEL, { trapno: s.trapVector, err: s.trapError }));
      case Vector.UD:
        return this.fault(t, info(SIG.ILL, SI.ILL_ILLOPN, { addr: s.rip, trapno: 6 }));
      case Vector.DE:
        return this.fault(t, info(SIG.FPE, SI.FPE_INTDIV, { addr: s.rip, trapno: 0 }));
      case Vector.MF: case Vector.XM:
        return this.fault(t, info(SIG.FPE, SI.FPE_FLTINV, { addr: s.rip, trapno: s.trapVector }));
      case Vector.BP:
        return this.fault(t, info(SIG.TRAP, SI.KERNEL, { trapno: 3 }));
      case Vector.AC:
        return this.fault(t, info(SIG.BUS, SI.BUS_ADRALN, { addr: s.trapAddr, trapno: 17 }));
      default:
        this.k.log.error({ pid: p.pid, rip: s.rip, vector: s.trapVector, err: String(cpu.lastInternalError) },
          `CPU internal error in pid ${p.pid} at rip 0x${s.rip.toString(16)}: ${String(cpu.lastInternalError)}`);
        this.k.count('cpu.internal_errors');
        this.life.exitGroup(p, SIG.KILL);
        return false;
    }
  }

  /** A synchronous fault: the signal is forced (unblocked, and a default action if ignored). */
  private fault(t: Thread, i: ReturnType<typeof info>): boolean {
    const p = t.process;
    const d = p.signals.get(i.signo);
    const blocked = (t.mask >> BigInt(i.signo - 1)) & 1n;
    if (d.handler === 1 || blocked) {
      p.signals.set(i.signo, { handler: 0, flags: 0, mask: 0n, restorer: 0 });
      t.mask &= ~(1n << BigInt(i.signo - 1));
    }
    sendThread(this, t, i);
    return true;
  }

  beforeResume(t: Thread): void {
    if (t.pending === 0n && t.process.pending === 0n && t.restartCode === 0) return;
    deliver(this, t);
  }

  newThread(tid: number, p: Process): Thread {
    const t = new Thread(tid, p);
    this.k.processes.tids.set(tid, t);
    p.members.push(t);
    p.threads = p.members.length;
    return t;
  }
}
