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
import { describeDiff, runEmulated, runHost, type SseCase } from "./testing/sse-oracle.js";
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

for (const [index, op] of OPS.entries()) {
  test(`${op.name} matches the host CPU`, () => {
    const cases = makeCases(op, 0x55e0 + index, PER_OP);
    const host = runHost(cases);
    for (const engine of ["interpreter", "translate"] as const) {
      const emu = runEmulated(cases, engine);
      const failures: string[] = [];
      for (let k = 0; k < cases.length && failures.length < 5; k++) {
        const d = describeDiff(cases[k], host[k], emu[k], op.flags === true);
        if (d) failures.push(`#${k} ${d}`);
      }
      assert.equal(failures.join("\n"), "", `${op.name} (${engine})`);
    }
  });
}
