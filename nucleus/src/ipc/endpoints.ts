/**
 * Named IPC endpoints (SYS_RUSTOS_IPC_*): each is owned by one service, re-created
 * by every new generation of its owner, and bound to the address where that
 * generation serves it. Lookups see whether the owner is live; waiters are woken
 * when a newer generation registers.
 */
export interface EndpointRecord {
  name: string;
  owner: string;
  generation: number;
  address: string;
  live: boolean;
}

interface Waiter {
  afterGeneration: number;
  resolve(e: EndpointRecord): void;
}

export class EndpointRegistry {
  private readonly endpoints = new Map<string, EndpointRecord>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly watchers = new Set<(e: EndpointRecord) => void>();

  /** Create (or take over, for a new generation of the same owner) a named endpoint. */
  create(name: string, owner: string, generation: number): EndpointRecord | 'taken' {
    const existing = this.endpoints.get(name);
    if (existing && existing.owner !== owner) return 'taken';
    const rec = { name, owner, generation, address: existing?.generation === generation ? existing.address : '', live: false };
    this.endpoints.set(name, rec);
    return rec;
  }

  register(name: string, owner: string, generation: number, address: string): EndpointRecord | 'unknown' | 'not-owner' {
    const rec = this.endpoints.get(name);
    if (!rec) return 'unknown';
    if (rec.owner !== owner || rec.generation !== generation) return 'not-owner';
    rec.address = address;
    rec.live = true;
    this.changed(rec);
    return rec;
  }

  lookup(name: string): EndpointRecord | undefined {
    return this.endpoints.get(name);
  }

  /** Resolves when `name` is live at a generation above `afterGeneration`. */
  waitFor(name: string, afterGeneration: number, timeoutMs: number): Promise<EndpointRecord | undefined> {
    const now = this.endpoints.get(name);
    if (now?.live && now.generation > afterGeneration) return Promise.resolve({ ...now });
    return new Promise((resolve) => {
      const set = this.waiters.get(name) ?? new Set<Waiter>();
      this.waiters.set(name, set);
      const waiter: Waiter = {
        afterGeneration,
        resolve: (e) => { clearTimeout(timer); set.delete(waiter); resolve({ ...e }); },
      };
      const timer = setTimeout(() => { set.delete(waiter); resolve(undefined); }, timeoutMs);
      set.add(waiter);
    });
  }

  /** The owner's generation ended (or was asked to end): its endpoints stay named but are not live. */
  ownerExited(owner: string, generation: number): void {
    for (const rec of this.endpoints.values()) {
      if (rec.owner === owner && rec.generation === generation && rec.live) {
        rec.live = false;
        this.changed(rec);
      }
    }
  }

  watch(fn: (e: EndpointRecord) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  all(): EndpointRecord[] {
    return [...this.endpoints.values()];
  }

  private changed(rec: EndpointRecord): void {
    for (const w of this.watchers) w({ ...rec });
    if (!rec.live) return;
    for (const waiter of this.waiters.get(rec.name) ?? []) if (rec.generation > waiter.afterGeneration) waiter.resolve(rec);
  }
}
