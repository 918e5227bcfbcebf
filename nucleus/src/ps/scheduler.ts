/**
 * The scheduler: runs runnable threads on the machine's vCPUs in time slices.
 * JavaScript has one thread, so the vCPUs take turns: each tick runs slices (an
 * instruction budget: the timer interrupt) for a bounded wall time, then yields
 * to the event loop so the nucleus's gRPC server (brokers, syscall replies) stays
 * responsive. A thread waiting on an offloaded syscall is simply not runnable;
 * the others keep running. When nothing is runnable the loop sleeps until a wake.
 */
import { Cpu, type Engine } from '../machine/cpu/cpu.js';
import { Exit } from '../machine/cpu/state.js';
import type { CpuMmu } from '../machine/cpu/mmu-surface.js';
import type { Thread, Wait } from './thread.js';

/** Instructions per time slice (the timer's period). */
const SLICE_INSTRUCTIONS = 200_000;
/** Longest stretch of guest execution before the event loop gets a turn. */
const TICK_MS = 8;

export interface TrapHandler {
  /**
   * The thread left the CPU with `exit`; handle it (syscall, fault, preemption).
   * Returns true if the thread may keep running right away.
   */
  onExit(t: Thread, exit: Exit, cpu: Cpu): boolean;
  /** Called before a thread returns to user mode: deliver pending signals. */
  beforeResume(t: Thread): void;
}

export class Scheduler {
  private readonly queue: Thread[] = [];
  private readonly cpus: Cpu[];
  private next = 0;
  private scheduled = false;
  /** The last tick left nothing runnable: the vCPUs sit idle until a wake. */
  private idle = true;
  /** Instructions executed since boot, and wall time spent executing them (for MIPS in status). */
  instructions = 0;
  busyMs = 0;
  handler!: TrapHandler;

  constructor(readonly vcpus: number, engine: Engine = (process.env.RUSTOS_CPU_ENGINE as Engine) || 'translate') {
    this.cpus = Array.from({ length: vcpus }, (_, index) => new Cpu({ engine, vcpus, index }));
  }

  get runnable(): number {
    return this.queue.length;
  }

  /** Make `t` runnable (a new thread, or a wake-up). */
  wake(t: Thread): void {
    if (t.state === 'dead') return;
    t.state = 'runnable';
    t.wait = undefined;
    if (!this.queue.includes(t)) this.queue.push(t);
    this.kick();
  }

  /** `t` waits for something (an offloaded syscall's reply, a futex, a child). */
  block(t: Thread, wait: Wait): void {
    t.state = 'blocked';
    t.wait = wait;
  }

  /** Remove a dead or stopped thread from the run queue. */
  remove(t: Thread): void {
    const i = this.queue.indexOf(t);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // A wake while the vCPUs sit idle (typically a syscall's reply arriving) runs the
    // thread right after the callback that woke it, so the guest's next request leaves
    // in the same event-loop turn, as a bare gRPC client's would. Busy vCPUs yield
    // through setImmediate so I/O always gets its turn between ticks.
    if (this.idle) queueMicrotask(() => this.tick());
    else setImmediate(() => this.tick());
  }

  private tick(): void {
    this.scheduled = false;
    this.idle = false;   // a wake from inside this tick waits for the event loop's turn
    const start = performance.now();
    while (this.queue.length > 0 && performance.now() - start < TICK_MS) {
      const t = this.queue.shift()!;
      if (t.state !== 'runnable') continue;
      const cpu = this.cpus[this.next]!;
      this.next = (this.next + 1) % this.cpus.length;
      this.runSlice(cpu, t);
      if (t.state === 'runnable') this.queue.push(t);
    }
    this.busyMs += performance.now() - start;
    this.idle = this.queue.length === 0;
    if (!this.idle) this.kick();
  }

  /** Run one time slice of `t`: as long as its traps are handled at once, it keeps its slice. */
  private runSlice(cpu: Cpu, t: Thread): void {
    let budget = SLICE_INSTRUCTIONS;
    for (;;) {
      this.handler.beforeResume(t);
      if (t.state !== 'runnable') return;
      // The MMU satisfies the CPU's structural view of it (machine/README.md, the MMU contract).
      const exit = cpu.run(t.ctx, t.process.space.mmu as unknown as CpuMmu, budget);
      const used = budget - t.ctx.budget;
      this.instructions += used;
      budget -= used;
      if (exit === Exit.Budget || budget <= 0) return;
      if (!this.handler.onExit(t, exit, cpu) || t.state !== 'runnable') return;
    }
  }
}
