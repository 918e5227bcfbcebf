/**
 * Property tests of the multiword kernels against BigInt, and exactness
 * properties of the conversions. They need no host tools; the bit-exact
 * semantics are checked against the host CPU in host-diff.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { divide64, mul64 } from './arith.js';
import { fromF32, fromF64, fromInt64, toF32, toF64, toInt } from './convert.js';
import { Cw, F80, Rc, W, fpStatus, w } from './float80.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const top = fc.integer({ min: 0x80000000, max: 0xffffffff });
const big = (h: number, l: number) => (BigInt(h) << 32n) | BigInt(l);

test('mul64 is the exact 128-bit product', () => {
  fc.assert(fc.property(u32, u32, u32, u32, (ah, al, bh, bl) => {
    mul64(ah | 0, al | 0, bh | 0, bl | 0);
    const got = (big(w[W.P3], w[W.P2]) << 64n) | big(w[W.P1], w[W.P0]);
    assert.equal(got, big(ah, al) * big(bh, bl));
  }), { numRuns: 20000 });
});

test('divide64 gives the quotient bits, round bit and sticky bit of A / B', () => {
  const sig = fc.oneof(fc.tuple(top, u32), fc.constantFrom<[number, number]>(
    [0x80000000, 0], [0xffffffff, 0xffffffff], [0x80000000, 1], [0xffffffff, 0xfffffffe], [0xaaaaaaaa, 0xaaaaaaab]));
  fc.assert(fc.property(sig, sig, ([ah, al], [bh, bl]) => {
    const A = big(ah, al), B = big(bh, bl);
    const adj = divide64(ah | 0, al | 0, bh | 0, bl | 0);
    assert.equal(adj, A >= B ? 0 : -1);
    const k = adj === 0 ? 95n : 96n; // the exact quotient scaled so its top bit is bit 95
    const q = (A << k) / B;
    const exact = (A << k) % B === 0n;
    const got = (big(w[W.H], w[W.L]) << 32n) | BigInt(w[W.X]);
    assert.equal(got >> 31n, q >> 31n, 'significand and round bit');
    assert.equal((got & 0x7fffffffn) !== 0n, (q & 0x7fffffffn) !== 0n || !exact, 'sticky');
  }), { numRuns: 20000 });
});

test('float64 -> 80-bit -> float64 is the identity for every non-NaN double', () => {
  const f = new F80();
  const dv = new DataView(new ArrayBuffer(8));
  fc.assert(fc.property(fc.double({ noNaN: true }), (d) => {
    dv.setFloat64(0, d, true);
    const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
    fpStatus.flags = 0;
    fromF64(f, lo, hi, true);
    const rlo = toF64(f, Cw.Default);
    assert.deepEqual([rlo, w[W.Hi]], [lo, hi]);
    assert.equal(fpStatus.flags & ~0x2, 0, 'no flags but DE for a denormal');
  }), { numRuns: 20000 });
});

test('float32 -> 80-bit -> float32 is the identity for every non-NaN float', () => {
  const f = new F80();
  const dv = new DataView(new ArrayBuffer(4));
  fc.assert(fc.property(fc.float({ noNaN: true }), (x) => {
    dv.setFloat32(0, x, true);
    const bits = dv.getUint32(0, true);
    fromF32(f, bits, true);
    assert.equal(toF32(f, Cw.Default), bits);
  }), { numRuns: 20000 });
});

test('int64 -> 80-bit -> int64 is the identity', () => {
  const f = new F80();
  fc.assert(fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => {
    const u = BigInt.asUintN(64, v);
    fromInt64(f, Number(u & 0xffffffffn), Number(u >> 32n));
    const lo = toInt(f, 64, Rc.Nearest);
    assert.equal(big(w[W.Hi], lo >>> 0), u);
  }), { numRuns: 20000 });
});
