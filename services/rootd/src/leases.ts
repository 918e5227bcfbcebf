/**
 * rootd's lease book: one lease per manifest, with the states of MINIX 3's
 * reincarnation server (EMPTY, RUNNING, EXITED, RESTART_PENDING, FAILED), the
 * restart budget and backoff from the manifest, and the rule that says who may be
 * admitted now. Pure logic over events and a clock, so it is tested on its own.
 */
import { rightsOf, type Manifest } from '@rustos/platform';

export type LeaseState = 'EMPTY' | 'RUNNING' | 'EXITED' | 'RESTART_PENDING' | 'FAILED';

export interface Lease {
  name: string;
  manifest: Manifest;
  state: LeaseState;
  /** The admitted generation (RUNNING), or the last one. */
  generation: number;
  /** A generation that enrolled and waits for admission. */
  waiting: number;
  ready: boolean;
  /** Has this service ever been admitted? (boot order applies only before that) */
  booted: boolean;
  /** Times of unexpected exits inside the budget window. */
  exits: number[];
  backoffMs: number;
  backoffUntil: number;
  /** Set when the service's launcher asked for it: the env it applies. */
  launch: Record<string, string> | undefined;
  lastExit: string;
}

export interface Transition {
  name: string;
  from: LeaseState;
  to: LeaseState;
  why: string;
}

export interface Admission {
  name: string;
  generation: number;
  rights: string[];
  env: Record<string, string>;
}

const EXPECTED = /^(restart requested|shutdown)/;

export class LeaseBook {
  readonly leases = new Map<string, Lease>();

  constructor(readonly manifests: Map<string, Manifest>, readonly now: () => number = Date.now) {
    for (const m of manifests.values()) {
      if (m.launcher === 'nucleus') continue;
      this.leases.set(m.name, {
        name: m.name, manifest: m, state: 'EMPTY', generation: 0, waiting: 0, ready: false, booted: false,
        exits: [], backoffMs: 0, backoffUntil: 0, launch: m.launcher === 'rootd' || m.launcher === 'operator' ? {} : undefined, lastExit: '',
      });
    }
  }

  /** A process enrolled. Refused if no manifest names it or its lease has FAILED. */
  enrolled(name: string, generation: number): 'ok' | 'unknown' | 'failed' {
    const l = this.leases.get(name);
    if (!l) return 'unknown';
    if (l.state === 'FAILED') return 'failed';
    l.waiting = generation;
    return 'ok';
  }

  ready(name: string, generation: number): void {
    const l = this.leases.get(name);
    if (!l) return;
    if (l.waiting === generation && l.state !== 'FAILED') {
      // A restarted rootd is told of services a previous rootd admitted: adopt them.
      this.admitted(name, generation);
    }
    if (l.generation === generation && l.state === 'RUNNING') l.ready = true;
  }

  /** A generation ended. Unexpected exits count against the budget and set the backoff. */
  exited(name: string, generation: number, why: string): Transition[] {
    const l = this.leases.get(name);
    if (!l) return [];
    if (l.waiting === generation) l.waiting = 0;
    if (l.generation !== generation || l.state !== 'RUNNING') return [];
    l.ready = false;
    l.lastExit = why;
    const steps: Transition[] = [{ name, from: 'RUNNING', to: 'EXITED', why }];
    if (/^shutdown/.test(why)) {
      l.state = 'EXITED';
      return steps;
    }
    if (EXPECTED.test(why)) {
      l.backoffMs = 0;
      l.backoffUntil = 0;
    } else {
      const now = this.now();
      const r = l.manifest.restart;
      l.exits = [...l.exits.filter((t) => now - t < r.windowMs), now];
      if (l.exits.length > r.budget) {
        l.state = 'FAILED';
        steps.push({ name, from: 'EXITED', to: 'FAILED', why: `${l.exits.length} unexpected exits within ${r.windowMs} ms (budget ${r.budget})` });
        return steps;
      }
      // First unexpected exit: restart at once. Repeated ones: back off, doubling.
      l.backoffMs = l.exits.length === 1 ? 0 : Math.min(r.backoffMs * 2 ** (l.exits.length - 2), r.maxBackoffMs);
      l.backoffUntil = now + l.backoffMs;
    }
    l.state = 'RESTART_PENDING';
    steps.push({ name, from: 'EXITED', to: 'RESTART_PENDING', why: l.backoffMs ? `backoff ${l.backoffMs} ms` : 'restart at once' });
    return steps;
  }

  /** The service's launcher asked for it; only the launcher its manifest names may. */
  launchRequested(name: string, requester: string, env: Record<string, string>): 'ok' | 'unknown' | 'not-launcher' {
    const l = this.leases.get(name);
    if (!l) return 'unknown';
    if (l.manifest.launcher !== requester) return 'not-launcher';
    l.launch = env;
    return 'ok';
  }

  private dependenciesReady(l: Lease): boolean {
    return l.manifest.dependencies.every((d) => d === 'rootd' || this.leases.get(d)?.ready === true);
  }

  /** Boot order: before its first admission, a rootd-launched service waits for those of lower order. */
  private turnCame(l: Lease): boolean {
    if (l.booted || l.manifest.launcher !== 'rootd') return true;
    for (const o of this.leases.values()) {
      if (o.manifest.launcher === 'rootd' && o.manifest.autostart && o.manifest.order < l.manifest.order && !(o.booted && o.ready)) return false;
    }
    return true;
  }

  /**
   * Everyone who may be admitted at `now`. Ask nextWakeup with the same instant:
   * with two clock readings, a backoff ending between them was in neither answer.
   */
  admissible(now = this.now()): Admission[] {
    const out: Admission[] = [];
    for (const l of this.leases.values()) {
      if (!l.waiting || l.state === 'RUNNING' || l.state === 'FAILED') continue;
      if (now < l.backoffUntil || !l.launch || !this.dependenciesReady(l) || !this.turnCame(l)) continue;
      out.push({ name: l.name, generation: l.waiting, rights: rightsOf(l.manifest, this.manifests), env: { ...l.manifest.env, ...l.launch } });
    }
    return out;
  }

  admitted(name: string, generation: number): Transition {
    const l = this.leases.get(name)!;
    const from = l.state;
    l.state = 'RUNNING';
    l.generation = generation;
    l.waiting = 0;
    l.ready = false;
    l.booted = true;
    return { name, from, to: 'RUNNING', why: `generation ${generation}` };
  }

  /** When the earliest backoff after `now` ends (to wake up then), if any lease waits on one. */
  nextWakeup(now = this.now()): number | undefined {
    const times = [...this.leases.values()].filter((l) => l.waiting && l.backoffUntil > now).map((l) => l.backoffUntil);
    return times.length ? Math.min(...times) : undefined;
  }

  table(): Array<{ name: string; state: LeaseState; generation: number; restarts: number; backoffMs: number; lastExit: string }> {
    return [...this.leases.values()].filter((l) => l.manifest.autostart).map((l) => ({
      name: l.name, state: l.state, generation: l.generation, restarts: l.exits.length, backoffMs: l.backoffMs, lastExit: l.lastExit,
    }));
  }
}
