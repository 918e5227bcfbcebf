/**
 * The journal written to the nucleus StateStore: changed keys are collected and
 * written together a few milliseconds after the first change (one Put per batch,
 * never one per write), each key's bytes produced at write time so a batch is
 * one consistent picture; a call that needs its change stored before it answers
 * (settled) has the batch written at once. A failed Put is tried again with what
 * changed since.
 */
import type { Journal } from './journal.js';

export type Put = (set: Record<string, Buffer>, del: string[]) => Promise<void>;

export class StateJournal implements Journal {
  private readonly dirty = new Map<string, () => Buffer | null>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
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

  settled(): Promise<void> | undefined {
    return this.dirty.size || this.writing ? this.flush() : undefined;
  }

  /** Write everything touched so far; resolves once it is stored. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty];
    this.dirty.clear();
    const set: Record<string, Buffer> = {};
    const del: string[] = [];
    for (const [key, produce] of batch) {
      const value = produce();
      if (value) set[key] = value; else del.push(key);
    }
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
