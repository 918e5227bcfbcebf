/**
 * The differential run: generate cases for every form the emulator implements, run
 * them natively and on each requested engine, compare, and summarise coverage.
 */
import { CODE_BASE, type CpuCase, type CpuResult } from './case.js';
import { type Difference, compareResults, formatMismatch } from './compare.js';
import { type EngineKind, type Emulator, loadEmulator } from './emulator-port.js';
import { EmulatedMachine } from './emulator.js';
import { type Form, candidateForms } from './forms.js';
import { generateCase, sequencePools, singleCase } from './generate.js';
import { runNative } from './native.js';

/** `native` runs the reference a second time: the harness checking itself. */
export type EngineName = 'native' | EngineKind;

export const DEFAULT_SEED = 0x5eed_c0de;
export const DEFAULT_CASES = 20_000;

export interface HarnessOptions {
  seed: number;
  count: number;
  engines: EngineName[];
  /** Run only this case index (repro). */
  only?: number;
  /** Generate only forms whose iced-x86 Code name matches (e.g. /^F/ for x87). */
  forms?: RegExp;
  /** Test hook: corrupts an engine's result before comparison (the mutation check). */
  mutate?: (c: CpuCase, r: CpuResult) => void;
}

export interface Mismatch {
  case: CpuCase;
  engine: EngineName;
  diffs: Difference[];
  report: string;
}

export interface HarnessReport {
  seed: number;
  cases: number;
  /** Cases generated per form (sequences as `seq:<consumer>`). */
  coverage: Map<string, number>;
  /** Candidate forms the emulator reports as not implemented (not generated). */
  notImplemented: string[];
  mismatches: Mismatch[];
  millis: Record<string, number>;
}

export function reproCommand(seed: number, index: number, engine: EngineName, forms?: RegExp): string {
  const only = forms ? ` --forms '${forms.source}'` : '';
  return `npx tsc -b tests && node tests/dist/cpu-diff/cli.js --seed ${seed} --case ${index} --engine ${engine}${only}`;
}

/** Forms the emulator implements, judged by its decoder on one instance of each. */
function implementedForms(emu: Emulator | undefined, seed: number, filter?: RegExp): { forms: Form[]; notImplemented: string[] } {
  const all = candidateForms().filter((f) => !filter || filter.test(f.name));
  if (!emu) return { forms: all, notImplemented: [] };
  const forms: Form[] = [];
  const notImplemented: string[] = [];
  for (const f of all) {
    const c = singleCase(seed, -1, f);
    if (emu.decodeAt(c.code, c.entry, CODE_BASE + c.entry).implemented) forms.push(f);
    else notImplemented.push(f.name);
  }
  return { forms, notImplemented };
}

/** Throws when the emulator is requested but unusable (the message says why). */
export async function runHarness(opts: HarnessOptions): Promise<HarnessReport> {
  const millis: Record<string, number> = {};
  const time = <T>(label: string, f: () => T): T => {
    const t = performance.now();
    const r = f();
    millis[label] = (millis[label] ?? 0) + Math.round(performance.now() - t);
    return r;
  };
  let emu: Emulator | undefined;
  if (opts.engines.some((e) => e !== 'native')) {
    const loaded = await loadEmulator();
    if (typeof loaded === 'string') throw new Error(loaded);
    emu = loaded;
  }
  const { forms, notImplemented } = implementedForms(emu, opts.seed, opts.forms);
  if (forms.length === 0) throw new Error('no instruction form to generate: the emulator implements none of the candidates');
  const pools = sequencePools(forms);
  const indices = opts.only !== undefined ? [opts.only] : Array.from({ length: opts.count }, (_, i) => i);
  const cases = time('generate', () => indices.map((i) => generateCase(opts.seed, i, forms, pools)));
  const reference = time('native', () => runNative(cases));

  const mismatches: Mismatch[] = [];
  for (const engine of opts.engines) {
    const results = time(engine, () => runEngine(engine, emu, cases));
    for (let i = 0; i < cases.length; i++) {
      const r = results[i];
      if (typeof r === 'string') {
        const diffs = [{ field: 'engine', native: 'ran', emulated: r }];
        mismatches.push({ case: cases[i], engine, diffs, report: formatMismatch(cases[i], engine, diffs, reproCommand(opts.seed, cases[i].index, engine, opts.forms)) });
        continue;
      }
      opts.mutate?.(cases[i], r);
      const diffs = compareResults(cases[i], reference[i], r);
      if (diffs.length) {
        mismatches.push({ case: cases[i], engine, diffs, report: formatMismatch(cases[i], engine, diffs, reproCommand(opts.seed, cases[i].index, engine, opts.forms)) });
      }
    }
  }
  const coverage = new Map<string, number>();
  for (const c of cases) coverage.set(c.form, (coverage.get(c.form) ?? 0) + 1);
  return { seed: opts.seed, cases: cases.length, coverage, notImplemented, mismatches, millis };
}

/** An engine's results; a JS exception escaping the emulator is itself a failure (a string). */
function runEngine(engine: EngineName, emu: Emulator | undefined, cases: CpuCase[]): Array<CpuResult | string> {
  if (engine === 'native') return runNative(cases);
  const machine = new EmulatedMachine(emu!, engine);
  return cases.map((c) => {
    try {
      return machine.run(c);
    } catch (e) {
      return `threw ${(e as Error)?.stack ?? String(e)}`;
    }
  });
}

/** Coverage and mismatch summary for people. */
export function formatSummary(r: HarnessReport, maxReports = 10): string {
  const lines: string[] = [];
  const forms = [...r.coverage].sort(([a], [b]) => a.localeCompare(b));
  lines.push(`cpu-diff seed=${r.seed} cases=${r.cases} forms covered=${forms.length} not implemented by the emulator=${r.notImplemented.length}`);
  const cells = forms.map(([f, n]) => `${f.slice(0, 34).padEnd(34)} ${String(n).padStart(4)}`);
  for (let i = 0; i < cells.length; i += 3) lines.push('  ' + cells.slice(i, i + 3).join('   '));
  if (r.notImplemented.length) lines.push(`not implemented (not generated): ${r.notImplemented.join(' ')}`);
  lines.push(`timings ms: ${Object.entries(r.millis).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const byEngine = new Map<string, number>();
  for (const m of r.mismatches) byEngine.set(m.engine, (byEngine.get(m.engine) ?? 0) + 1);
  lines.push(`mismatches: ${r.mismatches.length}${byEngine.size ? ' (' + [...byEngine].map(([e, n]) => `${e}=${n}`).join(' ') + ')' : ''}`);
  const byForm = new Map<string, number>();
  for (const m of r.mismatches) byForm.set(m.case.form, (byForm.get(m.case.form) ?? 0) + 1);
  if (byForm.size) lines.push(`mismatching forms: ${[...byForm].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f}:${n}`).join(' ')}`);
  for (const m of r.mismatches.slice(0, maxReports)) lines.push('', m.report);
  return lines.join('\n');
}
