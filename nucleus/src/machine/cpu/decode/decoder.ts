/**
 * The x86-64 instruction decoder: prefixes, REX, opcode maps, candidate
 * selection (mandatory prefix, ModRM.reg group, mod, whole ModRM, REX.B), ModRM/
 * SIB/displacement and immediates, driven entirely by the parsed tables.
 *
 * Decoding never throws for bad encodings: an invalid instruction becomes an
 * Insn of the invalid form (#UD when executed), one longer than 15 bytes an
 * Insn that raises #GP(0). Only a fetch fault (#PF from the byte source)
 * propagates, as it must: it is the fault of fetching this instruction.
 */
import { INVALID_FORM, OpMap, Pfx, SizeRule, ImmKind, candidates, forms, type Candidate, type Form } from "./forms.js";
import { Insn, RepPrefix, Seg } from "./insn.js";

/** Where instruction bytes come from (guest memory through the MMU, or a test buffer). */
export interface ByteSource {
  byte(va: number): number;
}

/** Form of instructions longer than 15 bytes (#GP(0)). */
export const TOO_LONG_FORM: Form = { ...INVALID_FORM, id: -1, key: "(too long)", mnemonics: ["(too long)"] };

const MAX_LEN = 15;
const TWO32 = 4294967296;

class TooLong {}
const tooLong = new TooLong();

/** Does any candidate of this opcode read a ModRM byte? */
const needsModrm: boolean[][] = candidates.map((perMap) =>
  perMap.map((list) => list.some((c) => c.form.modrm || c.regField >= 0 || c.rmField >= 0 || c.needMem || c.needReg)));

/** Decoding is single-threaded and not reentrant: the cursor lives in module state. */
let src: ByteSource;
let start = 0;
let pos = 0;

function next(): number {
  if (pos - start >= MAX_LEN) throw tooLong;
  return src.byte(pos++);
}

function select(list: Candidate[], sel: number, modrm: number, rex: number): Candidate | null {
  const mod = modrm >> 6;
  const regf = (modrm >> 3) & 7;
  const rmf = modrm & 7;
  for (let k = 0; k < list.length; k++) {
    const c = list[k];
    if ((c.pfx & sel) === 0) continue;
    if (c.regField >= 0 && c.regField !== regf) continue;
    if (c.rmField >= 0 && c.rmField !== rmf) continue;
    if (c.needReg && mod !== 3) continue;
    if (c.needMem && mod === 3) continue;
    if (c.noRexB && (rex & 1) !== 0) continue;
    return c;
  }
  return null;
}

function operandSize(form: Form, rexW: boolean, opsizePrefix: boolean): number {
  switch (form.sizeRule) {
    case SizeRule.V: return rexW ? 8 : opsizePrefix ? 2 : 4;
    case SizeRule.D64: return rexW ? 8 : opsizePrefix ? 2 : 8;
    case SizeRule.F64: return 8;
    case SizeRule.Y: return rexW ? 8 : 4;
    default: return form.fixedSize;
  }
}

function byteName(r: number, rex: number): number {
  return rex === 0 && r >= 4 && r < 8 ? r + 12 : r;
}

/** Reads a little-endian signed value of n bytes (n <= 4). */
function readSigned(n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) v |= next() << (8 * k);
  return n === 4 ? v | 0 : (v << (32 - 8 * n)) >> (32 - 8 * n);
}

function decodeModrmMemory(i: Insn, modrm: number, rex: number): void {
  const mod = modrm >> 6;
  const rmf = modrm & 7;
  let ripRelative = false;
  if (rmf === 4) {
    const sib = next();
    const idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
    i.scale = 1 << (sib >> 6);
    i.index = idx === 4 ? -1 : idx;
    if ((sib & 7) === 5 && mod === 0) {
      i.base = -1;
      i.disp = readSigned(4);
      return;
    }
    i.base = (sib & 7) | ((rex & 1) << 3);
  } else if (rmf === 5 && mod === 0) {
    ripRelative = true;
    i.base = -1;
  } else {
    i.base = rmf | ((rex & 1) << 3);
  }
  if (mod === 1) i.disp = readSigned(1);
  else if (mod === 2 || ripRelative) i.disp = readSigned(4);
  // RIP-relative: the absolute address is fixed once the length is known.
  if (ripRelative) i.index = -2;
}

function readImmediate(i: Insn, kind: number, second: boolean): void {
  let v = 0;
  let hi = 0;
  switch (kind) {
    case ImmKind.Ib: v = readSigned(1); break;
    case ImmKind.Iw: v = readSigned(2) & 0xffff; hi = 0; break;
    case ImmKind.Iz: v = readSigned(i.osz === 2 ? 2 : 4); break;
    case ImmKind.Iv:
      if (i.osz === 8) { v = readSigned(4); hi = readSigned(4); i.imm = v; i.immHi = hi; return; }
      v = readSigned(i.osz === 2 ? 2 : 4);
      break;
    case ImmKind.Jb: v = readSigned(1); break;
    case ImmKind.Jz: v = readSigned(i.osz === 2 ? 2 : 4); break;
    case ImmKind.Moffs: {
      const lo = readSigned(4);
      const h = i.asz === 8 ? readSigned(4) : 0;
      i.base = -1;
      i.index = -1;
      i.disp = h * TWO32 + (lo >>> 0);
      return;
    }
  }
  if (second) { i.imm2 = v; return; }
  i.imm = v;
  i.immHi = kind === ImmKind.Iw ? 0 : v >> 31;
}

/**
 * Decodes the instruction at `va` into `i`. The handler is left for the caller
 * (registry.ts) to choose; `i.form` identifies the form, or is INVALID_FORM /
 * TOO_LONG_FORM.
 */
export function decode(source: ByteSource, va: number, i: Insn): Form {
  i.reset();
  i.va = va;
  src = source;
  start = va;
  pos = va;
  try {
    return decodeInner(i);
  } catch (e) {
    if (e !== tooLong) throw e;
    i.len = MAX_LEN + 1;
    i.form = TOO_LONG_FORM.id;
    return TOO_LONG_FORM;
  }
}

function invalid(i: Insn): Form {
  i.len = pos - start;
  i.form = INVALID_FORM.id;
  return INVALID_FORM;
}

function decodeInner(i: Insn): Form {
  let p66 = false;
  let lastRep = 0;
  let lock = false;
  let rex = 0;
  let b: number;
  for (;;) {
    b = next();
    if (b >= 0x40 && b <= 0x4f) { rex = b; continue; }
    let prefix = true;
    switch (b) {
      case 0x66: p66 = true; break;
      case 0x67: i.asz = 4; break;
      case 0xf2: case 0xf3: lastRep = b; break;
      case 0xf0: lock = true; break;
      // In 64-bit mode only FS and GS overrides mean something; the last one wins.
      case 0x64: i.seg = Seg.FS; break;
      case 0x65: i.seg = Seg.GS; break;
      case 0x26: case 0x2e: case 0x36: case 0x3e: break;
      default: prefix = false;
    }
    if (!prefix) break;
    // A legacy prefix after REX cancels the REX.
    rex = 0;
  }
  let map = OpMap.One;
  if (b === 0x0f) {
    b = next();
    if (b === 0x38) { map = OpMap.F38; b = next(); }
    else if (b === 0x3a) { map = OpMap.F3A; b = next(); }
    else map = OpMap.F0;
  }
  i.opcode = b;
  const list = candidates[map][b];
  if (list.length === 0) return invalid(i);
  const modrm = needsModrm[map][b] ? next() : -1;
  const sel = lastRep === 0xf3 ? Pfx.F3 : lastRep === 0xf2 ? Pfx.F2 : p66 ? Pfx.P66 : Pfx.NP;
  const c = select(list, sel, modrm < 0 ? 0xc0 : modrm, rex);
  if (c === null) return invalid(i);
  const form = c.form;
  const rexW = (rex & 8) !== 0;
  i.rexW = rexW;
  i.p66 = p66;
  i.osz = operandSize(form, rexW, p66 && !c.p66Mandatory);
  i.rep = c.pfx !== Pfx.Any && (c.pfx & (Pfx.F2 | Pfx.F3)) !== 0 ? RepPrefix.None
    : lastRep === 0xf3 ? RepPrefix.F3 : lastRep === 0xf2 ? RepPrefix.F2 : RepPrefix.None;
  i.lock = lock;
  let memory = false;
  if (modrm >= 0) {
    i.modrm = modrm;
    const ops = form.operands;
    let regByte = false;
    let rmByte = false;
    for (let k = 0; k < ops.length; k++) {
      if (ops[k].byteReg && ops[k].reg) regByte = true;
      if (ops[k].byteReg && ops[k].rm) rmByte = true;
    }
    const reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    i.reg = regByte ? byteName(reg, rex) : reg;
    if ((modrm >> 6) === 3 || form.modAsReg) {
      const rm = (modrm & 7) | ((rex & 1) << 3);
      i.rm = rmByte ? byteName(rm, rex) : rm;
    } else {
      memory = true;
      decodeModrmMemory(i, modrm, rex);
    }
  }
  const ops = form.operands;
  for (let k = 0; k < ops.length; k++) {
    if (ops[k].opcodeReg) {
      const r = (b & 7) | ((rex & 1) << 3);
      i.reg = ops[k].byteReg ? byteName(r, rex) : r;
    }
  }
  const imms = form.imms;
  for (let k = 0; k < imms.length; k++) readImmediate(i, imms[k], k > 0);
  if (imms.length > 0 && imms[0] === ImmKind.Moffs) memory = true;
  i.len = pos - start;
  if (i.index === -2) {
    const abs = i.va + i.len + i.disp;
    i.index = -1;
    i.disp = i.asz === 4 ? abs >>> 0 : abs;
  }
  if (imms.length > 0 && (imms[0] === ImmKind.Jb || imms[0] === ImmKind.Jz)) i.target = i.va + i.len + i.imm;
  if (lock && !(form.lock && memory)) return invalid(i);
  i.form = form.id;
  return form;
}

export function formOf(i: Insn): Form {
  return i.form === TOO_LONG_FORM.id ? TOO_LONG_FORM : forms[i.form];
}

/** Thrown by ArraySource when an instruction runs past the end of its bytes. */
export class Truncated {}
export const truncated = new Truncated();

/** A ByteSource over a byte array whose first byte is at guest address `base`. */
export class ArraySource implements ByteSource {
  constructor(private readonly bytes: Uint8Array, private readonly base: number) {}
  byte(va: number): number {
    const k = va - this.base;
    if (k < 0 || k >= this.bytes.length) throw truncated;
    return this.bytes[k];
  }
}
