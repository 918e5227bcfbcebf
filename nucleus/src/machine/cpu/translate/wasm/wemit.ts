/**
 * WebAssembly code for the common integer forms (the counterparts of
 * ../emitters.ts, with the same contract: exactly the interpreter's registers,
 * memory, lazy flags, faults and fault order). An emitter returns false, before
 * emitting anything, to decline; the region then calls the interpreter handler.
 */
import { FlagOp } from "../../flags.js";
import type { Insn } from "../../decode/insn.js";
import { CC } from "../../decode/table-onebyte.js";
import { Op, T } from "./encoder.js";
import { Imp, konst, SZ, type V, type WGen } from "./wgen.js";

export type WEmitter = (g: WGen, i: Insn) => boolean;

const emitters = new Map<string, WEmitter>();

export function wasmEmitterFor(key: string): WEmitter | undefined {
  return emitters.get(key);
}

export function defWasm(keys: string | string[], e: WEmitter): void {
  for (const k of Array.isArray(keys) ? keys : [keys]) emitters.set(k, e);
}

const typeOf = (size: number): T => (size === 8 ? T.I64 : T.I32);
/** An immediate at operand size (1 and 2 masked, 8 sign-extended from imm/immHi). */
const imm = (i: Insn, size: number): V =>
  size === 8 ? konst(T.I64, i.imm | 0, i.immHi | 0) : konst(T.I32, size === 1 ? i.imm & 0xff : size === 2 ? i.imm & 0xffff : i.imm | 0);

/** Masks the i32 on the stack to operand size 1 or 2. */
function mask(g: WGen, size: number): void {
  if (size === 1) g.c.i32(0xff).op(Op.i32_and);
  else if (size === 2) g.c.i32(0xffff).op(Op.i32_and);
}

/** Reads the E operand (register or memory) at size. */
function readE(g: WGen, i: Insn, size: number): V {
  if (i.rm >= 0) return g.regVal(i.rm, size);
  g.faultPoint();
  return g.load(g.address(i), size);
}

// ---- ALU ------------------------------------------------------------------------

const enum A { Add = 0, Or, Adc, Sbb, And, Sub, Xor, Cmp, Test }
const ALU_NAMES = ["ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP", "TEST"];
const OPS32 = [Op.i32_add, Op.i32_or, 0, 0, Op.i32_and, Op.i32_sub, Op.i32_xor, Op.i32_sub, Op.i32_and];
const OPS64 = [Op.i64_add, Op.i64_or, 0, 0, Op.i64_and, Op.i64_sub, Op.i64_xor, Op.i64_sub, Op.i64_and];

const aluKind = (op: number): number => (op === A.Add ? FlagOp.Add : op === A.Sub || op === A.Cmp ? FlagOp.Sub : FlagOp.Logic);

function alu(op: number, dst: "E" | "G", src: "E" | "G" | "I"): WEmitter {
  const writes = op !== A.Cmp && op !== A.Test;
  return (g, i) => {
    if (op === A.Adc || op === A.Sbb) return false;
    const size = i.osz;
    const dstMem = dst === "E" && i.rm < 0, srcMem = src === "E" && i.rm < 0;
    if (dstMem || srcMem) g.faultPoint();
    const va = dstMem || srcMem ? g.address(i) : null;
    const b = src === "I" ? imm(i, size) : src === "G" ? g.regVal(i.reg, size) : srcMem ? g.load(va!, size) : g.regVal(i.rm, size);
    const dreg = dst === "G" ? i.reg : i.rm;
    const a = dstMem ? g.load(va!, size, writes) : g.regVal(dreg, size);
    g.push(a); g.push(b);
    g.c.op((size === 8 ? OPS64 : OPS32)[op]);
    mask(g, size);
    const r = g.save(typeOf(size));
    g.produce({ kind: aluKind(op), sz: SZ(size), a, b, r, cf: null, of: null });
    if (writes) {
      if (dstMem) g.store(va!, size, r);
      else g.setReg(dreg, size, r);
    }
    return true;
  };
}

ALU_NAMES.forEach((name, op) => {
  defWasm([`${name} Eb,Gb`, `${name} Ev,Gv`], alu(op, "E", "G"));
  defWasm([`${name} Eb,Ib`, `${name} Ev,Iz`, `${name} Ev,Ib`], alu(op, "E", "I"));
  defWasm([`${name} AL,Ib`, `${name} rAX,Iz`], alu(op, "G", "I"));
  if (op !== A.Test) defWasm([`${name} Gb,Eb`, `${name} Gv,Ev`], alu(op, "G", "E"));
});

function incDec(dec: boolean): WEmitter {
  return (g, i) => {
    const size = i.osz, mem = i.rm < 0;
    if (mem) g.faultPoint();
    const va = mem ? g.address(i) : null;
    const cf = g.cf();
    const a = mem ? g.load(va!, size, true) : g.regVal(i.rm, size);
    g.push(a);
    if (size === 8) g.c.i64(1, 0).op(dec ? Op.i64_sub : Op.i64_add);
    else { g.c.i32(1).op(dec ? Op.i32_sub : Op.i32_add); mask(g, size); }
    const r = g.save(typeOf(size));
    g.produce({ kind: dec ? FlagOp.Dec : FlagOp.Inc, sz: SZ(size), a, b: null, r, cf, of: null });
    if (mem) g.store(va!, size, r); else g.setReg(i.rm, size, r);
    return true;
  };
}
defWasm(["INC Eb", "INC Ev"], incDec(false));
defWasm(["DEC Eb", "DEC Ev"], incDec(true));

// ---- MOV family ----------------------------------------------------------------------

defWasm(["MOV Eb,Gb", "MOV Ev,Gv", "MOV Ob,AL", "MOV Ov,rAX"], (g, i) => {
  const size = i.osz;
  if (i.rm >= 0) { g.setReg(i.rm, size, g.regVal(i.reg, size)); return true; }
  g.faultPoint();
  const va = g.address(i);
  g.store(va, size, g.regVal(i.reg, size));
  return true;
});

defWasm(["MOV Gb,Eb", "MOV Gv,Ev", "MOV AL,Ob", "MOV rAX,Ov"], (g, i) => {
  g.setReg(i.reg, i.osz, readE(g, i, i.osz));
  return true;
});

defWasm(["MOV Zb,Ib", "MOV Zv,Iv"], (g, i) => {
  g.setReg(i.reg, i.osz, imm(i, i.osz));
  return true;
});

defWasm(["MOV Eb,Ib", "MOV Ev,Iz"], (g, i) => {
  const size = i.osz;
  if (i.rm >= 0) { g.setReg(i.rm, size, imm(i, size)); return true; }
  g.faultPoint();
  g.store(g.address(i), size, imm(i, size));
  return true;
});

function extend(srcSize: number, signed: boolean): WEmitter {
  return (g, i) => {
    const v = readE(g, i, srcSize);
    g.push(v);
    if (signed && srcSize === 1) g.c.op(Op.i32_extend8_s);
    if (signed && srcSize === 2) g.c.op(Op.i32_extend16_s);
    if (i.osz === 8) {
      g.c.op(signed ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
      g.setReg(i.reg, 8, g.save(T.I64));
    } else {
      g.setReg(i.reg, i.osz, g.save(T.I32));
    }
    return true;
  };
}
defWasm("MOVZX Gv,Eb", extend(1, false));
defWasm("MOVZX Gv,Ew", extend(2, false));
defWasm("MOVSX Gv,Eb", extend(1, true));
defWasm("MOVSX Gv,Ew", extend(2, true));
defWasm("MOVSXD Gv,Ed", extend(4, true));

defWasm("LEA Gv,M", (g, i) => {
  if (i.seg !== 0) return false;
  if (i.osz === 4 || i.osz === 2 || i.asz === 4) {
    if (i.asz === 8 && i.base < 0 && i.index < 0) return false;
    g.sum32(i);
    g.setReg(i.reg, i.osz === 8 ? 4 : i.osz, g.save(T.I32));
    return true;
  }
  g.setReg(i.reg, 8, g.halves(i));
  return true;
});

// ---- shifts by a constant, IMUL (32-bit) ------------------------------------------------

function shiftImm(kind: "SHL" | "SHR" | "SAR", one: boolean): WEmitter {
  return (g, i) => {
    const size = i.osz;
    if (size < 4 || i.rm < 0) return false;
    const n = (one ? 1 : i.imm) & (size === 8 ? 63 : 31);
    const c = g.c;
    if (n === 0) {
      if (size === 4) g.setReg(i.rm, 4, g.regVal(i.rm, 4));
      return true;
    }
    const a = g.regVal(i.rm, size);
    const w = size === 8;
    const k = (v: number) => (w ? c.i64(v, 0) : c.i32(v));
    const bitOf = (m: number, arith: boolean) => {
      g.push(a); k(m); c.op(w ? (arith ? Op.i64_shr_s : Op.i64_shr_u) : arith ? Op.i32_shr_s : Op.i32_shr_u);
      if (w) c.op(Op.i32_wrap_i64);
      c.i32(1).op(Op.i32_and);
      return g.save(T.I32);
    };
    g.push(a); k(n);
    c.op(kind === "SHL" ? (w ? Op.i64_shl : Op.i32_shl) : kind === "SHR" ? (w ? Op.i64_shr_u : Op.i32_shr_u) : w ? Op.i64_shr_s : Op.i32_shr_s);
    const r = g.save(typeOf(size));
    const top = size * 8;
    let cf: V, of: V;
    if (kind === "SHL") {
      cf = bitOf(top - n, false);
      const b1 = bitOf(top - 1, false), b2 = bitOf(top - 2, false);
      g.push(b1); g.push(b2); c.op(Op.i32_xor);
      of = g.save(T.I32);
    } else {
      cf = bitOf(n - 1, kind === "SAR");
      of = kind === "SHR" ? bitOf(top - 1, false) : konst(T.I32, 0);
    }
    g.produce({ kind: FlagOp.CfOf, sz: SZ(size), a, b: null, r, cf, of });
    g.setReg(i.rm, size, r);
    return true;
  };
}
for (const k of ["SHL", "SHR", "SAR"] as const) {
  defWasm(`${k} Ev,Ib`, shiftImm(k, false));
  defWasm(`${k} Ev,1`, shiftImm(k, true));
}
defWasm("SAL Ev,Ib", shiftImm("SHL", false));
defWasm("SAL Ev,1", shiftImm("SHL", true));

function imul32(withImm: boolean): WEmitter {
  return (g, i) => {
    if (i.osz !== 4) return false;
    const a = readE(g, i, 4);
    const b = withImm ? konst(T.I32, i.imm | 0) : g.regVal(i.reg, 4);
    const c = g.c;
    g.push(a); c.op(Op.i64_extend_i32_s); g.push(b); c.op(Op.i64_extend_i32_s, Op.i64_mul);
    const p = g.save(T.I64);
    g.push(p); c.op(Op.i32_wrap_i64);
    const r = g.save(T.I32);
    g.push(p); g.push(r); c.op(Op.i64_extend_i32_s, Op.i64_ne);
    const ovf = g.save(T.I32);
    g.produce({ kind: FlagOp.CfOf, sz: 2, a, b, r, cf: ovf, of: ovf });
    g.setReg(i.reg, 4, r);
    return true;
  };
}
defWasm("IMUL Gv,Ev", imul32(false));
defWasm(["IMUL Gv,Ev,Iz", "IMUL Gv,Ev,Ib"], imul32(true));

// ---- SETcc, CMOVcc ------------------------------------------------------------------------

CC.forEach((name, cc) => {
  defWasm(`SET${name} Eb`, (g, i) => {
    g.cond(cc);
    const v = g.save(T.I32);
    if (i.rm >= 0) { g.setReg(i.rm, 1, v); return true; }
    g.faultPoint();
    g.store(g.address(i), 1, v);
    return true;
  });
  defWasm(`CMOV${name} Gv,Ev`, (g, i) => {
    const size = i.osz;
    if (size !== 4 && size !== 8) return false;
    const v = readE(g, i, size);
    g.cond(cc);
    g.open("if", "");
    g.setReg(i.reg, size, v);
    if (size === 4) {
      // The destination is written (zero-extended) whether or not the condition holds.
      g.c.else();
      g.setReg(i.reg, 4, g.regVal(i.reg, 4));
    }
    g.close();
    return true;
  });
});

// ---- stack ----------------------------------------------------------------------------

/** A 64-bit push of v: the store at rsp - 8, then rsp -= 8. */
export function push64(g: WGen, v: V): void {
  const sp = g.offset(4, -8);
  g.store(sp, 8, v, () => g.setReg(4, 8, sp));
}

defWasm("PUSH Zv", (g, i) => {
  if (i.osz !== 8) return false;
  g.faultPoint();
  push64(g, g.regVal(i.reg, 8));
  return true;
});

defWasm(["PUSH Iz", "PUSH Ib"], (g, i) => {
  if (i.osz !== 8) return false;
  g.faultPoint();
  push64(g, imm(i, 8));
  return true;
});

defWasm("POP Zv", (g, i) => {
  if (i.osz !== 8) return false;
  g.faultPoint();
  const sp = g.offset(4, 0);
  const v = g.load(sp, 8);
  g.push(sp); g.c.i64(8, 0).op(Op.i64_add);
  g.setReg(4, 8, g.save(T.I64));
  g.setReg(i.reg, 8, v);
  return true;
});

defWasm(["NOP -", "NOP Ev", "RESERVEDNOP Ev,Gv", "PAUSE -", "ENDBR64 -", "ENDBR32 -", "LFENCE -", "MFENCE -", "SFENCE -",
  "PREFETCHNTA Mb", "PREFETCHT0 Mb", "PREFETCHT1 Mb", "PREFETCHT2 Mb", "PREFETCH Mb", "PREFETCHW Mb"], () => true);

// ---- NEG / NOT, sign extensions, XCHG ----------------------------------------------------

function negNot(neg: boolean): WEmitter {
  return (g, i) => {
    const size = i.osz;
    if (i.rm < 0 || size < 4) return false;
    const t = typeOf(size);
    const a = g.regVal(i.rm, size);
    if (size === 8) { if (neg) g.c.i64(0, 0); g.push(a); if (neg) g.c.op(Op.i64_sub); else g.c.i64(-1, -1).op(Op.i64_xor); }
    else { if (neg) g.c.i32(0); g.push(a); if (neg) g.c.op(Op.i32_sub); else g.c.i32(-1).op(Op.i32_xor); }
    const r = g.save(t);
    if (neg) g.produce({ kind: FlagOp.Sub, sz: SZ(size), a: size === 8 ? konst(T.I64, 0, 0) : konst(T.I32, 0), b: a, r, cf: null, of: null });
    g.setReg(i.rm, size, r);
    return true;
  };
}
defWasm("NEG Ev", negNot(true));
defWasm("NOT Ev", negNot(false));

defWasm("CBW|CWDE|CDQE -", (g, i) => {
  const c = g.c;
  if (i.osz === 2) { g.reg(0, 1); c.op(Op.i32_extend8_s); g.setReg(0, 2, g.save(T.I32)); }
  else if (i.osz === 4) { g.reg(0, 2); c.op(Op.i32_extend16_s); g.setReg(0, 4, g.save(T.I32)); }
  else { g.reg(0, 4); c.op(Op.i64_extend_i32_s); g.setReg(0, 8, g.save(T.I64)); }
  return true;
});

defWasm("CWD|CDQ|CQO -", (g, i) => {
  const c = g.c;
  if (i.osz === 2) { g.reg(0, 2); c.i32(16).op(Op.i32_shl).i32(31).op(Op.i32_shr_s); g.setReg(2, 2, g.save(T.I32)); }
  else if (i.osz === 4) { g.reg(0, 4); c.i32(31).op(Op.i32_shr_s); g.setReg(2, 4, g.save(T.I32)); }
  else { g.reg(0, 8); c.i64(63, 0).op(Op.i64_shr_s); g.setReg(2, 8, g.save(T.I64)); }
  return true;
});

defWasm("XCHG Ev,Gv", (g, i) => {
  const size = i.osz;
  if (i.rm < 0 || size < 4) return false;
  const a = g.regVal(i.rm, size), b = g.regVal(i.reg, size);
  g.setReg(i.rm, size, b);
  g.setReg(i.reg, size, a);
  return true;
});

// ---- multiplies and divides ----------------------------------------------------------------

/** IMUL r64, r/m64 (and with an immediate): the low product; CF = OF = the signed product did not fit. */
function imul64(withImm: boolean): WEmitter {
  return (g, i) => {
    const c = g.c;
    const a = readE(g, i, 8);
    const b = withImm ? imm(i, 8) : g.regVal(i.reg, 8);
    g.push(a); g.push(b); c.op(Op.i64_mul);
    const r = g.save(T.I64);
    g.usesMulHi = true;
    g.push(a); g.push(b); c.call(Imp.MulHiS); g.push(r); c.i64(63, 0).op(Op.i64_shr_s, Op.i64_ne);
    const ovf = g.save(T.I32);
    g.produce({ kind: FlagOp.CfOf, sz: 3, a, b, r, cf: ovf, of: ovf });
    g.setReg(i.reg, 8, r);
    return true;
  };
}
defWasm("IMUL Gv,Ev", (g, i) => (i.osz === 8 ? imul64(false)(g, i) : imul32(false)(g, i)));
defWasm(["IMUL Gv,Ev,Iz", "IMUL Gv,Ev,Ib"], (g, i) => (i.osz === 8 ? imul64(true)(g, i) : imul32(true)(g, i)));

/** MUL / IMUL r/m: rdx:rax = rax * r/m; CF = OF = the high half is not the low half's extension. */
function mulOne(signed: boolean): WEmitter {
  return (g, i) => {
    const c = g.c;
    if (i.osz === 4) {
      const b = readE(g, i, 4), a = g.regVal(0, 4);
      const ext = signed ? Op.i64_extend_i32_s : Op.i64_extend_i32_u;
      g.push(a); c.op(ext); g.push(b); c.op(ext, Op.i64_mul);
      const p = g.save(T.I64);
      g.push(p); c.op(Op.i32_wrap_i64);
      const lo = g.save(T.I32);
      g.push(p); c.i64(32, 0).op(Op.i64_shr_u, Op.i32_wrap_i64);
      const hi = g.save(T.I32);
      g.push(hi);
      if (signed) { g.push(lo); c.i32(31).op(Op.i32_shr_s, Op.i32_ne); } else c.i32(0).op(Op.i32_ne);
      const ovf = g.save(T.I32);
      g.setReg(0, 4, lo);
      g.setReg(2, 4, hi);
      g.produce({ kind: FlagOp.CfOf, sz: 2, a, b, r: lo, cf: ovf, of: ovf });
      return true;
    }
    if (i.osz !== 8) return false;
    const b = readE(g, i, 8), a = g.regVal(0, 8);
    g.push(a); g.push(b); c.op(Op.i64_mul);
    const lo = g.save(T.I64);
    g.usesMulHi = true;
    g.push(a); g.push(b); c.call(signed ? Imp.MulHiS : Imp.MulHiU);
    const hi = g.save(T.I64);
    g.push(hi);
    if (signed) { g.push(lo); c.i64(63, 0).op(Op.i64_shr_s, Op.i64_ne); } else c.op(Op.i64_eqz, Op.i32_eqz);
    const ovf = g.save(T.I32);
    g.setReg(0, 8, lo);
    g.setReg(2, 8, hi);
    g.produce({ kind: FlagOp.CfOf, sz: 3, a, b, r: lo, cf: ovf, of: ovf });
    return true;
  };
}
defWasm("MUL Ev", mulOne(false));
defWasm("IMUL Ev", mulOne(true));

/**
 * DIV / IDIV r/m32 and r/m64 when the quotient surely fits (for 64 bits: a
 * dividend that is rax alone, extended); everything else, the #DE cases
 * included, runs the handler. The flags are left alone (all undefined).
 */
function divide(signed: boolean): WEmitter {
  return (g, i) => {
    const size = i.osz;
    if (size !== 4 && size !== 8) return false;
    const c = g.c;
    g.faultPoint();
    const d = size === 8 ? readE(g, i, 8) : readE(g, i, 4);
    const ok = g.tmp(T.I32), q = g.tmp(T.I64), r = g.tmp(T.I64);
    c.i32(0).set(ok);
    if (size === 8) {
      const a = g.regVal(0, 8), dx = g.regVal(2, 8);
      // Guard: rdx extends rax, the divisor is neither 0 nor (signed) -1.
      g.push(dx);
      if (signed) { g.push(a); c.i64(63, 0).op(Op.i64_shr_s, Op.i64_eq); } else c.op(Op.i64_eqz);
      g.push(d); c.op(Op.i64_eqz, Op.i32_eqz, Op.i32_and);
      if (signed) { g.push(d); c.i64(-1, -1).op(Op.i64_ne, Op.i32_and); }
      g.open("if", "");
      g.push(a); g.push(d); c.op(signed ? Op.i64_div_s : Op.i64_div_u).set(q);
      g.push(a); g.push(d); c.op(signed ? Op.i64_rem_s : Op.i64_rem_u).set(r);
      c.i32(1).set(ok);
      g.close();
    } else {
      // edx:eax as an i64; the quotient must fit in 32 bits.
      const n = g.tmp(T.I64), dd = g.tmp(T.I64);
      g.reg(2, 4); c.op(Op.i64_extend_i32_u).i64(32, 0).op(Op.i64_shl); g.reg(0, 4); c.op(Op.i64_extend_i32_u, Op.i64_or).set(n);
      g.push(d); c.op(signed ? Op.i64_extend_i32_s : Op.i64_extend_i32_u).set(dd);
      g.push(d); c.op(Op.i32_eqz, Op.i32_eqz);
      if (signed) { g.push(d); c.i32(-1).op(Op.i32_ne, Op.i32_and); }
      g.open("if", "");
      c.get(n).get(dd).op(signed ? Op.i64_div_s : Op.i64_div_u).set(q);
      c.get(n).get(dd).op(signed ? Op.i64_rem_s : Op.i64_rem_u).set(r);
      if (signed) c.get(q).get(q).op(Op.i32_wrap_i64, Op.i64_extend_i32_s, Op.i64_eq);
      else c.get(q).i64(32, 0).op(Op.i64_shr_u, Op.i64_eqz);
      c.set(ok);
      g.close();
    }
    c.get(ok);
    g.open("if", "");
    if (size === 8) { g.setReg(0, 8, { t: T.I64, local: q, lo: 0, hi: 0 }); g.setReg(2, 8, { t: T.I64, local: r, lo: 0, hi: 0 }); }
    else {
      c.get(q).op(Op.i32_wrap_i64); g.setReg(0, 4, g.save(T.I32));
      c.get(r).op(Op.i32_wrap_i64); g.setReg(2, 4, g.save(T.I32));
    }
    c.else();
    g.handlerCall();
    g.close();
    return true;
  };
}
defWasm("DIV Ev", divide(false));
defWasm("IDIV Ev", divide(true));

// ---- rotates by a constant, bit scans (flag updates on top of the stored flags) ---------------

const RF_CF = 1, RF_ZF = 1 << 6, RF_OF = 1 << 11;

function rotate(left: boolean, one: boolean): WEmitter {
  return (g, i) => {
    const size = i.osz;
    if ((size !== 4 && size !== 8) || i.rm < 0) return false;
    const n = (one ? 1 : i.imm) & (size === 8 ? 63 : 31);
    const c = g.c;
    if (n === 0) {
      if (size === 4) g.setReg(i.rm, 4, g.regVal(i.rm, 4));
      return true;
    }
    g.commitRecord();
    const w = size === 8;
    g.reg(i.rm, size);
    if (w) c.i64(n, 0).op(left ? Op.i64_rotl : Op.i64_rotr); else c.i32(n).op(left ? Op.i32_rotl : Op.i32_rotr);
    const r = g.save(typeOf(size));
    // The result's top bit (and the one below it) as an i32.
    const bit = (k: number) => { g.push(r); if (w) c.i64(k, 0).op(Op.i64_shr_u, Op.i32_wrap_i64); else c.i32(k).op(Op.i32_shr_u); c.i32(1).op(Op.i32_and); };
    const top = size * 8 - 1;
    if (left) { bit(0); } else { bit(top); }
    const cf = g.save(T.I32);
    if (left) { bit(top); g.push(cf); c.op(Op.i32_xor); } else { g.push(cf); bit(top - 1); c.op(Op.i32_xor); }
    const of = g.save(T.I32);
    g.setReg(i.rm, size, r);
    if (n === 1) { g.push(cf); g.push(of); c.i32(11).op(Op.i32_shl, Op.i32_or); g.deferBits(RF_CF | RF_OF, g.save(T.I32)); }
    else g.deferBits(RF_CF, cf);
    g.forgetFlags();
    return true;
  };
}
defWasm("ROL Ev,Ib", rotate(true, false));
defWasm("ROL Ev,1", rotate(true, true));
defWasm("ROR Ev,Ib", rotate(false, false));
defWasm("ROR Ev,1", rotate(false, true));

/** BSF / BSR: ZF = the source is 0, else the destination is the index of its lowest / highest set bit. */
function scan(reverse: boolean): WEmitter {
  return (g, i) => {
    const size = i.osz;
    if (size !== 4 && size !== 8) return false;
    const c = g.c;
    const v = readE(g, i, size);
    g.commitRecord();
    const w = size === 8;
    g.push(v); c.op(w ? Op.i64_eqz : Op.i32_eqz);
    const zero = g.save(T.I32);
    g.push(zero); c.op(Op.i32_eqz);
    g.open("if", "");
    if (reverse) { if (w) c.i64(63, 0); else c.i32(31); }
    g.push(v); c.op(w ? (reverse ? Op.i64_clz : Op.i64_ctz) : reverse ? Op.i32_clz : Op.i32_ctz);
    if (reverse) c.op(w ? Op.i64_sub : Op.i32_sub);
    g.setReg(i.reg, size, g.save(typeOf(size)));
    g.close();
    g.push(zero); c.i32(6).op(Op.i32_shl);
    g.deferBits(RF_ZF, g.save(T.I32));
    g.forgetFlags();
    return true;
  };
}
defWasm("BSF Gv,Ev", scan(false));
defWasm("BSR Gv,Ev", scan(true));
