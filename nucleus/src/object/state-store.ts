/**
 * Per-service state that outlives a service's generation (MINIX 3's data store):
 * each holder has its own namespace; its next generation reads what the previous
 * one kept. Bounded, so a misbehaving service cannot exhaust the nucleus.
 */
export const MAX_STATE_BYTES = 64 * 1024 * 1024;

export class StateStore {
  private readonly spaces = new Map<string, Map<string, Buffer>>();
  private readonly sizes = new Map<string, number>();

  /** Apply a batch; returns false (and changes nothing) if it would exceed the holder's budget. */
  put(holder: string, set: Record<string, Buffer>, del: string[]): boolean {
    const space = this.spaces.get(holder) ?? new Map<string, Buffer>();
    let size = this.sizes.get(holder) ?? 0;
    for (const k of del) size -= space.has(k) ? k.length + space.get(k)!.length : 0;
    for (const [k, v] of Object.entries(set)) size += k.length + v.length - (space.has(k) ? k.length + space.get(k)!.length : 0);
    if (size > MAX_STATE_BYTES) return false;
    for (const k of del) space.delete(k);
    for (const [k, v] of Object.entries(set)) space.set(k, Buffer.from(v));
    this.spaces.set(holder, space);
    this.sizes.set(holder, size);
    return true;
  }

  get(holder: string, prefix: string): Record<string, Buffer> {
    const out: Record<string, Buffer> = {};
    for (const [k, v] of this.spaces.get(holder) ?? []) if (k.startsWith(prefix)) out[k] = v;
    return out;
  }

  bytes(holder: string): number {
    return this.sizes.get(holder) ?? 0;
  }
}
