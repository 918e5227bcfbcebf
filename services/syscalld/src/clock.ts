/**
 * Clocks, sleeps and interval timers. The guest's clocks are the host's (the same
 * in every process: platform/clock.ts); a sleep is a reply that comes later, and
 * is cut short by CANCEL when a signal interrupts its caller. Interval timers post
 * SIGALRM through the nucleus's signal broker.
 */
import { Errno, monotonicNs, realtimeNs, unaryCall, type ServiceContext } from '@rustos/platform';

const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3, MONOTONIC_RAW: 4, REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7, REALTIME_ALARM: 8, BOOTTIME_ALARM: 9, TAI: 11 };
const TIMER_ABSTIME = 1;
const SIGALRM = 14;
const NS = 1_000_000_000n;

export function timespec(ns: bigint): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigInt64LE(ns / NS, 0);
  b.writeBigInt64LE(ns % NS, 8);
  return b;
}

function readTimespec(b: Buffer): bigint | undefined {
  const sec = b.readBigInt64LE(0), nsec = b.readBigInt64LE(8);
  if (sec < 0n || nsec < 0n || nsec >= NS) return undefined;
  return sec * NS + nsec;
}

/** The value of a clock, or undefined for an unknown clock id. CPU clocks count from the process's start. */
export function now(clock: number, processStartNs: bigint): bigint | undefined {
  switch (clock) {
    case CLOCK.REALTIME: case CLOCK.REALTIME_COARSE: case CLOCK.REALTIME_ALARM: case CLOCK.TAI: return realtimeNs();
    case CLOCK.MONOTONIC: case CLOCK.MONOTONIC_RAW: case CLOCK.MONOTONIC_COARSE: case CLOCK.BOOTTIME: case CLOCK.BOOTTIME_ALARM: return monotonicNs();
    case CLOCK.PROCESS_CPUTIME: case CLOCK.THREAD_CPUTIME: return monotonicNs() - processStartNs;
    default: return undefined;
  }
}

export interface Sleep {
  result: number;
  outputs: Buffer[];
}

/** Pending sleeps by mailbox message id, so CANCEL can end them early. */
const sleeping = new Map<number, { finish(interrupted: boolean): void }>();

export function cancelSleep(id: number): boolean {
  const s = sleeping.get(id);
  if (!s) return false;
  s.finish(true);
  return true;
}

/** Sleep for `ns` (relative), or until `ns` on `clock` (absolute); answers 0, or -EINTR and the time left. */
export function sleep(id: number, clock: number, request: Buffer, flags: number, processStartNs: bigint): Promise<Sleep> | Sleep {
  const value = readTimespec(request);
  if (value === undefined) return { result: -Errno.EINVAL, outputs: [] };
  const start = now(clock, processStartNs);
  if (start === undefined) return { result: -Errno.EINVAL, outputs: [] };
  const until = flags & TIMER_ABSTIME ? value : start + value;
  return new Promise((resolve) => {
    const finish = (interrupted: boolean) => {
      clearTimeout(timer);
      sleeping.delete(id);
      const left = until - (now(clock, processStartNs) ?? until);
      if (interrupted && left > 0n) resolve({ result: -Errno.EINTR, outputs: flags & TIMER_ABSTIME ? [] : [timespec(left)] });
      else resolve({ result: 0, outputs: [] });
    };
    const timer = setTimeout(() => finish(false), Math.max(0, Number(until - start) / 1e6));
    sleeping.set(id, { finish });
  });
}

/** ITIMER_REAL and alarm(2), per process. */
export class Alarms {
  private readonly timers = new Map<number, { timer: NodeJS.Timeout; dueNs: bigint; intervalNs: bigint }>();

  constructor(private readonly ctx: ServiceContext) {}

  /** Arm (or disarm with 0) the real timer; returns the time that was left on the old one (ns) and its interval. */
  set(pid: number, valueNs: bigint, intervalNs: bigint): { leftNs: bigint; intervalNs: bigint } {
    const old = this.timers.get(pid);
    const left = old ? { leftNs: old.dueNs - monotonicNs(), intervalNs: old.intervalNs } : { leftNs: 0n, intervalNs: 0n };
    if (old) clearTimeout(old.timer);
    this.timers.delete(pid);
    if (valueNs > 0n) this.arm(pid, valueNs, intervalNs);
    return { leftNs: left.leftNs > 0n ? left.leftNs : 0n, intervalNs: left.intervalNs };
  }

  get(pid: number): { leftNs: bigint; intervalNs: bigint } {
    const t = this.timers.get(pid);
    if (!t) return { leftNs: 0n, intervalNs: 0n };
    const left = t.dueNs - monotonicNs();
    return { leftNs: left > 0n ? left : 1n, intervalNs: t.intervalNs };
  }

  private arm(pid: number, valueNs: bigint, intervalNs: bigint): void {
    const dueNs = monotonicNs() + valueNs;
    const timer = setTimeout(() => {
      this.timers.delete(pid);
      if (intervalNs > 0n) this.arm(pid, intervalNs, intervalNs);
      unaryCall((cb) => this.ctx.nucleus.proc.Signal({ header: this.ctx.header('broker.signal'), pid, signo: SIGALRM, code: 0x80, senderPid: 0 }, cb))
        .catch((err: Error) => { this.ctx.log.warn(`SIGALRM for ${pid}: ${err.message}`); this.clear(pid); });
    }, Math.max(0, Number(valueNs) / 1e6));
    this.timers.set(pid, { timer, dueNs, intervalNs });
  }

  clear(pid: number): void {
    const t = this.timers.get(pid);
    if (t) clearTimeout(t.timer);
    this.timers.delete(pid);
  }
}
