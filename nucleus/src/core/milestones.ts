/**
 * Milestone tracing: every boot step, enrollment, admission, readiness, exit,
 * restart and fault-injection firing, as `<component>.<event>`, with a sequence
 * number that only grows. The nucleus keeps the log and streams it (Milestones
 * service); each milestone is also a pino line carrying the same name.
 */
import type { Logger } from '@rustos/platform';
import { monoMs } from './clock.js';

export interface Milestone {
  seq: number;
  name: string;
  subject: string;
  detail: string;
  unixMs: number;
  monoMs: number;
  pid: number;
  generation: number;
}

export type MilestoneInput = Pick<Milestone, 'name'> & Partial<Omit<Milestone, 'seq' | 'unixMs' | 'monoMs'>>;

const NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;
/** Kept in memory; a long-running system drops the oldest beyond this. */
const CAPACITY = 100_000;

export class MilestoneLog {
  private readonly entries: Milestone[] = [];
  private readonly watchers = new Set<(m: Milestone) => void>();
  private seq = 0;

  constructor(private readonly log: Logger) {}

  emit(input: MilestoneInput): Milestone {
    if (!NAME.test(input.name)) throw new Error(`milestone name "${input.name}" is not <component>.<event>`);
    const m: Milestone = {
      seq: ++this.seq,
      name: input.name,
      subject: input.subject ?? '',
      detail: input.detail ?? '',
      unixMs: Date.now(),
      monoMs: monoMs(),
      pid: input.pid ?? process.pid,
      generation: input.generation ?? 0,
    };
    this.entries.push(m);
    if (this.entries.length > CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
    this.log.info({ milestone: m.name, seq: m.seq, subject: m.subject || undefined, detail: m.detail || undefined, generation: m.generation || undefined }, m.name);
    for (const w of this.watchers) w(m);
    return m;
  }

  since(fromSeq: number): Milestone[] {
    const first = this.entries.findIndex((m) => m.seq >= fromSeq);
    return first < 0 ? [] : this.entries.slice(first);
  }

  /** Calls `fn` for every future milestone; returns the unsubscribe function. */
  watch(fn: (m: Milestone) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  get lastSeq(): number {
    return this.seq;
  }

  has(name: string): boolean {
    return this.entries.some((m) => m.name === name);
  }
}
