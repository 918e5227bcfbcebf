/**
 * PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM against the host CPU: every imm8, on
 * strings over small alphabets (so that matches, ranges and substrings occur)
 * with embedded zeros and signed/unsigned boundary values, explicit lengths
 * from negative to huge (64-bit with REX.W), and the result index, mask, and
 * flags compared. Plus hand-checked vectors for the four aggregations.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { rng } from "../../testing/encodings.js";
import { describeDiff, runEmulated, runHost, type SseCase } from "./testing/sse-oracle.js";

const N = Number(process.env.SSE_ORACLE_CASES ?? 1500) * 8;

const ALPHABETS = [[0x61, 0x62, 0x63], [0x61, 0x62, 0x63, 0], [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a], [0x7f, 0x80, 0xff, 0x01, 0]];
const MODRM = [0xc1, 0xd1, 0xc2, 0xca];

function strings(r: () => number, dv: DataView, at: number): void {
  const alphabet = ALPHABETS[Math.floor(r() * ALPHABETS.length)];
  const len = r() < 0.3 ? 16 : Math.floor(r() * 17);
  for (let k = 0; k < 16; k++) {
    dv.setUint8(at + k, k < len || r() < 0.5 ? alphabet[Math.floor(r() * alphabet.length)] : 0);
  }
  if (r() < 0.2) for (let k = 0; k < 16; k++) dv.setUint8(at + k, Math.floor(r() * 256));
}

function length(r: () => number): bigint {
  switch (Math.floor(r() * 6)) {
    case 0: return BigInt(Math.floor(r() * 40) - 20);
    case 1: return BigInt(Math.floor(r() * 17));
    case 2: return BigInt(Math.floor(r() * 9));
    case 3: return [0x80000000n, 0x7fffffffn, -0x80000000n, 0x100000003n, -0x100000000n, -(1n << 63n), (1n << 63n) - 1n][Math.floor(r() * 7)];
    case 4: return (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 17));
    default: return BigInt(Math.floor(r() * 2 ** 32) | 0);
  }
}

function makeCases(seed: number, n: number): SseCase[] {
  const r = rng(seed);
  const cases: SseCase[] = [];
  for (let k = 0; k < n; k++) {
    const xmm = new Uint8Array(48);
    const dv = new DataView(xmm.buffer);
    for (let x = 0; x < 3; x++) strings(r, dv, 16 * x);
    // Often make the second string contain (part of) the first, for equal ordered / equal each.
    if (r() < 0.4) {
      const from = Math.floor(r() * 16), to = Math.floor(r() * 16), n2 = Math.floor(r() * 8);
      for (let j = 0; j < n2 && from + j < 16 && to + j < 16; j++) xmm[16 + to + j] = xmm[from + j];
    }
    const op = 0x60 + Math.floor(r() * 4);
    const rexW = op < 0x62 && r() < 0.5;
    const code = [0x66, ...(rexW ? [0x48] : []), 0x0f, 0x3a, op, MODRM[Math.floor(r() * MODRM.length)], Math.floor(r() * 256)];
    cases.push({ code: Uint8Array.from(code), mxcsr: 0x1f80, xmm, rax: length(r), rcx: length(r), rdx: length(r) });
  }
  return cases;
}

test("packed string compares match the host CPU", () => {
  const cases = makeCases(0x5714, N);
  const host = runHost(cases);
  for (const engine of ["interpreter", "translate"] as const) {
    const emu = runEmulated(cases, engine);
    const failures: string[] = [];
    for (let k = 0; k < cases.length && failures.length < 5; k++) {
      const d = describeDiff(cases[k], host[k], emu[k], true);
      if (d) failures.push(`#${k} ${d}`);
    }
    assert.equal(failures.join("\n"), "", engine);
  }
});

/** One pcmpistri xmm0, xmm1 on byte strings (unsigned): returns ecx. */
function pcmpistri(needle: string, hay: string, imm: number): number {
  const xmm = new Uint8Array(48);
  xmm.set(new TextEncoder().encode(needle), 0);
  xmm.set(new TextEncoder().encode(hay), 16);
  const c: SseCase = { code: Uint8Array.of(0x66, 0x0f, 0x3a, 0x63, 0xc1, imm), mxcsr: 0x1f80, xmm, rax: 0n, rcx: 0n, rdx: 0n };
  return Number(runEmulated([c], "interpreter")[0].rcx);
}

test("pcmpistri aggregations on hand-checked strings", () => {
  // Equal any: first byte of "hello world" that is one of "ow" (the 'o' at 4).
  assert.equal(pcmpistri("ow", "hello world", 0x00), 4);
  // Ranges: first byte in 'a'..'z' of "12Ab3c" (the 'b' at 3); most significant such index (0x40): 'c' at 5.
  assert.equal(pcmpistri("az", "12Ab3c", 0x04), 3);
  assert.equal(pcmpistri("az", "12Ab3c", 0x44), 5);
  // Equal each, negative polarity: first differing byte of "abcdef" and "abcxef" (3).
  assert.equal(pcmpistri("abcdef", "abcxef", 0x18), 3);
  // Equal ordered: substring "lo w" in "hello world" starts at 3; absent needle gives 16.
  assert.equal(pcmpistri("lo w", "hello world", 0x0c), 3);
  assert.equal(pcmpistri("xyz", "hello world", 0x0c), 16);
  // Equal ordered: a needle running off the end of the block still matches its prefix (at 14).
  assert.equal(pcmpistri("pqr", "aaaaaaaaaaaaaapq", 0x0c), 14);
});
