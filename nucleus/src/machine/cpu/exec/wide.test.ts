/**
 * Wide arithmetic against BigInt (the obvious reference): 64x64->128 products and
 * 128/64 division, on random and edge-case operands.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { divU128, mulS64, mulU64 } from "./wide.js";
import * as W from "./wide.js";
import { rng } from "../testing/encodings.js";

const M32 = 0xffffffffn;
const words = (v: bigint) => [0, 32, 64, 96].map((s) => Number(BigInt.asIntN(32, (v >> BigInt(s)) & M32)));
const fromWords = (...w: number[]) => w.reduce((acc, x, k) => acc | (BigInt(x >>> 0) << BigInt(32 * k)), 0n);

function randomU64(r: () => number): bigint {
  const kind = Math.floor(r() * 6);
  const full = (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32));
  if (kind === 0) return BigInt(Math.floor(r() * 65536));
  if (kind === 1) return full >> BigInt(Math.floor(r() * 64));
  if (kind === 2) return (1n << 64n) - 1n - BigInt(Math.floor(r() * 3));
  if (kind === 3) return 1n << BigInt(Math.floor(r() * 64));
  return full;
}

test("64x64 -> 128 products", () => {
  const r = rng(11);
  for (let k = 0; k < 20000; k++) {
    const a = randomU64(r), b = randomU64(r);
    const [al, ah] = words(a), [bl, bh] = words(b);
    mulU64(al, ah, bl, bh);
    assert.equal(fromWords(W.w0, W.w1, W.w2, W.w3), a * b);
    mulS64(al, ah, bl, bh);
    assert.equal(BigInt.asIntN(128, fromWords(W.w0, W.w1, W.w2, W.w3)), BigInt.asIntN(64, a) * BigInt.asIntN(64, b));
  }
});

test("128 / 64 division", () => {
  const r = rng(12);
  for (let k = 0; k < 30000; k++) {
    const d = randomU64(r) || 1n;
    const hi = r() < 0.5 ? 0n : randomU64(r) % d;
    const n = (hi << 64n) | randomU64(r);
    const [n0, n1, n2, n3] = words(n);
    const [d0, d1] = words(d);
    assert.equal(divU128(n0, n1, n2, n3, d0, d1), true);
    assert.equal(fromWords(W.w0, W.w1), n / d, `${n} / ${d}`);
    assert.equal(fromWords(W.w2, W.w3), n % d, `${n} % ${d}`);
  }
  // A quotient of 2^64 or more is refused (#DE).
  assert.equal(divU128(0, 0, 5, 0, 5, 0), false);
  assert.equal(divU128(0, 0, 0, 1, -1, 0), false);
});
