/**
 * A thread: its CPU state (registers: a context switch is running the CPU on a
 * different CpuState), its place in the scheduler, its signal mask and pending
 * signals, and what it is blocked on. Thread ids share the pid space; a process's
 * first thread has tid = pid.
 */
import { CpuState } from '../machine/cpu/state.js';
import type { Process } from './processes.js';

export type ThreadState = 'runnable' | 'blocked' | 'stopped' | 'dead';

/** Something a thread waits for; `interrupt` ends the wait early (a signal arrived). */
export interface Wait {
  what: string;
  /** Stop waiting because a signal must be delivered; the wait ends with -EINTR (or its result, if it had one). */
  interrupt(): void;
}

export interface AltStack {
  sp: number;
  size: number;
  flags: number;
}

export class Thread {
  state: ThreadState = 'runnable';
  /** Blocked signals (bit n-1 for signal n). */
  mask = 0n;
  /** Thread-directed pending signals. */
  pending = 0n;
  altStack: AltStack = { sp: 0, size: 0, flags: 2 /* SS_DISABLE */ };
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread exits. */
  clearChildTid = 0;
  robustList = 0;
  /** While blocked. */
  wait: Wait | undefined;
  /** The mask to restore when rt_sigsuspend/ppoll/pselect6 return (they swap it in). */
  savedMask: bigint | undefined;
  /**
   * A syscall that a signal interrupted before it did anything: ERESTARTSYS or
   * ERESTARTNOHAND (delivery decides between restarting it and -EINTR), and its
   * number to reload into rax for the restart. 0 when there is none.
   */
  restartCode = 0;
  restartNr = 0;
  /** execve replaced this thread's image: the pending execve's reply is not its to take. */
  execed = false;

  constructor(public tid: number, public process: Process, readonly ctx: CpuState = new CpuState()) {}
}
