/**
 * Integer instructions against the host CPU: every implemented integer form,
 * encoded at random (operands, prefixes, REX), run on random register values
 * natively and on our interpreter; registers, memory, traps and the flags iced
 * says are defined must agree. Memory operands are steered into the test data
 * area so most instructions really touch memory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ArraySource, decode, formOf } from "../decode/decoder.js";
import { INVALID_FORM } from "../decode/forms.js";
import { Insn } from "../decode/insn.js";
import { isImplemented } from "./registry.js";
import "./index.js";
import { allCandidates, encodeCandidate, rng } from "../testing/encodings.js";
import { CODE_BASE, DATA_BASE, DATA_SIZE, diffOutcomes, nativeRunner, runEmulated, runNative, type Case } from "../testing/native.js";
import { Decoder, DecoderOptions } from "../testing/iced.js";
import { INTEL_HOST } from "../testing/host-vendor.js";

const ARITH_DF = 0xcd5 | 0x400;

/** Forms that cannot run natively inside the runner, or that read host state we do not model. */
const SKIP = new Set([
  "CPUID -", "RDTSC -", "RDTSCP -", "SYSCALL -", "MOV Sw,Ew", "POPF|POPFQ -", "INT Ib", "INT1 -",
  "ENTER Iw,Ib", "LEAVE -", "FXSAVE|FXSAVE|FXSAVE64 M", "FXRSTOR|FXRSTOR|FXRSTOR64 M",
]);

/** SSE forms read xmm and MXCSR state this runner does not set up; exec/sse/*.native.test.ts and the diff harness check them. */
const SSE_FEATURES = /^sse/;

function skipForm(key: string, features: readonly string[]): boolean {
  if (SKIP.has(key) || features.includes("sys") || features.includes("far")) return true;
  if (features.some((f) => SSE_FEATURES.test(f))) return true;
  const m = key.split(" ")[0];
  // x87 and MMX forms (mm registers are the x87 registers): the runner does not set up the FPU
  // state; the cpu-diff harness (tests/) compares them with the host.
  if (features.includes("fpu") || features.includes("mmx") || m === "FISTTP") return true;
  return /^(J|CALL|RET|LOOP|JMP)/.test(m);
}

function undefinedFlags(bytes: Uint8Array): number {
  const d = new Decoder(64, bytes, DecoderOptions.None);
  d.ip = BigInt(CODE_BASE);
  const ins = d.decode();
  const u = ins.rflagsUndefined;
  ins.free();
  d.free();
  // iced RflagsBits: OF 1, SF 2, ZF 4, AF 8, CF 16, PF 32, DF 64.
  let m = 0;
  if (u & 1) m |= 0x800;
  if (u & 2) m |= 0x80;
  if (u & 4) m |= 0x40;
  if (u & 8) m |= 0x10;
  if (u & 16) m |= 0x1;
  if (u & 32) m |= 0x4;
  return m;
}

/**
 * OF after a shift or rotate by a masked count above 1: undefined (SDM, APM). iced
 * takes an RCL/RCR Ib by a multiple of 9 (bytes) or 17 (words) for no rotation,
 * and Intel then leaves OF alone; AMD need not.
 */
function countedOf(key: string, i: Insn, regs: bigint[]): number {
  const m = /^(ROL|ROR|RCL|RCR|SHL|SAL|SHR|SAR|SHLD|SHRD) .*,(Ib|CL)$/.exec(key);
  if (!m) return 0;
  const count = (m[2] === "CL" ? Number(regs[1] & 0xffn) : i.imm) & (i.osz === 8 ? 0x3f : 0x1f);
  return count > 1 ? 0x800 : 0;
}

/**
 * Encodings the vendors decode differently: AMD runs F3 REX.B 90 as xchg r8d, eax
 * (Intel, and our model, as PAUSE) and raises #UD for 0F 0D with a register
 * operand (PREFETCH/PREFETCHW in the APM; a reserved NOP in the SDM).
 */
function vendorEncoding(key: string, i: Insn, code: Uint8Array): boolean {
  if (key === "PAUSE -") return (code[i.len - 2] & 0xf1) === 0x41;
  return key === "RESERVEDNOP Ev,Gv" && i.opcode === 0x0d && i.rm >= 0;
}

function randomValue(r: () => number): bigint {
  switch (Math.floor(r() * 8)) {
    case 0: return 0n;
    case 1: return BigInt(Math.floor(r() * 256));
    case 2: return (1n << 64n) - 1n - BigInt(Math.floor(r() * 4));
    case 3: return 0x80000000n + BigInt(Math.floor(r() * 3)) - 1n;
    case 4: return 0x8000000000000000n - BigInt(Math.floor(r() * 3));
    case 5: return BigInt(Math.floor(r() * 0x100000000));
    default: return (BigInt(Math.floor(r() * 0x100000000)) << 32n) | BigInt(Math.floor(r() * 0x100000000));
  }
}

/** Points the memory operand into the data area by choosing base/index values. */
function steer(r: () => number, i: Insn, regs: bigint[]): void {
  const target = BigInt(DATA_BASE + 0x800 + Math.floor(r() * 0x3000));
  const disp = BigInt(i.disp);
  const m = i.asz === 8 ? 64 : 32;
  const set = (reg: number, v: bigint) => {
    const hiNoise = i.asz === 4 ? (randomValue(r) >> 32n) << 32n : 0n;
    regs[reg] = BigInt.asUintN(64, BigInt.asUintN(m, v) | hiNoise);
  };
  if (i.base >= 0 && i.index >= 0 && i.base !== i.index) {
    const x = BigInt(Math.floor(r() * 256));
    set(i.index, x);
    set(i.base, target - disp - x * BigInt(i.scale));
  } else if (i.base >= 0 && i.index >= 0) {
    set(i.base, (target - disp) / BigInt(i.scale + 1));
  } else if (i.base >= 0) {
    set(i.base, target - disp);
  } else if (i.index >= 0) {
    set(i.index, (target - disp) / BigInt(i.scale));
  }
}

function makeCase(r: () => number, bytes: Uint8Array, i: Insn, key: string): Case {
  const regs: bigint[] = [];
  for (let k = 0; k < 16; k++) regs.push(randomValue(r));
  regs[4] = BigInt(DATA_BASE + 0x3f00);
  if (/^(MOVS|STOS|LODS|SCAS|CMPS|INS|OUTS)/.test(key)) {
    regs[1] = BigInt(Math.floor(r() * 40));
    regs[6] = BigInt(DATA_BASE + 0x800 + Math.floor(r() * 0x1000));
    regs[7] = BigInt(DATA_BASE + 0x2000 + Math.floor(r() * 0x1000));
  }
  if (i.rm < 0) steer(r, i, regs);
  const data = new Uint8Array(DATA_SIZE);
  for (let k = 0; k < data.length; k++) data[k] = Math.floor(r() * 256);
  // Arithmetic flags and DF at random; IF and the reserved bit 1 as a user thread has them.
  const rflags = 0x202 | (Math.floor(r() * 0x10000) & ARITH_DF);
  return { code: bytes.subarray(0, i.len), regs, rflags, data };
}

test("integer forms match the host CPU", { skip: nativeRunner() === null ? "no gcc" : false }, () => {
  const r = rng(Number(process.env.NATIVE_SEED ?? 2024));
  const cases: { c: Case; key: string; mask: number }[] = [];
  const perForm = Number(process.env.NATIVE_PER_FORM ?? 24);
  for (const { map, opcode, c } of allCandidates()) {
    if (!isImplemented(c.form) || skipForm(c.form.key, c.form.features)) continue;
    for (let n = 0; n < perForm; n++) {
      const bytes = encodeCandidate(r, map, opcode, c, { segments: [0x2e, 0x3e] });
      const i = new Insn();
      decode(new ArraySource(bytes, CODE_BASE), CODE_BASE, i);
      const form = formOf(i);
      if (form === INVALID_FORM || skipForm(form.key, form.features)) continue;
      const key = form.key;
      // SHLD/SHRD with a 16-bit operand and a count above 16 are undefined.
      if (/^SH[LR]D/.test(key) && i.osz === 2) continue;
      // An absolute or RIP-relative operand inside the code area could overwrite the runner's exit jump.
      if (i.rm < 0 && i.base < 0 && i.index < 0 && i.disp >= CODE_BASE && i.disp < CODE_BASE + 0x10000) continue;
      if (!INTEL_HOST && vendorEncoding(key, i, bytes)) continue;
      const kase = makeCase(r, bytes, i, key);
      const vendorFlags = INTEL_HOST ? 0 : countedOf(key, i, kase.regs);
      cases.push({ c: kase, key, mask: ARITH_DF & ~undefinedFlags(kase.code) & ~vendorFlags });
    }
  }
  const host = runNative(cases.map((x) => x.c));
  const failures = new Map<string, string>();
  cases.forEach((x, k) => {
    const ours = runEmulated(x.c);
    const mask = host[k].faulted ? ARITH_DF : x.mask;
    const d = diffOutcomes(host[k], ours, mask);
    if (d && !failures.has(x.key)) {
      const regs = process.env.NATIVE_VERBOSE ? ` regs ${x.c.regs.map((v) => v.toString(16)).join(",")} flags ${x.c.rflags.toString(16)}` : "";
      failures.set(x.key, `${Buffer.from(x.c.code).toString("hex")}: ${d}${regs}`);
    }
  });
  assert.ok(cases.length > 3000, `${cases.length} cases`);
  assert.deepEqual(Object.fromEntries(failures), {});
});


