/**
 * What must outlive a vfsd generation is written to the nucleus StateStore under
 * keys: each piece of state says which key changed and how to produce its bytes,
 * and the store is written in batches, not per change.
 */
import type { StateBatch } from '@rustos/platform';

export interface Journal {
  touch(key: string, produce: () => Buffer | null): void;
  /**
   * Everything touched so far, stored now (not a few ms later): undefined when it
   * is (or will be before any later reply), else a promise for when it is. Every
   * guest call answers only then, so a killed vfsd never comes back with less than
   * the guest was told.
   */
  settled(): Promise<void> | undefined;
  /**
   * What changed, taken now to travel inside a call's answer (the nucleus stores it
   * with the reply: both or neither); undefined when nothing changed or when it
   * cannot go that way (before the mailbox is attached: then settled()).
   */
  take(): StateBatch | undefined;
}

/** For state nobody needs to keep (unit tests of a single part). */
export const NO_JOURNAL: Journal = { touch() {}, settled: () => undefined, take: () => undefined };

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
