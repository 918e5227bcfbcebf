/**
 * Futexes: threads sleeping on a 32-bit word of user memory until another thread
 * wakes that word. Private futexes (FUTEX_PRIVATE_FLAG: one process) are keyed by
 * process and virtual address, as Linux keys them by mm and address; shared ones
 * by the word's physical address, so MAP_SHARED memory works between processes.
 * A wait can time out or be interrupted by a signal.
 */
import { Errno } from '@rustos/platform';
import { Access } from '../machine/mmu.js';
import type { Ps } from './ps.js';
import type { Process } from './processes.js';
import type { Thread } from './thread.js';

interface Waiter {
  t: Thread;
  bitset: number;
  key: string;
  done(result: number): void;
}

export class Futexes {
  private readonly queues = new Map<string, Waiter[]>();

  constructor(private readonly ps: Ps) {}

  /** The key of a futex word (faulting it in as a kernel access would), or -errno. */
  key(p: Process, va: number, shared: boolean): string | number {
    if (va % 4 !== 0) return -Errno.EINVAL;
    const probe = p.space.copyIn(va, 4);
    if (typeof probe === 'number') return -Errno.EFAULT;
    if (!shared) return `v${p.pid}:${va}`;
    try {
      return `p${p.space.mmu.translate(va, Access.Read)}`;
    } catch {
      return -Errno.EFAULT;
    }
  }

  /** Sleep if the word still holds `expected`. `done` gets 0, -ETIMEDOUT or -EINTR; returns -EAGAIN at once if the word changed. */
  wait(t: Thread, va: number, expected: number, bitset: number, shared: boolean, timeoutMs: number | undefined, done: (r: number) => void): number {
    const key = this.key(t.process, va, shared);
    if (typeof key === 'number') return key;
    const current = t.process.space.copyIn(va, 4) as Uint8Array;
    if (new DataView(current.buffer, current.byteOffset).getUint32(0, true) !== expected >>> 0) return -Errno.EAGAIN;
    let timer: NodeJS.Timeout | undefined;
    const w: Waiter = {
      t, bitset, key,
      done: (r) => {
        if (timer) clearTimeout(timer);
        this.unlink(w);
        done(r);
      },
    };
    const q = this.queues.get(key) ?? [];
    q.push(w);
    this.queues.set(key, q);
    if (timeoutMs !== undefined) timer = setTimeout(() => w.done(-Errno.ETIMEDOUT), Math.max(0, timeoutMs));
    this.ps.sched.block(t, { what: 'futex', interrupt: () => w.done(-Errno.EINTR) });
    return 0;
  }

  private unlink(w: Waiter): void {
    const q = this.queues.get(w.key);
    if (!q) return;
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.queues.delete(w.key);
  }

  /** Wake up to `n` waiters whose bitset intersects `bitset`; returns how many. */
  wake(p: Process, va: number, n: number, bitset: number, shared = false): number {
    const key = this.key(p, va, shared);
    if (typeof key === 'number') return key;
    return this.wakeKey(key, n, bitset);
  }

  private wakeKey(key: string, n: number, bitset: number): number {
    const q = this.queues.get(key);
    if (!q) return 0;
    let woken = 0;
    for (const w of [...q]) {
      if (woken >= n) break;
      if ((w.bitset & bitset) === 0) continue;
      w.done(0);
      woken++;
    }
    return woken;
  }

  /** FUTEX_CMP_REQUEUE: wake `n`, move up to `moveMax` others to `va2`. */
  requeue(p: Process, va: number, n: number, moveMax: number, va2: number, expected: number | undefined, shared: boolean): number {
    const key = this.key(p, va, shared);
    const key2 = this.key(p, va2, shared);
    if (typeof key === 'number') return key;
    if (typeof key2 === 'number') return key2;
    if (expected !== undefined) {
      const cur = p.space.copyIn(va, 4) as Uint8Array;
      if (new DataView(cur.buffer, cur.byteOffset).getUint32(0, true) !== expected >>> 0) return -Errno.EAGAIN;
    }
    const woken = this.wakeKey(key, n, 0xffffffff);
    const q = this.queues.get(key) ?? [];
    const moved = q.splice(0, moveMax);
    if (q.length === 0) this.queues.delete(key);
    if (moved.length) {
      const q2 = this.queues.get(key2) ?? [];
      for (const w of moved) {
        w.key = key2;
        q2.push(w);
      }
      this.queues.set(key2, q2);
    }
    return woken + moved.length;
  }
}
