/**
 * Hand-checked vectors for the rounding corners the host tests find only by
 * chance: ties, directed modes, the double-rounding trap of 64-bit integer
 * sources, tininess after rounding, FTZ, and the integer indefinite value.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runEmulated, type SseCase } from "./testing/sse-oracle.js";

const RN = 0x1f80, RD = 0x3f80, RU = 0x5f80, RZ = 0x7f80, FTZ = 0x8000;
const PE = 0x20, UE = 0x10, OE = 0x08, IE = 0x01;

function run(code: number[], mxcsr: number, xmm1lo: bigint, rax = 0n): { xmm0: bigint; rax: bigint; mxcsr: number } {
  const xmm = new Uint8Array(48);
  new DataView(xmm.buffer).setBigUint64(16, xmm1lo, true);
  const c: SseCase = { code: Uint8Array.from(code), mxcsr, xmm, rax, rcx: 0n, rdx: 0n };
  const r = runEmulated([c], "interpreter")[0];
  assert.equal(r.vector, 0);
  return { xmm0: new DataView(r.xmm.buffer).getBigUint64(0, true), rax: r.rax, mxcsr: r.mxcsr };
}

const f32 = (x: number): bigint => BigInt(new Uint32Array(Float32Array.of(x).buffer)[0]);
const f64 = (x: number): bigint => new BigUint64Array(Float64Array.of(x).buffer)[0];

const CVTSD2SS = [0xf2, 0x0f, 0x5a, 0xc1];
const CVTSI2SS_RAX = [0xf3, 0x48, 0x0f, 0x2a, 0xc0];
const CVTSS2SI_EAX = [0xf3, 0x0f, 0x2d, 0xc1];
const CVTTSD2SI_RAX = [0xf2, 0x48, 0x0f, 0x2c, 0xc1];
const MULSS = [0xf3, 0x0f, 0x59, 0xc1];

test("binary64 to binary32: a tie goes to even, directed modes go their way", () => {
  const tie = f64(1 + 2 ** -24); // exactly between 1 and 1 + 2^-23
  assert.deepEqual(run(CVTSD2SS, RN, tie), { xmm0: f32(1), rax: 0n, mxcsr: RN | PE });
  assert.equal(run(CVTSD2SS, RU, tie).xmm0, f32(1 + 2 ** -23));
  assert.equal(run(CVTSD2SS, RD, f64(-(1 + 2 ** -24))).xmm0, f32(-(1 + 2 ** -23)));
  assert.equal(run(CVTSD2SS, RZ, f64(-(1 + 2 ** -24))).xmm0, f32(-1));
  // Above the largest binary32 but below 2^128: RZ gives the largest finite value, inexact, no overflow.
  assert.deepEqual(run(CVTSD2SS, RZ, f64(2 ** 128 - 2 ** 100)), { xmm0: 0x7f7fffffn, rax: 0n, mxcsr: RZ | PE });
  assert.deepEqual(run(CVTSD2SS, RN, f64(2 ** 128)), { xmm0: 0x7f800000n, rax: 0n, mxcsr: RN | OE | PE });
});

test("64-bit integer to binary32 rounds once, not twice", () => {
  // 2^60 + 2^36 + 1 is just above the midpoint between 2^60 and 2^60 + 2^37;
  // rounding to binary64 first would land on the midpoint and then on 2^60.
  const r = run(CVTSI2SS_RAX, RN, 0n, (1n << 60n) + (1n << 36n) + 1n);
  assert.equal(r.xmm0 & 0xffffffffn, f32(2 ** 60 + 2 ** 37));
  assert.equal(r.mxcsr, RN | PE);
});

test("binary32 to int32: ties to even, directed modes, indefinite", () => {
  assert.equal(run(CVTSS2SI_EAX, RN, f32(2.5)).rax, 2n);
  assert.equal(run(CVTSS2SI_EAX, RN, f32(3.5)).rax, 4n);
  assert.equal(run(CVTSS2SI_EAX, RU, f32(2.25)).rax, 3n);
  assert.equal(run(CVTSS2SI_EAX, RD, f32(-2.25)).rax, 0xfffffffdn); // -3, zero-extended
  assert.deepEqual(run(CVTSS2SI_EAX, RN, f32(2 ** 31)), { xmm0: 0n, rax: 0x80000000n, mxcsr: RN | IE });
  assert.equal(run(CVTTSD2SI_RAX, RN, f64(-2.75)).rax, 0xfffffffffffffffen); // truncation: -2
});

test("underflow is detected after rounding; FTZ flushes tiny results", () => {
  // (1 - 2^-24) * 2^-126 * (1 + 2^-23) rounds (unbounded exponent) to 2^-126: not tiny.
  const a = new Uint8Array(48);
  const dv = new DataView(a.buffer);
  const mul = (x: number, y: number, mx: number) => {
    dv.setFloat32(0, x, true);
    dv.setFloat32(16, y, true);
    const r = runEmulated([{ code: Uint8Array.from(MULSS), mxcsr: mx, xmm: a, rax: 0n, rcx: 0n, rdx: 0n }], "interpreter")[0];
    return { bits: new DataView(r.xmm.buffer).getUint32(0, true), mxcsr: r.mxcsr };
  };
  const x = 18631 * 2 ** -70, y = 1801 * 2 ** -81; // product 2^-126 - 2^-151
  assert.deepEqual(mul(x, y, RN), { bits: 0x00800000, mxcsr: RN | PE });
  assert.deepEqual(mul(x, y, RD), { bits: 0x007fffff, mxcsr: RD | UE | PE });
  // An exact tiny result: no flag, unless FTZ flushes it.
  assert.deepEqual(mul(2 ** -63, 2 ** -64, RN), { bits: 0x00400000, mxcsr: RN });
  assert.deepEqual(mul(2 ** -63, 2 ** -64, RN | FTZ), { bits: 0, mxcsr: RN | FTZ | UE | PE });
});
