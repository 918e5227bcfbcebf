/**
 * Blocking calls. A handler that cannot finish (read on an empty pipe, poll with a
 * timeout, write to a full pipe) returns a Wait: the queues whose change may let
 * it finish, how to try again, what to answer if a signal interrupts it (CANCEL)
 * and, optionally, a deadline. The call is parked; a wake on one of its queues
 * retries it (in a microtask, never inside the waker's own handler), and it is
 * answered when a retry finishes, its deadline passes, or it is cancelled.
 */
import { Errno } from './abi.js';
import { Fail } from './fail.js';
import type { StateBatch } from '@rustos/platform';

export interface Answer {
  result: number;
  outputs?: Buffer[];
  context?: Record<string, string>;
  /** The journal batch holding the call's change, stored by the nucleus with the reply (dispatch.ts). */
  state?: StateBatch;
}

export type Outcome = Answer | Wait;

export const EINTR: Answer = { result: -Errno.EINTR };
const interruptedDefault = () => EINTR;

/** Something calls wait on: a pipe's readable side, a terminal's input. */
export class WaitQueue {
  readonly waiters = new Set<Waiter>();
  /** Non-call listeners (a session pumping a pipe to its launcher); called at once, they defer their own work. */
  readonly watchers = new Set<() => void>();

  wake(): void {
    for (const w of this.waiters) w.owner.due(w);
    for (const f of this.watchers) f();
  }
}

/** Resolves at the next wake of any of `queues`: for code that is not a guest's call (a stream, a background writeback). */
export function woken(queues: readonly WaitQueue[]): Promise<void> {
  return new Promise((resolve) => {
    const once = () => {
      for (const q of queues) q.watchers.delete(once);
      resolve();
    };
    for (const q of queues) q.watchers.add(once);
  });
}

export class Wait {
  constructor(
    readonly queues: readonly WaitQueue[],
    readonly retry: () => Outcome,
    readonly interrupted: () => Answer = interruptedDefault,
    /** performance.now() at which `timedOut` answers; Infinity: never. */
    readonly deadline = Infinity,
    readonly timedOut: () => Answer = interruptedDefault,
  ) {}
}

/**
 * What an object says when it can do nothing now (an empty pipe, a full one): the
 * queues to wait on and, for a terminal's VTIME, when to look again. The handler
 * turns it into EAGAIN (O_NONBLOCK) or a Wait that retries the whole call.
 */
export class Blocked {
  constructor(
    readonly queues: readonly WaitQueue[],
    readonly deadline = Infinity,
    /** A writer held back until written-back data makes room: it waits even under O_NONBLOCK (as Linux's dirty throttling does). */
    readonly throttled = false,
  ) {}
}

/** Has performance.now() reached `deadline`? (Timers may fire a fraction of a millisecond early.) */
export function passed(deadline: number): boolean {
  return performance.now() + 1 >= deadline;
}

export function isWait(o: Outcome): o is Wait {
  return o instanceof Wait;
}

/** Run a policy step; a Fail becomes its -errno answer. */
export function attempt(step: () => Outcome): Outcome {
  try {
    return step();
  } catch (err) {
    if (err instanceof Fail) return { result: -err.errno };
    throw err;
  }
}

interface Waiter {
  readonly owner: Waits;
  readonly id: number;
  readonly pid: number;
  wait: Wait;
  settle: (a: Answer) => void;
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
}

/** Every parked call, by its mailbox message id. */
export class Waits {
  private readonly parked = new Map<number, Waiter>();
  private readonly dueSet = new Set<Waiter>();
  private scheduled = false;

  constructor(private readonly onError: (err: unknown) => Answer) {}

  get size(): number {
    return this.parked.size;
  }

  park(id: number, pid: number, wait: Wait, settle: (a: Answer) => void): void {
    const w: Waiter = { owner: this, id, pid, wait, settle, timer: undefined, timerAt: Infinity };
    this.parked.set(id, w);
    this.enqueue(w, wait);
  }

  /** A signal interrupted call `id`: answer it now. False if it is not parked (already answered). */
  cancel(id: number): boolean {
    const w = this.parked.get(id);
    if (!w) return false;
    this.finish(w, this.guard(() => w.wait.interrupted()));
    return true;
  }

  /** The process is gone: its parked calls end (their replies go nowhere). */
  dropPid(pid: number): void {
    for (const w of this.parked.values()) if (w.pid === pid) this.finish(w, EINTR);
  }

  due(w: Waiter): void {
    this.dueSet.add(w);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.runDue());
    }
  }

  private runDue(): void {
    this.scheduled = false;
    // Retries may wake others (a reader draining a pipe wakes its writers): loop until quiet.
    while (this.dueSet.size) {
      const batch = [...this.dueSet];
      this.dueSet.clear();
      for (const w of batch) {
        if (this.parked.get(w.id) !== w) continue;
        const o = this.guard(() => attempt(w.wait.retry));
        if (isWait(o)) {
          this.unqueue(w);
          this.enqueue(w, o);
        } else {
          this.finish(w, o);
        }
      }
    }
  }

  private enqueue(w: Waiter, wait: Wait): void {
    w.wait = wait;
    for (const q of wait.queues) q.waiters.add(w);
    if (wait.deadline !== w.timerAt) {
      clearTimeout(w.timer);
      w.timerAt = wait.deadline;
      w.timer = wait.deadline === Infinity ? undefined
        : setTimeout(() => this.expire(w), Math.max(0, Math.ceil(wait.deadline - performance.now())));
    }
  }

  private unqueue(w: Waiter): void {
    for (const q of w.wait.queues) q.waiters.delete(w);
  }

  private expire(w: Waiter): void {
    if (this.parked.get(w.id) !== w) return;
    // A retry first: data that arrived with the deadline still counts.
    const o = this.guard(() => attempt(w.wait.retry));
    if (!isWait(o)) return this.finish(w, o);
    if (o.deadline > performance.now() + 1) {
      // The retry moved the deadline (a terminal's VTIME restarts with each byte).
      this.unqueue(w);
      w.timerAt = NaN;
      this.enqueue(w, o);
      return;
    }
    this.finish(w, this.guard(() => o.timedOut()));
  }

  private finish(w: Waiter, a: Answer): void {
    this.unqueue(w);
    this.dueSet.delete(w);
    clearTimeout(w.timer);
    this.parked.delete(w.id);
    w.settle(a);
  }

  private guard<T extends Outcome>(f: () => T): T | Answer {
    try {
      return f();
    } catch (err) {
      if (err instanceof Fail) return { result: -err.errno };
      return this.onError(err);
    }
  }
}
