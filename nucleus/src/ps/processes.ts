/**
 * The process table: pids, the address space each process owns, and the life of
 * a process as the PROC brokers and the Linux ABI drive it — PREPARED (being built
 * by loaderd, not runnable), RUNNING (committed, its threads scheduled), EXITED (a
 * zombie until its parent reaps it). A prepared process belongs to the loaderd
 * generation that prepared it and is aborted if that generation dies.
 */
import type { AddressSpace } from '../mm/address-space.js';
import type { Thread } from './thread.js';
import { Dispositions } from './signals/dispositions.js';

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
  /** Process group and session (job control). */
  pgid: number;
  sid: number;
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
  /** The wait status once EXITED (Linux encoding: (code << 8) | signal | 0x80 for a core dump). */
  exitStatus: number;
  /** Live threads. */
  threads: number;
  /** When it was prepared, on the nucleus monotonic clock. */
  startMs: number;
  /** Where the heap starts (the end of the loaded image), for syscalld's brk. */
  brkStart: number;
  /** The process's threads, while RUNNING. */
  members: Thread[];
  /** Signal dispositions, shared by all threads (CLONE_SIGHAND). */
  signals: Dispositions;
  /** Process-directed pending signals (bit n-1 for signal n). */
  pending: bigint;
  /** Exit of the whole group has begun (exit_group or a fatal signal). */
  exiting: boolean;
  /** A child stopped/continued and not yet reported by waitpid(WUNTRACED/WCONTINUED). */
  stopReport: number;
  /**
   * The identity services check (uid, euid, gid, egid as decimal strings), as
   * syscalld last decided it; undefined is root. Sent with every offloaded call.
   */
  cred: Record<string, string> | undefined;
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
      if (!this.byPid.has(this.lastPid) && !this.tids.has(this.lastPid)) return this.lastPid;
    }
    return -1;
  }

  /** Thread ids share the pid space (a thread's tid is never a pid in use). */
  readonly tids = new Map<number, Thread>();

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

  children(ppid: number): Process[] {
    return this.all().filter((p) => p.ppid === ppid && p.state !== 'PREPARED');
  }

  group(pgid: number): Process[] {
    return this.all().filter((p) => p.pgid === pgid && p.state === 'RUNNING');
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
