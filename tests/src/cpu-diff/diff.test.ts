/**
 * The differential run: generated cases on the host CPU and on both emulator engines,
 * zero mismatches required. CPU_DIFF_SEED / CPU_DIFF_CASES override seed and size.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadEmulator } from './emulator-port.js';
import { DEFAULT_CASES, DEFAULT_SEED, formatSummary, runHarness } from './harness.js';

const seed = Number(process.env.CPU_DIFF_SEED ?? DEFAULT_SEED);
const count = Number(process.env.CPU_DIFF_CASES ?? DEFAULT_CASES);

test('the reference is deterministic: every generated case runs natively twice with identical results', async () => {
  const report = await runHarness({ seed, count: Math.min(count, 5000), engines: ['native'] });
  assert.equal(report.mismatches.length, 0, formatSummary(report, 3));
});

test(`emulator (interpreter and translator) matches the host CPU on ${count} cases`, async (t) => {
  const emu = await loadEmulator();
  if (typeof emu === 'string') {
    t.skip(`NOT RUN: ${emu}`);
    console.log(`cpu-diff: differential run NOT RUN: ${emu}`);
    return;
  }
  assert.ok(count >= 1, 'CPU_DIFF_CASES must be positive');
  const report = await runHarness({ seed, count, engines: ['interpreter', 'translator'] });
  console.log(formatSummary(report, 5));
  assert.equal(report.mismatches.length, 0, `${report.mismatches.length} mismatches (summary above)`);
});
