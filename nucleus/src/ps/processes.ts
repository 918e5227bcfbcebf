/**
 * The process table: pids, the address space each process owns, and the life of
 * a process as the PROC brokers drive it — PREPARED (being built by loaderd,
 * not runnable), RUNNING (committed, its threads scheduled), EXITED (a zombie
 * until its parent reaps it). A prepared process belongs to the loaderd
 * generation that prepared it and is aborted if that generation dies.
 */
import type { AddressSpace } from '../mm/address-space.js';

export type ProcessState = 'PREPARED' | 'RUNNING' | 'EXITED';

export interface WindowsRuntime {
  imageBase: number;
  teb: number;
  peb: number;
  exports: Record<string, number>;
}

export interface Process {
  pid: number;
  ppid: number;
  name: string;
  exe: string;
  argv: string[];
  state: ProcessState;
  space: AddressSpace;
  abi: 'linux' | 'windows';
  /** The service generation that prepared it (`loaderd#3`), while PREPARED. */
  preparedBy: string;
  /** execve: the pid whose image this process replaces on commit. */
  replaces: number;
  windows: WindowsRuntime | undefined;
  exitStatus: number;
  /** Live threads. */
  threads: number;
  /** When it was prepared, on the nucleus monotonic clock. */
  startMs: number;
}

/** Linux's default pid_max. */
const PID_MAX = 32768;

export class ProcessTable {
  private readonly byPid = new Map<number, Process>();
  private lastPid = 1;

  /** A fresh pid: the next unused one, wrapping like Linux (pid 1 stays init's). */
  allocatePid(): number {
    for (let i = 0; i < PID_MAX; i++) {
      this.lastPid = this.lastPid >= PID_MAX - 1 ? 2 : this.lastPid + 1;
      if (!this.byPid.has(this.lastPid)) return this.lastPid;
    }
    return -1;
  }

  add(p: Process): void {
    this.byPid.set(p.pid, p);
  }

  get(pid: number): Process | undefined {
    return this.byPid.get(pid);
  }

  remove(pid: number): void {
    this.byPid.delete(pid);
  }

  all(): Process[] {
    return [...this.byPid.values()];
  }

  /** Prepared processes of a builder generation that is gone: nobody will commit them. */
  preparedBy(builder: string): Process[] {
    return this.all().filter((p) => p.state === 'PREPARED' && p.preparedBy === builder);
  }
}

export interface ThreadStart {
  entry: number;
  stackPointer: number;
  fsBase: number;
  /** rax..r15, or empty for all zero. */
  registers: number[];
}

/** What the PROC_COMMIT broker needs of the scheduler: make the process's main thread runnable. */
export interface Scheduler {
  commit(p: Process, start: ThreadStart): { pid: number; tid: number };
}
