/**
 * Binary integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST in all
 * their operand forms, and the unary INC DEC NOT NEG.
 *
 * Precise faults: a memory destination is written before the flags are
 * recorded, so a faulting write leaves flags (and everything else) untouched.
 */
import { FlagOp, Sz, cf } from "../flags.js";
import type { Handler, Insn } from "../decode/insn.js";
import type { CpuState } from "../state.js";
import { ea, getReg, hi64, mask, readE, readE64, readMem, rmwEa, setReg, szIndex, writeMem } from "./operands.js";
import { registerSelector } from "./registry.js";
import { dec32, dec64, fastAlu, inc32, inc64 } from "./fast.js";

export const enum AluOp { Add = 0, Or, Adc, Sbb, And, Sub, Xor, Cmp, Test }

const NAMES = ["ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP", "TEST"];

/** The raw (unmasked) result of op on 32-bit-or-narrower operands; c = carry-in for ADC/SBB. */
export function calc(op: number, a: number, b: number, c: number): number {
  switch (op) {
    case AluOp.Add: return a + b;
    case AluOp.Or: return a | b;
    case AluOp.Adc: return a + b + c;
    case AluOp.Sbb: return a - b - c;
    case AluOp.And: case AluOp.Test: return a & b;
    case AluOp.Sub: case AluOp.Cmp: return a - b;
    default: return a ^ b;
  }
}

/** The lazy-flags kind of op (flags.ts FlagOp) for carry-in c. */
export function kindOf(op: number, c: number): number {
  switch (op) {
    case AluOp.Add: return FlagOp.Add;
    case AluOp.Adc: return c ? FlagOp.Adc : FlagOp.Add;
    case AluOp.Sbb: return c ? FlagOp.Sbb : FlagOp.Sub;
    case AluOp.Sub: case AluOp.Cmp: return FlagOp.Sub;
    default: return FlagOp.Logic;
  }
}

function carryIn(s: CpuState, op: number): number {
  return op === AluOp.Adc || op === AluOp.Sbb ? cf(s) : 0;
}

/** High half of the last calc64 result. */
export let resHi = 0;

/** 64-bit op on (lo, hi) halves; returns the low half, leaves the high half in resHi. */
export function calc64(op: number, al: number, ah: number, bl: number, bh: number, c: number): number {
  switch (op) {
    case AluOp.Add: case AluOp.Adc: {
      const t = (al >>> 0) + (bl >>> 0) + c;
      resHi = (ah + bh + (t > 0xffffffff ? 1 : 0)) | 0;
      return t | 0;
    }
    case AluOp.Sub: case AluOp.Cmp: case AluOp.Sbb: {
      const t = (al >>> 0) - (bl >>> 0) - c;
      resHi = (ah - bh - (t < 0 ? 1 : 0)) | 0;
      return t | 0;
    }
    case AluOp.Or: resHi = ah | bh; return al | bl;
    case AluOp.And: case AluOp.Test: resHi = ah & bh; return al & bl;
    default: resHi = ah ^ bh; return al ^ bl;
  }
}

const writes = (op: number) => op !== AluOp.Cmp && op !== AluOp.Test;

/** dst = E, src = G register or immediate; sizes 1..4. */
function eSrc(op: number, immSrc: boolean): Handler {
  const w = writes(op);
  return (s, i) => {
    const size = i.osz;
    const b = immSrc ? mask(i.imm, size) : getReg(s, i.reg, size);
    const c = carryIn(s, op);
    let a: number, r: number;
    if (i.rm >= 0) {
      a = getReg(s, i.rm, size);
      r = mask(calc(op, a, b, c), size);
      if (w) setReg(s, i.rm, size, r);
    } else {
      const va = w ? rmwEa(s, i, size) : ea(s, i);
      a = readMem(s, va, size);
      r = mask(calc(op, a, b, c), size);
      if (w) writeMem(s, va, size, r);
    }
    s.fOp = kindOf(op, c) | szIndex(size);
    s.fA = a;
    s.fR = r;
  };
}

/** dst = E, src = G register or immediate; 64-bit. */
function eSrc64(op: number, immSrc: boolean): Handler {
  const w = writes(op);
  return (s, i) => {
    const bl = immSrc ? i.imm : s.lo[i.reg];
    const bh = immSrc ? i.immHi : s.hi[i.reg];
    const c = carryIn(s, op);
    let al: number, ah: number, rl: number;
    if (i.rm >= 0) {
      al = s.lo[i.rm];
      ah = s.hi[i.rm];
      rl = calc64(op, al, ah, bl, bh, c);
      if (w) { s.lo[i.rm] = rl; s.hi[i.rm] = resHi; }
    } else {
      const va = w ? rmwEa(s, i, 8) : ea(s, i);
      const m = s.mmu;
      al = m.read64(va);
      ah = m.hi64;
      rl = calc64(op, al, ah, bl, bh, c);
      if (w) m.write64(va, rl, resHi);
    }
    s.fOp = kindOf(op, c) | Sz.Q;
    s.fA = al; s.fAh = ah; s.fR = rl; s.fRh = resHi;
  };
}

/** dst = G register (or the accumulator), src = E or immediate. */
function gSrc(op: number, immSrc: boolean): Handler {
  const w = writes(op);
  return (s, i) => {
    const size = i.osz;
    const b = immSrc ? mask(i.imm, size) : readE(s, i, size);
    const c = carryIn(s, op);
    const a = getReg(s, i.reg, size);
    const r = mask(calc(op, a, b, c), size);
    if (w) setReg(s, i.reg, size, r);
    s.fOp = kindOf(op, c) | szIndex(size);
    s.fA = a;
    s.fR = r;
  };
}

function gSrc64(op: number, immSrc: boolean): Handler {
  const w = writes(op);
  return (s, i) => {
    let bl: number, bh: number;
    if (immSrc) { bl = i.imm; bh = i.immHi; } else { bl = readE64(s, i); bh = hi64; }
    const c = carryIn(s, op);
    const al = s.lo[i.reg], ah = s.hi[i.reg];
    const rl = calc64(op, al, ah, bl, bh, c);
    if (w) { s.lo[i.reg] = rl; s.hi[i.reg] = resHi; }
    s.fOp = kindOf(op, c) | Sz.Q;
    s.fA = al; s.fAh = ah; s.fR = rl; s.fRh = resHi;
  };
}

function bySize(narrow: Handler, wide: Handler) {
  return (i: Insn) => (i.osz === 8 ? wide : narrow);
}

/** Picks the specialised variant (fast.ts) when there is one, else the generic handler. */
function select(name: string, narrow: Handler, wide: Handler, dstIsRm: boolean, immSrc: boolean) {
  return (i: Insn) => fastAlu(name, i, dstIsRm, immSrc) ?? (i.osz === 8 ? wide : narrow);
}

NAMES.forEach((name, op) => {
  const e = eSrc(op, false), e64 = eSrc64(op, false);
  const ei = eSrc(op, true), ei64 = eSrc64(op, true);
  const g = gSrc(op, false), g64 = gSrc64(op, false);
  const gi = gSrc(op, true), gi64 = gSrc64(op, true);
  registerSelector(`${name} Eb,Gb`, bySize(e, e64));
  registerSelector(`${name} Ev,Gv`, select(name, e, e64, true, false));
  registerSelector(`${name} Eb,Ib`, bySize(ei, ei64));
  registerSelector(`${name} AL,Ib`, bySize(gi, gi64));
  if (op === AluOp.Test) {
    registerSelector(`${name} Ev,Iz`, select(name, ei, ei64, true, true));
    registerSelector(`${name} rAX,Iz`, select(name, gi, gi64, false, true));
    return;
  }
  registerSelector(`${name} Gb,Eb`, bySize(g, g64));
  registerSelector(`${name} Gv,Ev`, select(name, g, g64, false, false));
  registerSelector(`${name} rAX,Iz`, select(name, gi, gi64, false, true));
  registerSelector(`${name} Ev,Iz`, select(name, ei, ei64, true, true));
  registerSelector(`${name} Ev,Ib`, select(name, ei, ei64, true, true));
});

// ---- unary: INC DEC NOT NEG -------------------------------------------------

const enum Unary { Inc, Dec, Not, Neg }

function unary(u: number): Handler {
  return (s, i) => {
    const size = i.osz;
    const va = i.rm >= 0 ? 0 : rmwEa(s, i, size);
    const a = i.rm >= 0 ? getReg(s, i.rm, size) : readMem(s, va, size);
    let r: number;
    switch (u) {
      case Unary.Inc: r = mask(a + 1, size); break;
      case Unary.Dec: r = mask(a - 1, size); break;
      case Unary.Not: r = mask(~a, size); break;
      default: r = mask(-a, size); break;
    }
    // INC/DEC keep CF: read it before anything is written.
    const oldCf = u <= Unary.Dec ? cf(s) : 0;
    if (i.rm >= 0) setReg(s, i.rm, size, r);
    else writeMem(s, va, size, r);
    switch (u) {
      case Unary.Inc: s.fOp = FlagOp.Inc | szIndex(size); s.fA = oldCf; s.fR = r; break;
      case Unary.Dec: s.fOp = FlagOp.Dec | szIndex(size); s.fA = oldCf; s.fR = r; break;
      case Unary.Neg: s.fOp = FlagOp.Sub | szIndex(size); s.fA = 0; s.fR = r; break;
    }
  };
}

function unary64(u: number): Handler {
  return (s, i) => {
    const va = i.rm >= 0 ? 0 : rmwEa(s, i, 8);
    let al: number, ah: number;
    if (i.rm >= 0) { al = s.lo[i.rm]; ah = s.hi[i.rm]; } else { al = s.mmu.read64(va); ah = s.mmu.hi64; }
    let rl: number, rh: number;
    switch (u) {
      case Unary.Inc: rl = (al + 1) | 0; rh = rl === 0 ? (ah + 1) | 0 : ah; break;
      case Unary.Dec: rl = (al - 1) | 0; rh = al === 0 ? (ah - 1) | 0 : ah; break;
      case Unary.Not: rl = ~al; rh = ~ah; break;
      default: rl = -al | 0; rh = (al === 0 ? -ah : ~ah) | 0; break;
    }
    const oldCf = u <= Unary.Dec ? cf(s) : 0;
    if (i.rm >= 0) { s.lo[i.rm] = rl; s.hi[i.rm] = rh; } else s.mmu.write64(va, rl, rh);
    switch (u) {
      case Unary.Inc: s.fOp = FlagOp.Inc | Sz.Q; s.fA = oldCf; break;
      case Unary.Dec: s.fOp = FlagOp.Dec | Sz.Q; s.fA = oldCf; break;
      case Unary.Neg: s.fOp = FlagOp.Sub | Sz.Q; s.fA = 0; s.fAh = 0; break;
      default: return;
    }
    s.fR = rl;
    s.fRh = rh;
  };
}

const FAST_INC_DEC: Record<string, [Handler, Handler]> = { INC: [inc32, inc64], DEC: [dec32, dec64] };

(["INC", "DEC", "NOT", "NEG"] as const).forEach((name, u) => {
  const generic = bySize(unary(u), unary64(u));
  const fast = FAST_INC_DEC[name];
  registerSelector(`${name} Eb`, generic);
  registerSelector(`${name} Ev`, (i) => {
    if (fast && i.rm >= 0 && i.osz === 4) return fast[0];
    if (fast && i.rm >= 0 && i.osz === 8) return fast[1];
    return generic(i);
  });
});
