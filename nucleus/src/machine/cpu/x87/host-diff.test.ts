/**
 * Differential test against the host CPU: every exact op of testdata/x87ref.c
 * (all but the transcendentals, see transcendental-host.test.ts) runs on
 * random operands natively and on Fpu, and the complete resulting state (all
 * registers, tags, status and control words, memory result, EFLAGS) must match
 * bit for bit. Reproducible: X87_SEED picks the seed, X87_SCALE multiplies the
 * case counts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Case, emulate, emulateFxsave, encodeCases, randomCase } from './testing/cases.js';
import { describeCase, describeDiff, sameOutput } from './testing/compare.js';
import { FXSAVE_RECORD, IN_SIZE, OUT_SIZE, hostOps, runHost } from './testing/host-reference.js';
import { OPS } from './testing/ops.js';
import { Rng } from './testing/random.js';
import { INTEL_HOST } from '../testing/host-vendor.js';

const SEED = Number(process.env.X87_SEED ?? 0x87);
const SCALE = Number(process.env.X87_SCALE ?? 1);

/** Ops with many rounding paths get more cases. */
function countFor(op: string): number {
  const heavy = /^(FI?(ADD|MUL|SUB|SUBR|DIV|DIVR)|FSQRT|FST|FIST|FPREM|FSCALE|FRNDINT|FLD_M|FBSTP)/.test(op);
  return Math.round((heavy ? 1500 : 300) * SCALE);
}

function runDiff(label: string, seed: number, unmasked: boolean) {
  test(label, async (t) => {
    const index = hostOps();
    const r = new Rng(seed);
    const cases: Case[] = [];
    for (const [op, spec] of OPS) {
      if (spec.approximate) continue;
      for (let n = countFor(op); n > 0; n--) cases.push(randomCase(r, op, spec, unmasked));
    }
    const host = runHost(encodeCases(cases, index));
    t.diagnostic(`${cases.length} cases`);
    const failures = new Map<string, { count: number; first: string[] }>();
    cases.forEach((c, n) => {
      const want = host.subarray(n * OUT_SIZE, (n + 1) * OUT_SIZE);
      const got = emulate(c, OPS.get(c.op)!);
      if (sameOutput(want, got)) return;
      const f = failures.get(c.op) ?? { count: 0, first: [] };
      f.count++;
      if (f.first.length < 3) f.first.push(`${describeCase(c)}\n${describeDiff(want, got)}`);
      failures.set(c.op, f);
    });
    for (const [op, spec] of OPS) {
      if (spec.approximate) continue;
      await t.test(op, () => {
        const f = failures.get(op);
        assert.ok(!f, f && `${f.count} of ${countFor(op)} cases differ from the host:\n${f.first.join('\n')}`);
      });
    }
    assert.equal(host.length / OUT_SIZE, cases.length);
    assert.ok(cases.length * IN_SIZE > 0);
  });
}

runDiff('x87 vs host CPU, exceptions masked', SEED, false);
// Unmasked exceptions: the pending #MF (ES, B), suppressed results and wrapped exponents.
runDiff('x87 vs host CPU, random exception masks', SEED + 1, true);

test('FXSAVE64 image vs host CPU after random ops', () => {
  const index = hostOps();
  const r = new Rng(SEED + 3);
  const cases: Case[] = [];
  for (const [op, spec] of OPS) {
    if (spec.approximate) continue;
    for (let n = Math.round(20 * SCALE); n > 0; n--) cases.push(randomCase(r, op, spec, n % 2 === 0));
  }
  const host = runHost(encodeCases(cases, index), true);
  const bad: string[] = [];
  cases.forEach((c, n) => {
    const want = host.subarray(n * FXSAVE_RECORD, (n + 1) * FXSAVE_RECORD);
    const got = emulateFxsave(c, OPS.get(c.op)!);
    // Bytes 6..23 are FOP, FIP and FDP: the CPU's to supply. Off Intel, MXCSR_MASK bit 17
    // (byte 30): AMD's misaligned-SSE mode (APM MXCSR.MM), which Intel and our model lack.
    const vendor = (i: number) => (!INTEL_HOST && i === 30 ? 0x02 : 0);
    const differs = want.some((b, i) => ((b ^ got[i]) & ~vendor(i)) !== 0 && (i < 6 || i >= 24));
    if (differs && bad.length < 3) {
      const hex = (b: Uint8Array) => [...b.subarray(0, 48)].map((x) => x.toString(16).padStart(2, '0')).join('');
      bad.push(`${describeCase(c)}\n  host ${hex(want)}\n  emu  ${hex(got)}`);
    }
  });
  assert.deepEqual(bad, []);
});

test('every host op has an emulated counterpart', () => {
  const missing = [...hostOps().keys()].filter((op) => !OPS.has(op));
  assert.deepEqual(missing, []);
});
