/**
 * The journal written to the nucleus StateStore: changed keys are collected and
 * written together a few milliseconds after the first change (one batch, never
 * one write per change), each key's bytes produced at write time so a batch is
 * one consistent picture. Before the mailbox is attached a batch is a Put (a
 * failed one is tried again with what changed since); after, it rides the
 * mailbox stream: inside a call's reply (take), or on its own ahead of the
 * replies that follow it, so a call's change is stored when its answer comes.
 */
import type { StateBatch } from '@rustos/platform';
import type { Journal } from './journal.js';

export type Put = (set: Record<string, Buffer>, del: string[]) => Promise<void>;
/** Send a batch ahead of the replies that follow it; false if it cannot (then it is a Put). */
export type Ride = (batch: StateBatch) => boolean;

export class StateJournal implements Journal {
  private readonly dirty = new Map<string, () => Buffer | null>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private ride: Ride | undefined;
  /** Batches written and keys they carried, for the service's status line. */
  batches = 0;
  keys = 0;

  constructor(private readonly put: Put, private readonly delayMs = 3, private readonly onError: (err: unknown) => void = () => undefined) {}

  touch(key: string, produce: () => Buffer | null): void {
    this.dirty.set(key, produce);
    this.schedule(this.delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  /** From now on batches ride the mailbox stream (once no Put is on its way: order). */
  rideOn(ride: Ride): void {
    this.ride = ride;
  }

  settled(): Promise<void> | undefined {
    if (!this.dirty.size && !this.writing) return undefined;
    if (this.ride && !this.writing && this.sendNow()) return undefined;
    return this.flush();
  }

  /** What changed, to travel inside an answer (Journal.take); counted as written. */
  take(): StateBatch | undefined {
    if (!this.ride || this.writing || !this.dirty.size) return undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    const { set, del, batch } = this.collect();
    this.batches++;
    this.keys += batch.length;
    return { set, del };
  }

  /** The batch, on its own on the mailbox stream: true if it went (else it is still to be written, as a Put). */
  private sendNow(): boolean {
    const before = new Map(this.dirty);
    const batch = this.take();
    if (!batch || this.ride!(batch)) return true;
    this.ride = undefined;
    for (const [key, produce] of before) if (!this.dirty.has(key)) this.dirty.set(key, produce);
    return false;
  }

  /** Produce the dirty keys' bytes now, and forget they were dirty. */
  private collect() {
    const batch = [...this.dirty];
    this.dirty.clear();
    const set: Record<string, Buffer> = {};
    const del: string[] = [];
    for (const [key, produce] of batch) {
      const value = produce();
      if (value) set[key] = value; else del.push(key);
    }
    return { set, del, batch };
  }

  /** Write everything touched so far; resolves once it is stored. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.dirty.size === 0) return;
    if (this.ride && this.sendNow()) return;
    const { set, del, batch } = this.collect();
    let failed = false;
    this.writing = this.put(set, del).then(() => {
      this.batches++;
      this.keys += batch.length;
    }, (err: unknown) => {
      failed = true;
      this.onError(err);
      // Keys not touched again since go back into the next batch.
      for (const [key, produce] of batch) if (!this.dirty.has(key)) this.dirty.set(key, produce);
    });
    await this.writing;
    this.writing = undefined;
    if (this.dirty.size) this.schedule(failed ? 100 : this.delayMs);
  }
}
