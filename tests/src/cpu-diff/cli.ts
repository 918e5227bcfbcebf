/**
 * Command line for the differential harness (also the repro command in reports):
 *   node tests/dist/cpu-diff/cli.js [--seed N] [--cases N] [--case I] [--engine native|interpreter|translator]... [--reports N] [--forms REGEX]
 * --forms narrows generation to the forms whose iced-x86 Code name matches (e.g. '^F' for x87); a
 * repro must repeat it, since case numbers depend on the form list.
 * Defaults: CPU_DIFF_SEED / CPU_DIFF_CASES, both emulator engines. Exit status 1 on any mismatch.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CASES, DEFAULT_SEED, type EngineName, formatSummary, runHarness } from './harness.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    cases: { type: 'string' },
    case: { type: 'string' },
    engine: { type: 'string', multiple: true },
    reports: { type: 'string' },
    forms: { type: 'string' },
  },
});
const seed = Number(values.seed ?? process.env.CPU_DIFF_SEED ?? DEFAULT_SEED);
const count = Number(values.cases ?? process.env.CPU_DIFF_CASES ?? DEFAULT_CASES);
const engines = (values.engine ?? ['interpreter', 'translator']) as EngineName[];
const forms = values.forms === undefined ? undefined : new RegExp(values.forms);
const report = await runHarness({ seed, count, engines, forms, only: values.case === undefined ? undefined : Number(values.case) });
console.log(formatSummary(report, Number(values.reports ?? (values.case === undefined ? 10 : 1))));
process.exitCode = report.mismatches.length ? 1 : 0;
