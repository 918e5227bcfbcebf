/**
 * What syscalld knows of each process: its heap (brk), where its next mmap goes,
 * its signal dispositions (the policy copy; the nucleus holds the one delivery
 * reads), its credentials and resource limits. Kept in the nucleus's state store
 * so a restarted syscalld carries on where the last one stopped.
 */
import { unaryCall, type ServiceContext } from '@rustos/platform';

export interface Rlimit {
  cur: bigint;
  max: bigint;
}

export interface ProcState {
  pid: number;
  brkStart: number;
  brk: number;
  /** signo → 32-byte struct sigaction, hex (absent: SIG_DFL). */
  actions: Record<number, string>;
  uid: [number, number, number];
  gid: [number, number, number];
  groups: number[];
  rlimits: Record<number, Rlimit>;
  startNs: bigint;
}

const INF = 0xffffffffffffffffn;
/** Linux's defaults for a process started by init (RLIMIT_* numbers as keys). */
export function defaultRlimits(): Record<number, Rlimit> {
  return {
    0: { cur: INF, max: INF },             // CPU
    1: { cur: INF, max: INF },             // FSIZE
    2: { cur: INF, max: INF },             // DATA
    3: { cur: 8n << 20n, max: INF },       // STACK
    4: { cur: 0n, max: INF },              // CORE
    5: { cur: INF, max: INF },             // RSS
    6: { cur: 63498n, max: 63498n },       // NPROC
    7: { cur: 1024n, max: 1048576n },      // NOFILE
    8: { cur: 8n << 20n, max: 8n << 20n }, // MEMLOCK
    9: { cur: INF, max: INF },             // AS
    10: { cur: INF, max: INF },            // LOCKS
    11: { cur: 63498n, max: 63498n },      // SIGPENDING
    12: { cur: 819200n, max: 819200n },    // MSGQUEUE
    13: { cur: 0n, max: 0n },              // NICE
    14: { cur: 0n, max: 0n },              // RTPRIO
    15: { cur: INF, max: INF },            // RTTIME
  };
}

export class Processes {
  private readonly byPid = new Map<number, ProcState>();
  private dirty = new Set<number>();
  private removed = new Set<number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ServiceContext) {}

  /** The record of `pid`, created with defaults the first time a process is seen. */
  get(pid: number): ProcState {
    let p = this.byPid.get(pid);
    if (!p) {
      p = { pid, brkStart: 0, brk: 0, actions: {}, uid: [0, 0, 0], gid: [0, 0, 0], groups: [0], rlimits: defaultRlimits(), startNs: process.hrtime.bigint() };
      this.byPid.set(pid, p);
    }
    return p;
  }

  has(pid: number): boolean {
    return this.byPid.has(pid);
  }

  set(p: ProcState): void {
    this.byPid.set(p.pid, p);
    this.changed(p.pid);
  }

  delete(pid: number): void {
    this.byPid.delete(pid);
    this.removed.add(pid);
    this.dirty.delete(pid);
    this.schedule();
  }

  /** Record that `pid` changed; saved to the state store a few milliseconds later. */
  changed(pid: number): void {
    this.dirty.add(pid);
    this.removed.delete(pid);
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), 5);
  }

  async flush(): Promise<void> {
    this.timer = undefined;
    const set: Record<string, Buffer> = {};
    for (const pid of this.dirty) {
      const p = this.byPid.get(pid);
      if (p) set[`proc/${pid}`] = Buffer.from(JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    }
    const del = [...this.removed].map((pid) => `proc/${pid}`);
    this.dirty.clear();
    this.removed.clear();
    if (!Object.keys(set).length && !del.length) return;
    await unaryCall((cb) => this.ctx.nucleus.state.Put({ header: this.ctx.header('state'), set, delete: del }, cb))
      .catch((err: Error) => this.ctx.log.warn(`state store: ${err.message}`));
  }

  /** Reload what a previous generation kept. */
  async restore(): Promise<number> {
    const r = await unaryCall<{ entries: Record<string, Buffer> }>((cb) => this.ctx.nucleus.state.Get({ header: this.ctx.header('state'), prefix: 'proc/' }, cb));
    for (const v of Object.values(r.entries)) {
      const p = JSON.parse(v.toString('utf8'), (_k, x) => (typeof x === 'string' && /^-?\d+n$/.test(x) ? BigInt(x.slice(0, -1)) : x)) as ProcState;
      this.byPid.set(p.pid, p);
    }
    return this.byPid.size;
  }
}
