/**
 * Parses the opcode tables (table-*.ts) into instruction forms and per-opcode
 * candidate lists for the decoder.
 *
 * A table line is `<spec> <MNEMONIC> <operands> <tags...>`:
 *   spec      [P.]OPCODE[/d][:XX|:XX+i]   or   OPCODE+r
 *             P         mandatory prefix set: NP, 66, F3, F2, or several joined by commas
 *             OPCODE    xx (one-byte map), 0Fxx, 0F38xx, 0F3Axx (hex)
 *             /d        ModRM.reg must be d (group extension)
 *             :XX       the whole ModRM byte must be XX (mod = 3)
 *             :XX+i     mod = 3, reg = XX.reg, any rm (x87 ST(i) forms)
 *             +r        eight opcodes, register number in the low three bits
 *   MNEMONIC  one name, or `W|D|Q` names chosen by operand size 16|32|64
 *   operands  comma separated tokens (below), `-` for none
 *   tags      lock (LOCK allowed with a memory destination), d64 (default 64-bit
 *             operand size), f64 (operand size always 64), rep (string instruction),
 *             mem / reg (mod restriction), norexb (only without REX.B), modreg (mod
 *             ignored, rm is a register: mov cr/dr), #feature (CPUID feature that
 *             reports this form; several allowed)
 *
 * Operand tokens follow SDM appendix A: E (ModRM r/m), G (ModRM.reg), M (memory
 * only), R (register only), V/W/U (xmm reg / xmm-or-mem / xmm reg in rm), P/Q/N
 * (mmx), S/C/D (segment, control, debug register in reg), I (immediate), J
 * (relative branch), O (moffs), X/Y (string source/destination), Z (register in
 * the opcode), and fixed operands AL, CL, DX, AX, eAX, rAX, 1, ST, STi, XMM0.
 * Size suffixes: b w d q (fixed), v (16/32/64 by operand size), z (16/32, imm
 * sign-extended to 64), y (32/64 by REX.W), others only document SSE/x87 widths.
 */
import { ONE_BYTE } from "./table-onebyte.js";
import { TWO_BYTE } from "./table-0f.js";
import { MAP_0F38, MAP_0F3A, SSE_0F } from "./table-sse.js";
import { X87 } from "./table-x87.js";

export const enum OpMap { One = 0, F0 = 1, F38 = 2, F3A = 3 }

/** Mandatory-prefix bits for a candidate: which prefix selections it accepts. */
export const enum Pfx { NP = 1, P66 = 2, F3 = 4, F2 = 8, Any = 15 }

export const enum ImmKind { None = 0, Ib, Iw, Iz, Iv, Jb, Jz, Moffs }

/** How the operand size is derived. */
export const enum SizeRule { V = 0, D64, F64, Y, Fixed }

export interface Operand {
  readonly token: string;
  /** The operand is the ModRM r/m field (register or memory). */
  readonly rm: boolean;
  /** The operand is the ModRM.reg field. */
  readonly reg: boolean;
  /** Register is the opcode's low bits (Z). */
  readonly opcodeReg: boolean;
  /** Byte register naming applies (ah..bh without REX). */
  readonly byteReg: boolean;
}

export interface Form {
  readonly id: number;
  /** `MNEMONIC operands` as written in the tables: the handler registry key. */
  readonly key: string;
  readonly mnemonics: readonly string[];
  readonly operands: readonly Operand[];
  readonly lock: boolean;
  readonly rep: boolean;
  readonly sizeRule: SizeRule;
  /** Operand size for SizeRule.Fixed. */
  readonly fixedSize: number;
  /** Immediates in encoding order. */
  readonly imms: readonly ImmKind[];
  readonly modrm: boolean;
  readonly modAsReg: boolean;
  readonly features: readonly string[];
}

export interface Candidate {
  readonly form: Form;
  readonly pfx: number;
  /** True when 0x66 selects this candidate instead of changing operand size. */
  readonly p66Mandatory: boolean;
  readonly regField: number;   // -1 any
  readonly rmField: number;    // -1 any
  /** Memory operand required (M tokens, `mem`). */
  readonly needMem: boolean;
  /** Register form required (U/R/N tokens, `reg`, `:XX`). */
  readonly needReg: boolean;
  readonly noRexB: boolean;
  readonly specificity: number;
}

const FIXED = new Set(["AL", "CL", "DX", "AX", "eAX", "rAX", "1", "ST", "STi", "XMM0", "FS", "GS"]);

function parseOperand(tok: string): Operand {
  if (FIXED.has(tok)) {
    return { token: tok, rm: tok === "STi", reg: false, opcodeReg: false, byteReg: false };
  }
  const fam = tok[0];
  const size = tok.slice(1);
  const rmFam = "EMRUWQN".includes(fam);
  const regFam = "GVPSCD".includes(fam);
  return {
    token: tok,
    rm: rmFam,
    reg: regFam,
    opcodeReg: fam === "Z",
    byteReg: size === "b" && (fam === "E" || fam === "G" || fam === "Z" || fam === "R"),
  };
}

function immKind(tok: string): ImmKind {
  switch (tok) {
    case "Ib": return ImmKind.Ib;
    case "Iw": return ImmKind.Iw;
    case "Iz": return ImmKind.Iz;
    case "Iv": return ImmKind.Iv;
    case "Jb": return ImmKind.Jb;
    case "Jz": return ImmKind.Jz;
    case "Ob": case "Ov": return ImmKind.Moffs;
    default: return ImmKind.None;
  }
}

/** GPR-ish operand families whose size suffix sets the operand size. */
const SIZED = "EGMRZOXYI";

function sizeOf(ops: string[], tags: Set<string>): [SizeRule, number] {
  if (tags.has("f64")) return [SizeRule.F64, 8];
  const d64 = tags.has("d64");
  let fixed = 0;
  for (const t of ops) {
    if (t === "rAX" || t === "eAX") return [d64 ? SizeRule.D64 : SizeRule.V, 0];
    if (t === "AL") { fixed ||= 1; continue; }
    if (t === "AX") { fixed ||= 2; continue; }
    if (!SIZED.includes(t[0]) || t.length < 2) continue;
    const sz = t.slice(1);
    if (sz === "v" || sz === "z") return [d64 ? SizeRule.D64 : SizeRule.V, 0];
    if (sz === "y") return [SizeRule.Y, 0];
    if (t[0] === "I") continue;
    if (fixed === 0) fixed = sz === "b" ? 1 : sz === "w" ? 2 : sz === "d" ? 4 : sz === "q" ? 8 : 0;
  }
  if (fixed !== 0) return [SizeRule.Fixed, fixed];
  return [d64 ? SizeRule.D64 : SizeRule.V, 0];
}

export const forms: Form[] = [];
const formByKey = new Map<string, Form>();

/** candidates[map][opcode] */
export const candidates: Candidate[][][] = [0, 1, 2, 3].map(() => Array.from({ length: 256 }, () => []));

/** Form 0: the invalid encoding (#UD). */
export const INVALID_FORM = makeForm("(bad)", "(bad)", [], new Set());

function makeForm(key: string, mnem: string, ops: string[], tags: Set<string>): Form {
  const operands = ops.map(parseOperand);
  const imms = ops.map(immKind).filter((k) => k !== ImmKind.None);
  const [sizeRule, fixedSize] = sizeOf(ops, tags);
  const form: Form = {
    id: forms.length,
    key,
    mnemonics: mnem.split("|"),
    operands,
    lock: tags.has("lock"),
    rep: tags.has("rep"),
    sizeRule,
    fixedSize,
    imms,
    modrm: operands.some((o) => o.rm || o.reg),
    modAsReg: tags.has("modreg"),
    features: [...tags].filter((t) => t.startsWith("#")).map((t) => t.slice(1)),
  };
  forms.push(form);
  return form;
}

function formFor(mnem: string, ops: string[], tags: Set<string>): Form {
  const key = `${mnem} ${ops.join(",") || "-"}`;
  let f = formByKey.get(key);
  if (!f) {
    f = makeForm(key, mnem, ops, tags);
    formByKey.set(key, f);
  }
  return f;
}

const PFX_NAMES: Record<string, number> = { NP: Pfx.NP, "66": Pfx.P66, F3: Pfx.F3, F2: Pfx.F2 };

function parseLine(line: string): void {
  const parts = line.trim().split(/\s+/);
  const [spec, mnem, opStr, ...tagList] = parts;
  if (!spec || !mnem || !opStr) throw new Error(`bad table line: ${line}`);
  const tags = new Set(tagList);
  const ops = opStr === "-" ? [] : opStr.split(",");
  const m = /^(?:([A-Z0-9,]+)\.)?([0-9A-F]+)(\+r)?(?:\/([0-7]))?(?::([0-9A-F]{2})(\+i)?)?$/.exec(spec);
  if (!m) throw new Error(`bad opcode spec: ${line}`);
  const [, pfxStr, opHex, plusR, regStr, rmHex, plusI] = m;
  let pfx: number = Pfx.Any;
  let p66Mandatory = false;
  if (pfxStr) {
    pfx = 0;
    for (const p of pfxStr.split(",")) pfx |= PFX_NAMES[p];
    p66Mandatory = pfx === Pfx.P66;
  }
  let map: OpMap;
  let opcode: number;
  if (opHex.length === 2) { map = OpMap.One; opcode = parseInt(opHex, 16); }
  else if (opHex.length === 4) { map = OpMap.F0; opcode = parseInt(opHex.slice(2), 16); }
  else if (opHex.startsWith("0F38")) { map = OpMap.F38; opcode = parseInt(opHex.slice(4), 16); }
  else { map = OpMap.F3A; opcode = parseInt(opHex.slice(4), 16); }
  let regField = regStr ? Number(regStr) : -1;
  let rmField = -1;
  let needReg = tags.has("reg") || (!tags.has("modreg") && ops.some((t) => "RUN".includes(t[0]) && !FIXED.has(t)));
  const needMem = tags.has("mem") || ops.some((t) => t[0] === "M");
  if (rmHex) {
    const b = parseInt(rmHex, 16);
    regField = (b >> 3) & 7;
    needReg = true;
    if (!plusI) rmField = b & 7;
  }
  const form = formFor(mnem, ops, tags);
  const noRexB = tags.has("norexb");
  const specificity = (pfx !== Pfx.Any ? 1 : 0) + (regField >= 0 ? 1 : 0) + (rmField >= 0 ? 1 : 0)
    + (needReg || needMem ? 1 : 0) + (noRexB ? 1 : 0);
  const cand: Candidate = { form, pfx, p66Mandatory, regField, rmField, needMem, needReg, noRexB, specificity };
  const count = plusR ? 8 : 1;
  for (let k = 0; k < count; k++) candidates[map][opcode + k].push(cand);
}

for (const table of [ONE_BYTE, TWO_BYTE, SSE_0F, MAP_0F38, MAP_0F3A, X87]) {
  for (const line of table) parseLine(line);
}
for (const perMap of candidates) {
  for (const list of perMap) list.sort((a, b) => b.specificity - a.specificity);
}

export function formByName(key: string): Form | undefined {
  return formByKey.get(key);
}

/** The mnemonic for a decoded operand size (`W|D|Q` forms) and address size (JRCXZ/JECXZ). */
export function mnemonicFor(form: Form, osz: number, asz = 8): string {
  const m = form.mnemonics;
  if (m[0] === "JRCXZ" && asz === 4) return "JECXZ";
  if (m.length === 1) return m[0];
  if (m.length === 2) return osz === 2 ? m[0] : m[1];
  return osz === 2 ? m[0] : osz === 4 ? m[1] : m[2];
}
