/**
 * SSE floating point against the host CPU, bit for bit: every FP instruction
 * (register forms) on operands aimed at the hard cases (values.ts) under random
 * MXCSR settings (rounding modes, DAZ, FTZ, unmasked exceptions, sticky flags),
 * comparing xmm results, GPR results, EFLAGS, MXCSR and #XM. Both engines.
 * SSE_ORACLE_CASES scales the number of cases per instruction (default 1500).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { rng } from "../../testing/encodings.js";
import { INTEL_HOST } from "../../testing/host-vendor.js";
import { describeDiff, runEmulated, runHost, type SseCase, type SseResult } from "./testing/sse-oracle.js";
import { f32Bits, f64Bits, mxcsr, related32, related64, type Rand } from "./testing/values.js";

const PER_OP = Number(process.env.SSE_ORACLE_CASES ?? 1500);

const enum Lane { F32, F64, I32, Mixed }

interface Op {
  name: string;
  /** Instruction bytes (xmm0, xmm1 operands; GPR forms use eax/rax). */
  code: number[];
  lane: number;
  /** Appends a random imm8. */
  imm?: boolean;
  /** Writes EFLAGS. */
  flags?: boolean;
  /** Reads an integer source from rax. */
  intSource?: boolean;
}

function fp4(name: string, op: number, imm = false): Op[] {
  const tail = imm ? [0xc1] : [0xc1];
  return [
    { name: `${name}ps`, code: [0x0f, op, ...tail], lane: Lane.F32, imm },
    { name: `${name}pd`, code: [0x66, 0x0f, op, ...tail], lane: Lane.F64, imm },
    { name: `${name}ss`, code: [0xf3, 0x0f, op, ...tail], lane: Lane.F32, imm },
    { name: `${name}sd`, code: [0xf2, 0x0f, op, ...tail], lane: Lane.F64, imm },
  ];
}

const OPS: Op[] = [
  ...fp4("add", 0x58), ...fp4("sub", 0x5c), ...fp4("mul", 0x59), ...fp4("div", 0x5e), ...fp4("sqrt", 0x51),
  ...fp4("min", 0x5d), ...fp4("max", 0x5f), ...fp4("cmp", 0xc2, true),
  { name: "comiss", code: [0x0f, 0x2f, 0xc1], lane: Lane.F32, flags: true },
  { name: "ucomiss", code: [0x0f, 0x2e, 0xc1], lane: Lane.F32, flags: true },
  { name: "comisd", code: [0x66, 0x0f, 0x2f, 0xc1], lane: Lane.F64, flags: true },
  { name: "ucomisd", code: [0x66, 0x0f, 0x2e, 0xc1], lane: Lane.F64, flags: true },
  { name: "cvtss2sd", code: [0xf3, 0x0f, 0x5a, 0xc1], lane: Lane.F32 },
  { name: "cvtsd2ss", code: [0xf2, 0x0f, 0x5a, 0xc1], lane: Lane.F64 },
  { name: "cvtps2pd", code: [0x0f, 0x5a, 0xc1], lane: Lane.F32 },
  { name: "cvtpd2ps", code: [0x66, 0x0f, 0x5a, 0xc1], lane: Lane.F64 },
  { name: "cvtdq2ps", code: [0x0f, 0x5b, 0xc1], lane: Lane.I32 },
  { name: "cvtps2dq", code: [0x66, 0x0f, 0x5b, 0xc1], lane: Lane.F32 },
  { name: "cvttps2dq", code: [0xf3, 0x0f, 0x5b, 0xc1], lane: Lane.F32 },
  { name: "cvtdq2pd", code: [0xf3, 0x0f, 0xe6, 0xc1], lane: Lane.I32 },
  { name: "cvtpd2dq", code: [0xf2, 0x0f, 0xe6, 0xc1], lane: Lane.F64 },
  { name: "cvttpd2dq", code: [0x66, 0x0f, 0xe6, 0xc1], lane: Lane.F64 },
  { name: "cvtsi2ss eax", code: [0xf3, 0x0f, 0x2a, 0xc0], lane: Lane.Mixed, intSource: true },
  { name: "cvtsi2ss rax", code: [0xf3, 0x48, 0x0f, 0x2a, 0xc0], lane: Lane.Mixed, intSource: true },
  { name: "cvtsi2sd eax", code: [0xf2, 0x0f, 0x2a, 0xc0], lane: Lane.Mixed, intSource: true },
  { name: "cvtsi2sd rax", code: [0xf2, 0x48, 0x0f, 0x2a, 0xc0], lane: Lane.Mixed, intSource: true },
  { name: "cvtss2si eax", code: [0xf3, 0x0f, 0x2d, 0xc1], lane: Lane.F32 },
  { name: "cvtss2si rax", code: [0xf3, 0x48, 0x0f, 0x2d, 0xc1], lane: Lane.F32 },
  { name: "cvttss2si eax", code: [0xf3, 0x0f, 0x2c, 0xc1], lane: Lane.F32 },
  { name: "cvttss2si rax", code: [0xf3, 0x48, 0x0f, 0x2c, 0xc1], lane: Lane.F32 },
  { name: "cvtsd2si eax", code: [0xf2, 0x0f, 0x2d, 0xc1], lane: Lane.F64 },
  { name: "cvtsd2si rax", code: [0xf2, 0x48, 0x0f, 0x2d, 0xc1], lane: Lane.F64 },
  { name: "cvttsd2si eax", code: [0xf2, 0x0f, 0x2c, 0xc1], lane: Lane.F64 },
  { name: "cvttsd2si rax", code: [0xf2, 0x48, 0x0f, 0x2c, 0xc1], lane: Lane.F64 },
  { name: "roundps", code: [0x66, 0x0f, 0x3a, 0x08, 0xc1], lane: Lane.F32, imm: true },
  { name: "roundpd", code: [0x66, 0x0f, 0x3a, 0x09, 0xc1], lane: Lane.F64, imm: true },
  { name: "roundss", code: [0x66, 0x0f, 0x3a, 0x0a, 0xc1], lane: Lane.F32, imm: true },
  { name: "roundsd", code: [0x66, 0x0f, 0x3a, 0x0b, 0xc1], lane: Lane.F64, imm: true },
  { name: "haddps", code: [0xf2, 0x0f, 0x7c, 0xc1], lane: Lane.F32 },
  { name: "haddpd", code: [0x66, 0x0f, 0x7c, 0xc1], lane: Lane.F64 },
  { name: "hsubps", code: [0xf2, 0x0f, 0x7d, 0xc1], lane: Lane.F32 },
  { name: "hsubpd", code: [0x66, 0x0f, 0x7d, 0xc1], lane: Lane.F64 },
  { name: "addsubps", code: [0xf2, 0x0f, 0xd0, 0xc1], lane: Lane.F32 },
  { name: "addsubpd", code: [0x66, 0x0f, 0xd0, 0xc1], lane: Lane.F64 },
  { name: "dpps", code: [0x66, 0x0f, 0x3a, 0x40, 0xc1], lane: Lane.F32, imm: true },
  { name: "dppd", code: [0x66, 0x0f, 0x3a, 0x41, 0xc1], lane: Lane.F64, imm: true },
  { name: "rcpps", code: [0x0f, 0x53, 0xc1], lane: Lane.F32 },
  { name: "rcpss", code: [0xf3, 0x0f, 0x53, 0xc1], lane: Lane.F32 },
  { name: "rsqrtps", code: [0x0f, 0x52, 0xc1], lane: Lane.F32 },
  { name: "rsqrtss", code: [0xf3, 0x0f, 0x52, 0xc1], lane: Lane.F32 },
];

const INT_EDGES = [0, 1, -1, 0x7fffffff, -0x80000000, 0x1000001, 0xffffff, 0x40000001, 0x7fffffc0];

function randomInt64(r: Rand): bigint {
  switch (Math.floor(r() * 5)) {
    case 0: return BigInt(INT_EDGES[Math.floor(r() * INT_EDGES.length)]);
    case 1: return (1n << BigInt(Math.floor(r() * 64))) + BigInt(Math.floor(r() * 5)) - 2n;
    case 2: return -(1n << BigInt(Math.floor(r() * 63))) - BigInt(Math.floor(r() * 3));
    case 3: return BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)));
    default: return BigInt(Math.floor(r() * 2 ** 32) | 0) << BigInt(Math.floor(r() * 33));
  }
}

/** Fills one xmm register (16 bytes at `at`) with lanes of the given kind; xmm1 may relate to xmm0. */
function fill(r: Rand, dv: DataView, at: number, lane: number, base: number): void {
  const kind = r() < 0.85 ? lane : Math.floor(r() * 3);
  for (let k = 0; k < 4; k++) {
    if (kind === Lane.F64) {
      if (k >= 2) break;
      const [h, l] = base >= 0 && r() < 0.5 ? related64(r, [dv.getUint32(base + 8 * k + 4, true), dv.getUint32(base + 8 * k, true)]) : f64Bits(r);
      dv.setUint32(at + 8 * k, l, true);
      dv.setUint32(at + 8 * k + 4, h, true);
    } else if (kind === Lane.F32 || kind === Lane.Mixed) {
      const v = base >= 0 && r() < 0.5 ? related32(r, dv.getUint32(base + 4 * k, true)) : f32Bits(r);
      dv.setUint32(at + 4 * k, v, true);
    } else {
      dv.setInt32(at + 4 * k, Number(BigInt.asIntN(32, randomInt64(r))), true);
    }
  }
}

function makeCases(op: Op, seed: number, n: number): SseCase[] {
  const r = rng(seed);
  const cases: SseCase[] = [];
  for (let k = 0; k < n; k++) {
    const xmm = new Uint8Array(48);
    const dv = new DataView(xmm.buffer);
    fill(r, dv, 0, op.lane, -1);
    fill(r, dv, 16, op.lane, 0);
    fill(r, dv, 32, op.lane, -1);
    const code = op.imm ? [...op.code, Math.floor(r() * 256)] : op.code;
    cases.push({
      code: Uint8Array.from(code),
      mxcsr: mxcsr(r),
      xmm,
      rax: op.intSource ? randomInt64(r) : randomInt64(r),
      rcx: randomInt64(r),
      rdx: randomInt64(r),
    });
  }
  return cases;
}

/**
 * Whether r is an architecturally valid RCP (or RSQRT) of x (SDM RCPPS, RSQRTPS):
 * NaNs quieted; ±0 and denormals (as ±0) to ±inf; rsqrt of any other negative the
 * default NaN; ±inf to ±0; rcp results below the smallest normal flushed to ±0;
 * else |relative error| <= 1.5*2^-12.
 */
function approxOk(x: number, r: number, sqrt: boolean): boolean {
  const sign = (x & 0x80000000) >>> 0, abs = x & 0x7fffffff;
  if (abs > 0x7f800000) return r === (x | 0x400000) >>> 0;
  if (abs < 0x800000) return r === (sign | 0x7f800000) >>> 0;
  if (sqrt && sign) return r === 0xffc00000;
  if (abs === 0x7f800000) return r === sign;
  // The SDM's band: |x| >= 1.00000000000110000000001b*2^126 gives a tiny result, |x| <= 1.111111111101b*2^125 not.
  if (!sqrt && abs >= 0x7e800c01) return r === sign;
  if (!sqrt && abs > 0x7e7fe800 && r === sign) return true;
  const e = (r >>> 23) & 0xff;
  if (((r & 0x80000000) >>> 0) !== sign || e === 0 || e === 0xff) return false;
  const f = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0];
  const err = sqrt ? f(r) * Math.sqrt(f(x)) - 1 : f(r) * f(x) - 1;
  return Math.abs(err) <= 1.5 * 2 ** -12;
}

const hex32 = (v: number): string => (v >>> 0).toString(16).padStart(8, "0");

/** Lane `k` of `size` bytes (4, 8) of a 16-byte xmm image at `at`. */
function lane(b: Uint8Array, at: number, size: number, k: number): bigint {
  const dv = new DataView(b.buffer, b.byteOffset + at + size * k);
  return size === 4 ? BigInt(dv.getUint32(0, true)) : dv.getBigUint64(0, true);
}

/**
 * Off an Intel host (host-vendor.ts): the host's result with the lanes the
 * manuals leave to the implementation taken from ours, and what in ours breaks
 * what the manuals do define ("" if nothing).
 */
function relaxed(op: Op, c: SseCase, host: SseResult, emu: SseResult): [SseResult, string] {
  const want = { ...host, xmm: host.xmm.slice() };
  const take = (size: number, k: number) => want.xmm.set(emu.xmm.subarray(size * k, size * (k + 1)), size * k);
  const approx = /^r(cp|sqrt)(ps|ss)$/.exec(op.name);
  const bad: string[] = [];
  if (approx) {
    // The RCP/RSQRT tables are implementation specific: only the bound and the special cases are architectural.
    for (let k = 0; k < (approx[2] === "ps" ? 4 : 1); k++) {
      const x = Number(lane(c.xmm, 16, 4, k)), r = Number(lane(emu.xmm, 0, 4, k));
      if (!approxOk(x, r, approx[1] === "sqrt")) bad.push(`xmm0 lane ${k}: ${hex32(r)} for ${hex32(x)} is not architectural`);
      take(4, k);
    }
  } else if (op.name === "dpps" || op.name === "dppd") {
    // Which NaN a dot product returns when NaNs meet (inputs, 0*inf, inf-inf) follows the
    // implementation's order of products and sums: where both give a NaN, ours must be a
    // quieted input NaN or the default NaN.
    const size = op.name === "dpps" ? 4 : 8, imm = c.code[c.code.length - 1];
    const [sign, inf, quiet, dflt] = size === 4 ? [0x80000000n, 0x7f800000n, 0x400000n, 0xffc00000n]
      : [0x8000000000000000n, 0x7ff0000000000000n, 0x8000000000000n, 0xfff8000000000000n];
    const isNaN = (v: bigint) => (v & ~sign) > inf;
    const nans = new Set([dflt]);
    for (let k = 0; k < 16 / size; k++) {
      for (const v of [lane(c.xmm, 0, size, k), lane(c.xmm, 16, size, k)]) if (imm & (16 << k) && isNaN(v)) nans.add(v | quiet);
    }
    for (let k = 0; k < 16 / size; k++) {
      const h = lane(host.xmm, 0, size, k), e = lane(emu.xmm, 0, size, k);
      if (isNaN(h) && isNaN(e) && nans.has(e)) take(size, k);
    }
  }
  return [want, bad.join("\n  ")];
}

for (const [index, op] of OPS.entries()) {
  test(`${op.name} matches the host CPU`, () => {
    const cases = makeCases(op, 0x55e0 + index, PER_OP);
    const host = runHost(cases);
    for (const engine of ["interpreter", "translate"] as const) {
      const emu = runEmulated(cases, engine);
      const failures: string[] = [];
      for (let k = 0; k < cases.length && failures.length < 5; k++) {
        const [want, bad] = INTEL_HOST ? [host[k], ""] : relaxed(op, cases[k], host[k], emu[k]);
        const d = [bad, describeDiff(cases[k], want, emu[k], op.flags === true)].filter((x) => x).join("\n  ");
        if (d) failures.push(`#${k} ${d}`);
      }
      assert.equal(failures.join("\n"), "", `${op.name} (${engine})`);
    }
  });
}
