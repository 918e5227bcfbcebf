/**
 * What must outlive a vfsd generation is written to the nucleus StateStore under
 * keys: each piece of state says which key changed and how to produce its bytes,
 * and the store is written in batches (a few ms after the first change), not per
 * write. A key whose producer returns null is deleted.
 */
export interface Journal {
  touch(key: string, produce: () => Buffer | null): void;
  /**
   * Everything touched so far, stored now (not a few ms later): undefined when
   * nothing is waiting to be written, else a promise for when it is. A call that
   * changed what a process relies on (its descriptors, the names it made) answers
   * only then, so a killed vfsd never comes back with less than the guest was told.
   */
  settled(): Promise<void> | undefined;
}

/** For state nobody needs to keep (unit tests of a single part). */
export const NO_JOURNAL: Journal = { touch() {}, settled: () => undefined };

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
