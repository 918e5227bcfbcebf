/**
 * The transcendentals against the host CPU. Intel's microcode is not correctly
 * rounded (it is documented as within 1 ulp), while ours is, so the verdicts
 * are: identical, identical but for C1 (the round-up flag), or within 1 ulp
 * with all other state identical. Anything else fails, and so does an
 * identical rate below the floor measured for each instruction. The rates are
 * reported as test diagnostics. X87_SEED and X87_SCALE as for host-diff.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Case, emulate, encodeCases, randomCase } from './testing/cases.js';
import { Verdict, classify, describeCase, describeDiff } from './testing/compare.js';
import { OUT_SIZE, SAVE_AT, hostOps, runHost } from './testing/host-reference.js';
import { OPS } from './testing/ops.js';
import { Rng } from './testing/random.js';
import { F80 } from './float80.js';
import { INTEL_HOST } from '../testing/host-vendor.js';

const SEED = Number(process.env.X87_SEED ?? 0x87) + 2;
const SCALE = Number(process.env.X87_SCALE ?? 1);
const COUNT = Math.round(1500 * SCALE);

/** Lowest acceptable share of bit-identical results (measured: see README.md). */
const FLOOR: Record<string, number> = {
  F2XM1: 0.85, FYL2X: 0.85, FYL2XP1: 0.84, FSIN: 0.95, FCOS: 0.95, FSINCOS: 0.94, FPTAN: 0.92, FPATAN: 0.95,
};

/**
 * Off Intel (host-vendor.ts): a result at or below the smallest normal may fall on the
 * other side of the underflow threshold (Intel's FSIN of a tiny x returns x; AMD's,
 * under RC = chop, the value below). Such a register's tag and UE follow its value,
 * so the host's are taken from ours; classify still demands the value within 1 ulp.
 */
function vendorTiny(host: Uint8Array, emu: Uint8Array): Uint8Array {
  const want = host.slice();
  const h = new DataView(want.buffer), e = new DataView(emu.buffer, emu.byteOffset);
  const top = (h.getUint16(SAVE_AT + 4, true) >> 11) & 7;
  for (let i = 0; i < 8; i++) {
    const o = SAVE_AT + 28 + 10 * i;
    const tiny = (h.getUint16(o + 8, true) & 0x7fff) <= 1 && (e.getUint16(o + 8, true) & 0x7fff) <= 1;
    if (!tiny || host.subarray(o, o + 10).every((b, k) => b === emu[o + k])) continue;
    const tag = 3 << (2 * ((top + i) & 7)), ue = 0x10;
    h.setUint16(SAVE_AT + 8, (h.getUint16(SAVE_AT + 8, true) & ~tag) | (e.getUint16(SAVE_AT + 8, true) & tag), true);
    h.setUint16(SAVE_AT + 4, (h.getUint16(SAVE_AT + 4, true) & ~ue) | (e.getUint16(SAVE_AT + 4, true) & ue), true);
  }
  return want;
}

const verdict = (host: Uint8Array, emu: Uint8Array): Verdict => classify(INTEL_HOST ? host : vendorTiny(host, emu), emu);

test('x87 transcendentals vs host CPU', async (t) => {
  const index = hostOps();
  const r = new Rng(SEED);
  const cases: Case[] = [];
  const ops = [...OPS].filter(([, spec]) => spec.approximate);
  for (const [op, spec] of ops) {
    // A quarter of the cases with random exception masks.
    for (let n = 0; n < COUNT; n++) cases.push(randomCase(r, op, spec, n % 4 === 0));
  }
  const host = runHost(encodeCases(cases, index));
  const tally = new Map<string, number[]>();
  const wrong = new Map<string, string[]>();
  cases.forEach((c, n) => {
    const v = verdict(host.subarray(n * OUT_SIZE, (n + 1) * OUT_SIZE), emulate(c, OPS.get(c.op)!));
    const counts = tally.get(c.op) ?? [0, 0, 0, 0];
    counts[v]++;
    tally.set(c.op, counts);
    if (v === Verdict.Wrong) {
      const w = wrong.get(c.op) ?? [];
      if (w.length < 3) w.push(`${describeCase(c)}\n${describeDiff(host.subarray(n * OUT_SIZE, (n + 1) * OUT_SIZE), emulate(c, OPS.get(c.op)!))}`);
      wrong.set(c.op, w);
    }
  });
  for (const [op] of ops) {
    await t.test(op, () => {
      const [same, c1, ulp, bad] = tally.get(op)!;
      const pct = (k: number) => ((100 * k) / COUNT).toFixed(1);
      t.diagnostic(`${op}: ${pct(same)}% identical, ${pct(c1)}% C1 only, ${pct(ulp)}% 1 ulp, ${bad} wrong of ${COUNT}`);
      assert.equal(bad, 0, `${op}: ${bad} results beyond 1 ulp or with other state differing:\n${(wrong.get(op) ?? []).join('\n')}`);
      // FSINCOS's C1 (rounded up) is the cosine's on Intel, the sine's on AMD: off Intel its floor counts C1-only results.
      const identical = !INTEL_HOST && op === 'FSINCOS' ? same + c1 : same;
      assert.ok(identical / COUNT >= FLOOR[op], `${op}: only ${pct(identical)}% identical (floor ${FLOOR[op] * 100}%)`);
    });
  }
});

/** Special operands: which exception outranks which is decided here, not by the random mix. */
const SPECIALS: readonly (readonly [se: number, hi: number, lo: number])[] = [
  [0, 0, 0], [0x8000, 0, 0], // zeros
  [0, 0x00000098, 0x5a22a836], [0x8000, 0, 0x1234], // denormals
  [0, 0x80000000, 1], // pseudo-denormal
  [0x7fff, 0x80000000, 0], [0xffff, 0x80000000, 0], // infinities
  [0x7fff, 0xc0000000, 0], [0xffff, 0xc0000001, 0], [0x7fff, 0xa0000000, 0], // QNaNs, SNaN
  [0x3fff, 0x80000000, 0], [0xbfff, 0x80000000, 0], [0x3ffe, 0x80000000, 0], [0xbffe, 0x80000000, 0],
  [0x4000, 0x80000000, 0], [0xc000, 0x80000000, 0], [0x0001, 0x80000000, 0], [0x7ffe, 0xffffffff, 0xffffffff],
  [0x4000, 0x40000000, 0], // unnormal
];

test('x87 transcendentals vs host CPU: every pair of special operands, masked and unmasked', () => {
  const index = hostOps();
  const cases: Case[] = [];
  const f80 = ([se, hi, lo]: readonly [number, number, number]) => new F80().set(se, hi, lo);
  const one = f80([0x3fff, 0x80000000, 0]);
  for (const [op, spec] of [...OPS].filter(([, s]) => s.approximate)) {
    const seconds = spec.stack === 2 ? SPECIALS : [[0x3fff, 0x80000000, 0] as const];
    for (const a of SPECIALS) {
      for (const b of seconds) {
        for (const cw of [0x037f, 0x0340, 0x0f7f]) {
          cases.push({ op, cw, sw: 0, depth: spec.stack, flags: 0, mem: new Uint8Array(16), st: [f80(a), f80(b), one] });
        }
      }
    }
  }
  const host = runHost(encodeCases(cases, index));
  const wrong: string[] = [];
  cases.forEach((c, n) => {
    const h = host.subarray(n * OUT_SIZE, (n + 1) * OUT_SIZE);
    const e = emulate(c, OPS.get(c.op)!);
    if (verdict(h, e) === Verdict.Wrong && wrong.length < 5) wrong.push(`${describeCase(c)}\n${describeDiff(h, e)}`);
  });
  assert.deepEqual(wrong, []);
});
