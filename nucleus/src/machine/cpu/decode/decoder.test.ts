/**
 * The decoder against iced-x86:
 *  (a) every table line, encoded many times with random prefixes, REX, ModRM,
 *      SIB, displacements and immediates: same length, mnemonic and operands as
 *      iced, and every line reachable;
 *  (b) random byte sequences: when both decode, same length and mnemonic; when
 *      only iced decodes, the instruction belongs to an extension this CPU does
 *      not have; when only we decode, it is a listed intentional difference.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ArraySource, TOO_LONG_FORM, decode, formOf } from "./decoder.js";
import { INVALID_FORM, candidates } from "./forms.js";
import { Insn } from "./insn.js";
import { compareOperands, expectedMnemonic, icedDecode } from "../testing/iced.js";
import { encodeCandidate as encode, pick, rng } from "../testing/encodings.js";

const IP = 0x401000;

/**
 * Intentional differences: iced mnemonic -> ours, with the reason.
 *  - TZCNT/LZCNT: CPUID reports neither BMI1 nor LZCNT, and such CPUs execute F3 0F BC/BD as BSF/BSR.
 *  - CET, MPX, CLDEMOTE and other hint-space (0F 18-1F) instructions: this CPU has none of them,
 *    so their encodings are the reserved NOPs they are on such hardware.
 */
const ALIASES: Record<string, string> = {
  TZCNT: "BSF", LZCNT: "BSR",
  RDSSPD: "RESERVEDNOP", RDSSPQ: "RESERVEDNOP", CLDEMOTE: "RESERVEDNOP",
  BNDLDX: "RESERVEDNOP", BNDSTX: "RESERVEDNOP", BNDMOV: "RESERVEDNOP", BNDCL: "RESERVEDNOP",
  BNDCU: "RESERVEDNOP", BNDCN: "RESERVEDNOP", BNDMK: "RESERVEDNOP",
  NOP: "RESERVEDNOP", PREFETCHIT0: "RESERVEDNOP", PREFETCHIT1: "RESERVEDNOP",
};

/** CPUID features (iced names) whose instructions we decode. */
const OURS = new Set(["INTEL8086", "INTEL186", "INTEL286", "INTEL386", "INTEL486", "X64", "CMOV", "CX8",
  "CMPXCHG16B", "FPU", "FPU287", "FPU387", "SSE", "SSE2", "SSE3", "SSSE3", "SSE4_1", "SSE4_2", "POPCNT",
  "FXSR", "CLFSH", "RDTSCP", "TSC", "SYSCALL", "MULTIBYTENOP", "PAUSE", "MMX", "CPUID", "MSR", "MOVBE",
  "PCLMULQDQ", "PREFETCHW", "PREFETCHWT1", "XSAVE", "XSAVEOPT", "MONITOR", "SMAP", "RTM", "RDRAND", "RDSEED",
  "FSGSBASE", "CLWB", "CLFLUSHOPT", "RDPMC", "SEP", "CET_IBT"]);

function ours(bytes: Uint8Array): Insn {
  const i = new Insn();
  decode(new ArraySource(bytes, IP), IP, i);
  return i;
}

test("every table line decodes like iced-x86 and is reachable", () => {
  const r = rng(1234);
  const failures: string[] = [];
  let checked = 0;
  for (let map = 0; map < 4; map++) {
    for (let op = 0; op < 256; op++) {
      for (const c of candidates[map][op]) {
        let reached = false;
        for (let n = 0; n < 60; n++) {
          const bytes = encode(r, map, op, c);
          const i = ours(bytes);
          const form = formOf(i);
          if (form === c.form) reached = true;
          if (form === INVALID_FORM) continue; // e.g. LOCK on a register form: checked in (b)
          const ic = icedDecode(bytes, IP);
          checked++;
          const hex = Buffer.from(bytes.subarray(0, i.len)).toString("hex");
          const want = expectedMnemonic(form, i);
          if (!ic.valid) {
            if (!OURS_ONLY.has(form.key)) failures.push(`${hex}: ours ${form.key}, iced invalid`);
            continue;
          }
          if ((ALIASES[ic.mnemonic] ?? ic.mnemonic) !== want && ic.mnemonic !== want) {
            failures.push(`${hex}: ours ${want} (${form.key}), iced ${ic.mnemonic} (${ic.code})`); break;
          }
          if (ic.length !== i.len) { failures.push(`${hex}: length ours ${i.len} iced ${ic.length} (${form.key})`); break; }
          if (ALIASES[ic.mnemonic] !== undefined && ic.mnemonic !== want) continue;
          const diff = compareOperands(ic, i);
          if (diff) { failures.push(`${hex}: ${form.key}: ${diff}`); break; }
        }
        if (!reached) failures.push(`unreachable: map ${map} opcode ${op.toString(16)} ${c.form.key}`);
      }
    }
  }
  assert.ok(checked > 50000, `only ${checked} encodings checked`);
  assert.deepEqual(failures, []);
});

/** Our valid decodes of encodings iced rejects, by our mnemonic, with why. */
const OURS_ONLY = new Map<string, string>([
  // REX.R selects CR8-CR15/DR8-DR15; iced rejects all but CR8. We decode them and the handler raises
  // the #UD hardware gives for a missing register (the others are #GP(0) at CPL 3 anyway).
  ["MOV Rq,Cq", "control register numbers checked by the handler"],
  ["MOV Cq,Rq", "control register numbers checked by the handler"],
  ["MOV Rq,Dq", "debug register numbers checked by the handler"],
  ["MOV Dq,Rq", "debug register numbers checked by the handler"],
]);

test("random byte sequences decode like iced-x86", () => {
  // DECODER_FUZZ=<count>[,<seed>] runs a longer campaign.
  const [count, seed] = (process.env.DECODER_FUZZ ?? "60000,99").split(",").map(Number);
  const r = rng(seed ?? 99);
  const failures = new Map<string, string>();
  const icedOnly = new Map<string, number>();
  let both = 0;
  const PREFIX = [0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x64, 0x65, 0x2e, 0x3e, 0x26, 0x36];
  for (let n = 0; n < count; n++) {
    const bytes: number[] = [];
    while (r() < 0.3) bytes.push(pick(r, PREFIX));
    if (r() < 0.4) bytes.push(0x40 | Math.floor(r() * 16));
    const m = r();
    if (m < 0.3) bytes.push(0x0f);
    else if (m < 0.4) bytes.push(0x0f, 0x38);
    else if (m < 0.45) bytes.push(0x0f, 0x3a);
    while (bytes.length < 20) bytes.push(Math.floor(r() * 256));
    const buf = Uint8Array.from(bytes);
    const i = ours(buf);
    const form = formOf(i);
    const ic = icedDecode(buf, IP);
    const hex = Buffer.from(buf.subarray(0, Math.max(i.len, ic.length))).toString("hex");
    const oursValid = form !== INVALID_FORM && form !== TOO_LONG_FORM;
    if (oursValid && ic.valid) {
      both++;
      const want = expectedMnemonic(form, i);
      if ((ALIASES[ic.mnemonic] ?? ic.mnemonic) !== want && ic.mnemonic !== want) failures.set(`${want}/${ic.mnemonic}`, hex);
      else if (ic.length !== i.len) failures.set(`len ${form.key}`, hex);
      else if (ALIASES[ic.mnemonic] === undefined || ic.mnemonic === want) {
        const diff = compareOperands(ic, i);
        if (diff) failures.set(`ops ${form.key}`, `${hex} ${diff}`);
      }
    } else if (ic.valid) {
      // Only iced: must be an extension this CPU lacks (VEX/EVEX/XOP or an unsupported feature).
      const foreign = !ic.encodingLegacy || ic.features.some((f) => !OURS.has(f));
      if (!foreign) failures.set(`missing ${ic.mnemonic} ${ic.code}`, hex);
      icedOnly.set(ic.features.join("+"), (icedOnly.get(ic.features.join("+")) ?? 0) + 1);
    } else if (oursValid) {
      if (!OURS_ONLY.has(form.key)) failures.set(`ours only ${form.key}`, hex);
    }
  }
  assert.ok(both > 15000, `only ${both} sequences decoded by both`);
  assert.deepEqual(Object.fromEntries(failures), {});
});

test("instructions longer than 15 bytes and bad LOCK", () => {
  const long = new Uint8Array(20).fill(0x66);
  long[15] = 0x90; // 16 bytes: 15 prefixes + nop
  assert.equal(formOf(ours(long)), TOO_LONG_FORM);
  const ok = new Uint8Array(20).fill(0x66);
  ok[14] = 0x90; // 15 bytes: the longest legal instruction
  assert.equal(formOf(ours(ok)).key, "NOP -");
  assert.equal(formOf(ours(Uint8Array.from([0xf0, 0x01, 0xc0, 0, 0, 0]))), INVALID_FORM);
  assert.equal(formOf(ours(Uint8Array.from([0xf0, 0x01, 0x00, 0, 0, 0]))).key, "ADD Ev,Gv");
  assert.equal(formOf(ours(Uint8Array.from([0xf0, 0x8b, 0x00, 0, 0, 0]))), INVALID_FORM);
  // REX followed by a legacy prefix is ignored: 48 66 01 c0 is add ax, ax.
  const i = ours(Uint8Array.from([0x48, 0x66, 0x01, 0xc0, 0, 0]));
  assert.equal(i.osz, 2);
});
