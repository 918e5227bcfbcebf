/**
 * The fault-injection runtime. Rules `point=action` (from RUSTOS_FAULTS, separated
 * by commas or semicolons, or a file named by RUSTOS_FAULTS_FILE, one per line)
 * apply at named points: broker calls (`broker.mm`, `broker.proc.commit`, ...),
 * IPC (`ipc.register`, `ipc.deliver.<endpoint>`) and, later, device I/O. A point
 * pattern may end in `*`. Every firing is recorded as a `faults.fired` milestone.
 *
 * Actions: fail | fail-after:N (the first N hits pass) | drop-every:N |
 * rate:N (N per 1000 hits fail, seeded by RUSTOS_FAULTS_SEED) | delay-ms:N.
 */
import { readFileSync } from 'node:fs';
import type { MilestoneLog } from './milestones.js';

type Action =
  | { kind: 'fail' }
  | { kind: 'fail-after'; n: number }
  | { kind: 'drop-every'; n: number }
  | { kind: 'rate'; n: number }
  | { kind: 'delay-ms'; n: number };

interface Rule {
  text: string;
  pattern: string;
  prefix: boolean;
  action: Action;
  hits: number;
}

export interface Verdict {
  fail: boolean;
  drop: boolean;
  delayMs: number;
  rule: string;
}

export class FaultRuleError extends Error {}

const POINT = /^[a-z][a-z0-9_.-]*\*?$|^\*$/;

export function parseRules(spec: string): Rule[] {
  return spec.split(/[,;\n]/).map((s) => s.replace(/#.*/, '').trim()).filter(Boolean).map((text) => {
    const eq = text.indexOf('=');
    if (eq < 0) throw new FaultRuleError(`fault rule "${text}": expected point=action`);
    const point = text.slice(0, eq).trim();
    const actionText = text.slice(eq + 1).trim();
    if (!POINT.test(point)) throw new FaultRuleError(`fault rule "${text}": bad point name "${point}"`);
    const [name, arg] = actionText.split(':');
    const n = Number(arg);
    let action: Action;
    if (name === 'fail' && arg === undefined) action = { kind: 'fail' };
    else if ((name === 'fail-after' || name === 'delay-ms') && Number.isInteger(n) && n >= 0) action = { kind: name, n };
    else if ((name === 'drop-every') && Number.isInteger(n) && n >= 1) action = { kind: name, n };
    else if (name === 'rate' && Number.isInteger(n) && n >= 0 && n <= 1000) action = { kind: 'rate', n };
    else throw new FaultRuleError(`fault rule "${text}": bad action "${actionText}" (fail, fail-after:N, drop-every:N, rate:N per 1000, delay-ms:N)`);
    const prefix = point.endsWith('*');
    return { text, pattern: prefix ? point.slice(0, -1) : point, prefix, action, hits: 0 };
  });
}

/** A small seeded PRNG (mulberry32) so `rate:` rules are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly rules: Rule[];
  private readonly random: () => number;
  private milestones: MilestoneLog | undefined;

  constructor(spec: string, seed = 1) {
    this.rules = parseRules(spec);
    this.random = prng(seed);
  }

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): FaultInjector {
    const parts = [env.RUSTOS_FAULTS ?? ''];
    if (env.RUSTOS_FAULTS_FILE) parts.push(readFileSync(env.RUSTOS_FAULTS_FILE, 'utf8'));
    return new FaultInjector(parts.join('\n'), Number(env.RUSTOS_FAULTS_SEED ?? 1));
  }

  attach(milestones: MilestoneLog): void {
    this.milestones = milestones;
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  describe(): string[] {
    return this.rules.map((r) => r.text);
  }

  /** What happens to this hit of `point`: undefined (the common case) when no rule fires. */
  check(point: string): Verdict | undefined {
    if (this.rules.length === 0) return undefined;
    let verdict: Verdict | undefined;
    for (const r of this.rules) {
      if (r.prefix ? !point.startsWith(r.pattern) : point !== r.pattern) continue;
      r.hits++;
      const a = r.action;
      const fire = a.kind === 'fail' || a.kind === 'delay-ms'
        || (a.kind === 'fail-after' && r.hits > a.n)
        || (a.kind === 'drop-every' && r.hits % a.n === 0)
        || (a.kind === 'rate' && this.random() * 1000 < a.n);
      if (!fire) continue;
      verdict ??= { fail: false, drop: false, delayMs: 0, rule: r.text };
      if (a.kind === 'drop-every') verdict.drop = true;
      else if (a.kind === 'delay-ms') verdict.delayMs += a.n;
      else verdict.fail = true;
      this.milestones?.emit({ name: 'faults.fired', subject: point, detail: `${r.text} (hit ${r.hits})` });
    }
    return verdict;
  }
}
