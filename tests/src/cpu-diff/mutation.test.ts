/**
 * The harness must fail on a broken CPU: a deliberately wrong carry flag after ADD
 * (the classic lazy-flags slip) has to surface as mismatches naming CF on ADD
 * cases, and nowhere else.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CpuCase, type CpuResult, Exit } from './case.js';
import { loadEmulator } from './emulator-port.js';
import { type EngineName, runHarness } from './harness.js';

const breakAddCarry = (c: CpuCase, r: CpuResult): void => {
  if (c.form.startsWith('Add_') && r.vector === Exit.Breakpoint) r.rflags ^= 1n;
};

async function check(engine: EngineName): Promise<void> {
  const report = await runHarness({ seed: 77, count: 3000, engines: [engine], mutate: breakAddCarry });
  const addCases = [...report.coverage].filter(([f]) => f.startsWith('Add_')).reduce((n, [, k]) => n + k, 0);
  assert.ok(addCases > 0, 'the generator produced ADD cases');
  assert.ok(report.mismatches.length > 0, 'a broken ADD carry went unnoticed');
  for (const m of report.mismatches) {
    assert.ok(m.case.form.startsWith('Add_'), `unexpected mismatch outside ADD: ${m.report}`);
    assert.deepEqual(m.diffs.map((d) => d.field), ['CF'], m.report);
    assert.match(m.report, /repro: .*--case \d+/);
  }
}

test('a CF bug after ADD is reported (native engine as the victim)', () => check('native'));

test('a CF bug after ADD is reported (emulator interpreter as the victim)', async (t) => {
  const emu = await loadEmulator();
  if (typeof emu === 'string') return t.skip(`NOT RUN: ${emu}`);
  await check('interpreter');
});
