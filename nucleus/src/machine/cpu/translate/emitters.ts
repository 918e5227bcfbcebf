/**
 * Inline code for the common forms. An emitter returns false to decline (the
 * translator then calls the interpreter handler). Emitters must produce exactly
 * the interpreter's results: same registers, memory, lazy flags (as observed
 * through flags.ts), faults and fault order.
 *
 * Conventions: call g.faultPoint() before the first access that can fault;
 * register the flag record with g.produce() before a memory store (a store that
 * hits decoded code leaves the block and must commit this instruction's flags).
 */
import { FlagOp } from "../flags.js";
import type { Insn } from "../decode/insn.js";
import { CC } from "../decode/table-onebyte.js";
import { FAULT_CHECK, add64, ltu, sub64, sum32, type Gen } from "./gen.js";

export type Emitter = (g: Gen, i: Insn) => boolean;

const emitters = new Map<string, Emitter>();

export function emitterFor(key: string): Emitter | undefined {
  return emitters.get(key);
}

export function def(keys: string | string[], e: Emitter): void {
  for (const k of Array.isArray(keys) ? keys : [keys]) emitters.set(k, e);
}

const SZ = (size: number) => (size === 1 ? 0 : size === 2 ? 1 : size === 4 ? 2 : 3);
const MASK = (size: number, e: string) => (size === 1 ? `((${e}) & 0xff)` : size === 2 ? `((${e}) & 0xffff)` : `((${e}) | 0)`);
const maskImm = (v: number, size: number) => (size === 1 ? v & 0xff : size === 2 ? v & 0xffff : v | 0);

/** Snapshot of a register into a fresh local. */
function regLocal(g: Gen, r: number, size: number): string {
  const t = g.tmp("g");
  g.line(`${t} = ${g.reg(r, size)};`);
  return t;
}

function reg64(g: Gen, r: number): [string, string] {
  const l = g.tmp("g"), h = g.tmp("gh");
  g.line(`${l} = lo[${r}]; ${h} = hi[${r}];`);
  return [l, h];
}

function vaOf(g: Gen, i: Insn): string {
  return g.address(i);
}

// ---- ALU ------------------------------------------------------------------------

const enum A { Add = 0, Or, Adc, Sbb, And, Sub, Xor, Cmp, Test }
const ALU_NAMES = ["ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP", "TEST"];

function aluKind(op: number): number {
  return op === A.Add ? FlagOp.Add : op === A.Sub || op === A.Cmp ? FlagOp.Sub : FlagOp.Logic;
}

function aluExpr(op: number, a: string, b: string): string {
  switch (op) {
    case A.Add: return `${a} + ${b}`;
    case A.Or: return `${a} | ${b}`;
    case A.And: case A.Test: return `${a} & ${b}`;
    case A.Sub: case A.Cmp: return `${a} - ${b}`;
    default: return `${a} ^ ${b}`;
  }
}

type Operand = "E" | "G" | "I";

function alu(op: number, dst: "E" | "G", src: Operand): Emitter {
  const writes = op !== A.Cmp && op !== A.Test;
  return (g, i) => {
    if (op === A.Adc || op === A.Sbb) return false;
    const size = i.osz;
    const dstMem = dst === "E" && i.rm < 0;
    const srcMem = src === "E" && i.rm < 0;
    if (dstMem || srcMem) g.faultPoint();
    const va = dstMem || srcMem ? vaOf(g, i) : "";
    if (size === 8) return alu64(g, i, op, dst, src, va, writes);
    let b: string;
    if (src === "I") b = String(maskImm(i.imm, size));
    else if (src === "G") b = regLocal(g, i.reg, size);
    else b = srcMem ? g.load(va, size)[0] : regLocal(g, i.rm, size);
    const dreg = dst === "G" ? i.reg : i.rm;
    const a = dstMem ? g.load(va, size, writes)[0] : regLocal(g, dreg, size);
    const r = g.tmp("r");
    g.line(`${r} = ${MASK(size, aluExpr(op, a, b))};`);
    g.produce({ kind: aluKind(op), sz: SZ(size), a, ah: "", b, bh: "", r, rh: "", cf: "", of: "" });
    if (writes) {
      if (dstMem) g.store(va, size, r);
      else g.setReg(dreg, size, r);
    }
    return true;
  };
}

function alu64(g: Gen, i: Insn, op: number, dst: "E" | "G", src: Operand, va: string, writes: boolean): boolean {
  const dstMem = dst === "E" && i.rm < 0;
  let b: string, bh: string;
  if (src === "I") { b = String(i.imm | 0); bh = String(i.immHi | 0); }
  else if (src === "G") [b, bh] = reg64(g, i.reg);
  else [b, bh] = i.rm < 0 ? g.load(va, 8) : reg64(g, i.rm);
  const dreg = dst === "G" ? i.reg : i.rm;
  const [a, ah] = dstMem ? g.load(va, 8, writes) : reg64(g, dreg);
  const r = g.tmp("r"), rh = g.tmp("rh");
  switch (op) {
    case A.Add:
      g.line(add64(r, rh, a, ah, b, bh));
      break;
    case A.Sub: case A.Cmp:
      g.line(sub64(r, rh, a, ah, b, bh));
      break;
    default: {
      const o = op === A.Or ? "|" : op === A.Xor ? "^" : "&";
      g.line(`${r} = ${a} ${o} ${b}; ${rh} = ${ah} ${o} ${bh};`);
    }
  }
  g.produce({ kind: aluKind(op), sz: 3, a, ah, b, bh, r, rh, cf: "", of: "" });
  if (writes) {
    if (dstMem) g.store(va, 8, r, rh);
    else g.line(`lo[${dreg}] = ${r}; hi[${dreg}] = ${rh};`);
  }
  return true;
}

ALU_NAMES.forEach((name, op) => {
  def([`${name} Eb,Gb`, `${name} Ev,Gv`], alu(op, "E", "G"));
  def([`${name} Eb,Ib`, `${name} Ev,Iz`, `${name} Ev,Ib`], alu(op, "E", "I"));
  def([`${name} AL,Ib`, `${name} rAX,Iz`], alu(op, "G", "I"));
  if (op !== A.Test) def([`${name} Gb,Eb`, `${name} Gv,Ev`], alu(op, "G", "E"));
});

// ---- INC / DEC / NEG / NOT ----------------------------------------------------------

function incDec(dec: boolean): Emitter {
  return (g, i) => {
    const size = i.osz;
    const mem = i.rm < 0;
    if (mem) g.faultPoint();
    const va = mem ? vaOf(g, i) : "";
    const cf = g.cfExpr();
    const kind = dec ? FlagOp.Dec : FlagOp.Inc;
    if (size === 8) {
      const [a, ah] = mem ? g.load(va, 8, true) : reg64(g, i.rm);
      const r = g.tmp("r"), rh = g.tmp("rh");
      if (dec) g.line(`${r} = (${a} - 1) | 0; ${rh} = ${a} === 0 ? (${ah} - 1) | 0 : ${ah};`);
      else g.line(`${r} = (${a} + 1) | 0; ${rh} = ${r} === 0 ? (${ah} + 1) | 0 : ${ah};`);
      g.produce({ kind, sz: 3, a, ah, b: "", bh: "", r, rh, cf, of: "" });
      if (mem) g.store(va, 8, r, rh); else g.line(`lo[${i.rm}] = ${r}; hi[${i.rm}] = ${rh};`);
      return true;
    }
    const a = mem ? g.load(va, size, true)[0] : regLocal(g, i.rm, size);
    const r = g.tmp("r");
    g.line(`${r} = ${MASK(size, `${a} ${dec ? "-" : "+"} 1`)};`);
    g.produce({ kind, sz: SZ(size), a, ah: "", b: "", bh: "", r, rh: "", cf, of: "" });
    if (mem) g.store(va, size, r); else g.setReg(i.rm, size, r);
    return true;
  };
}
def(["INC Eb", "INC Ev"], incDec(false));
def(["DEC Eb", "DEC Ev"], incDec(true));

function negNot(neg: boolean): Emitter {
  return (g, i) => {
    if (i.rm < 0 || i.osz < 4) return false;
    const r = i.rm;
    if (i.osz === 4) {
      const a = regLocal(g, r, 4), x = g.tmp("r");
      g.line(`${x} = ${neg ? `-${a} | 0` : `~${a}`};`);
      if (neg) g.produce({ kind: FlagOp.Sub, sz: 2, a: "0", ah: "", b: a, bh: "", r: x, rh: "", cf: "", of: "" });
      g.setReg(r, 4, x);
      return true;
    }
    const [a, ah] = reg64(g, r);
    const x = g.tmp("r"), xh = g.tmp("rh");
    if (neg) g.line(`${x} = -${a} | 0; ${xh} = (${a} === 0 ? -${ah} : ~${ah}) | 0;`);
    else g.line(`${x} = ~${a}; ${xh} = ~${ah};`);
    if (neg) g.produce({ kind: FlagOp.Sub, sz: 3, a: "0", ah: "0", b: a, bh: ah, r: x, rh: xh, cf: "", of: "" });
    g.line(`lo[${r}] = ${x}; hi[${r}] = ${xh};`);
    return true;
  };
}
def("NEG Ev", negNot(true));
def("NOT Ev", negNot(false));

// ---- MOV family ---------------------------------------------------------------------------

/** Reads the E operand (register or memory) of 1..4 bytes into a local. */
function readE(g: Gen, i: Insn, size: number): string {
  if (i.rm >= 0) return regLocal(g, i.rm, size);
  g.faultPoint();
  return g.load(vaOf(g, i), size)[0];
}

export function readE64(g: Gen, i: Insn): [string, string] {
  if (i.rm >= 0) return reg64(g, i.rm);
  g.faultPoint();
  return g.load(vaOf(g, i), 8);
}

const movStore: Emitter = (g, i) => {
  // E <- G, or moffs <- accumulator
  const size = i.osz;
  if (i.rm >= 0) {
    if (size === 8) g.line(`lo[${i.rm}] = lo[${i.reg}]; hi[${i.rm}] = hi[${i.reg}];`);
    else g.setReg(i.rm, size, g.reg(i.reg, size));
    return true;
  }
  g.faultPoint();
  const va = vaOf(g, i);
  if (size === 8) {
    const [v, vh] = reg64(g, i.reg);
    g.store(va, 8, v, vh);
  } else {
    g.store(va, size, regLocal(g, i.reg, size));
  }
  return true;
};
def(["MOV Eb,Gb", "MOV Ev,Gv", "MOV Ob,AL", "MOV Ov,rAX"], movStore);

const movLoad: Emitter = (g, i) => {
  const size = i.osz;
  if (size === 8) {
    const [v, vh] = readE64(g, i);
    g.line(`lo[${i.reg}] = ${v}; hi[${i.reg}] = ${vh};`);
  } else {
    g.setReg(i.reg, size, readE(g, i, size));
  }
  return true;
};
def(["MOV Gb,Eb", "MOV Gv,Ev", "MOV AL,Ob", "MOV rAX,Ov"], movLoad);

def(["MOV Zb,Ib", "MOV Zv,Iv"], (g, i) => {
  if (i.osz === 8) g.line(`lo[${i.reg}] = ${i.imm | 0}; hi[${i.reg}] = ${i.immHi | 0};`);
  else g.setReg(i.reg, i.osz, String(maskImm(i.imm, i.osz)));
  return true;
});

def(["MOV Eb,Ib", "MOV Ev,Iz"], (g, i) => {
  const size = i.osz;
  if (i.rm >= 0) {
    if (size === 8) g.line(`lo[${i.rm}] = ${i.imm | 0}; hi[${i.rm}] = ${i.immHi | 0};`);
    else g.setReg(i.rm, size, String(maskImm(i.imm, size)));
    return true;
  }
  g.faultPoint();
  const va = vaOf(g, i);
  if (size === 8) g.store(va, 8, String(i.imm | 0), String(i.immHi | 0));
  else g.store(va, size, String(maskImm(i.imm, size)));
  return true;
});

function extend(srcSize: number, signed: boolean): Emitter {
  return (g, i) => {
    let v = readE(g, i, srcSize);
    if (signed && srcSize < 4) {
      const t = g.tmp("x");
      g.line(`${t} = (${v} << ${32 - srcSize * 8}) >> ${32 - srcSize * 8};`);
      v = t;
    }
    if (i.osz === 8) g.line(`lo[${i.reg}] = ${v}; hi[${i.reg}] = ${signed ? `${v} >> 31` : "0"};`);
    else g.setReg(i.reg, i.osz, v);
    return true;
  };
}
def("MOVZX Gv,Eb", extend(1, false));
def("MOVZX Gv,Ew", extend(2, false));
def("MOVSX Gv,Eb", extend(1, true));
def("MOVSX Gv,Ew", extend(2, true));
def("MOVSXD Gv,Ed", extend(4, true));

def("LEA Gv,M", (g, i) => {
  if (i.seg !== 0) return false;
  if (i.osz === 4 || i.osz === 2 || i.asz === 4) {
    if (i.asz === 8 && i.base < 0 && i.index < 0) return false;
    const v = `${sum32(i)} | 0`;
    if (i.osz === 8) g.line(`lo[${i.reg}] = ${v}; hi[${i.reg}] = 0;`);
    else g.setReg(i.reg, i.osz, v);
    return true;
  }
  // 64-bit: the address's halves, as memory operands compute them.
  const [l, h] = g.halves(i);
  g.line(`lo[${i.reg}] = ${l}; hi[${i.reg}] = ${h};`);
  return true;
});

// ---- shifts by a constant ---------------------------------------------------------------------

function shiftImm(kind: "SHL" | "SHR" | "SAR", one: boolean): Emitter {
  return (g, i) => {
    const size = i.osz;
    if (size < 4 || i.rm < 0) return false;
    const n = (one ? 1 : i.imm) & (size === 8 ? 63 : 31);
    if (n === 0) {
      if (size === 4) g.line(`hi[${i.rm}] = 0;`);
      return true;
    }
    if (size === 4) {
      const a = regLocal(g, i.rm, 4), r = g.tmp("r");
      let cf: string, of: string;
      if (kind === "SHL") { g.line(`${r} = ${a} << ${n};`); cf = `((${a} >>> ${32 - n}) & 1)`; of = `(((${a} >>> 31) ^ (${a} >>> 30)) & 1)`; }
      else if (kind === "SHR") { g.line(`${r} = (${a} >>> ${n}) | 0;`); cf = `((${a} >>> ${n - 1}) & 1)`; of = `(${a} >>> 31)`; }
      else { g.line(`${r} = ${a} >> ${n};`); cf = `((${a} >> ${n - 1}) & 1)`; of = "0"; }
      g.produce({ kind: FlagOp.CfOf, sz: 2, a, ah: "", b: "", bh: "", r, rh: "", cf, of });
      g.setReg(i.rm, 4, r);
      return true;
    }
    const [a, ah] = reg64(g, i.rm);
    const r = g.tmp("r"), rh = g.tmp("rh");
    let cf: string, of: string;
    const bit = (k: number) => (k < 32 ? `((${a} >>> ${k}) & 1)` : `((${ah} >>> ${k - 32}) & 1)`);
    if (kind === "SHL") {
      if (n < 32) g.line(`${rh} = (${ah} << ${n}) | (${a} >>> ${32 - n}); ${r} = ${a} << ${n};`);
      else g.line(`${rh} = ${a} << ${n - 32}; ${r} = 0;`);
      cf = bit(64 - n); of = `(((${ah} >>> 31) ^ (${ah} >>> 30)) & 1)`;
    } else if (kind === "SHR") {
      if (n < 32) g.line(`${r} = (${a} >>> ${n}) | (${ah} << ${32 - n}); ${rh} = (${ah} >>> ${n}) | 0;`);
      else g.line(`${r} = (${ah} >>> ${n - 32}) | 0; ${rh} = 0;`);
      cf = bit(n - 1); of = `(${ah} >>> 31)`;
    } else {
      if (n < 32) g.line(`${r} = (${a} >>> ${n}) | (${ah} << ${32 - n}); ${rh} = ${ah} >> ${n};`);
      else g.line(`${r} = ${ah} >> ${n - 32}; ${rh} = ${ah} >> 31;`);
      cf = bit(n - 1); of = "0";
    }
    g.produce({ kind: FlagOp.CfOf, sz: 3, a, ah, b: "", bh: "", r, rh, cf, of });
    g.line(`lo[${i.rm}] = ${r}; hi[${i.rm}] = ${rh};`);
    return true;
  };
}
for (const k of ["SHL", "SHR", "SAR"] as const) {
  def(`${k} Ev,Ib`, shiftImm(k, false));
  def(`${k} Ev,1`, shiftImm(k, true));
}
def(["SAL Ev,Ib"], shiftImm("SHL", false));
def(["SAL Ev,1"], shiftImm("SHL", true));

// ---- IMUL (32-bit), SETcc, CMOVcc -----------------------------------------------------------

function imul32(imm: boolean): Emitter {
  return (g, i) => {
    if (i.osz !== 4) return false;
    const a = readE(g, i, 4);
    const b = imm ? String(i.imm | 0) : regLocal(g, i.reg, 4);
    const r = g.tmp("r");
    g.line(`${r} = Math.imul(${a}, ${b});`);
    const ovf = `(X.mulHiS32(${a}, ${b}) !== (${r} >> 31) ? 1 : 0)`;
    g.produce({ kind: FlagOp.CfOf, sz: 2, a, ah: "", b, bh: "", r, rh: "", cf: ovf, of: ovf });
    g.setReg(i.reg, 4, r);
    return true;
  };
}


// ---- MUL / IMUL (64-bit and one-operand), DIV / IDIV, rotates by a constant ----------------

function mulOne(signed: boolean): Emitter {
  return (g, i) => {
    if (i.osz === 4) {
      const b = readE(g, i, 4);
      const a = regLocal(g, 0, 4), lo = g.tmp("r"), hi = g.tmp("rh"), ovf = g.tmp("o");
      g.line(`${lo} = Math.imul(${a}, ${b}); ${hi} = X.${signed ? "mulHiS32" : "mulHiU32"}(${a}, ${b});`);
      g.line(`${ovf} = ${signed ? `${hi} !== (${lo} >> 31)` : `${hi} !== 0`} ? 1 : 0;`);
      g.setReg(0, 4, lo);
      g.setReg(2, 4, hi);
      g.produce({ kind: FlagOp.CfOf, sz: 2, a, ah: "", b, bh: "", r: lo, rh: "", cf: ovf, of: ovf });
      return true;
    }
    if (i.osz !== 8) return false;
    const [b, bh] = readE64(g, i);
    const lo = g.tmp("r"), hi = g.tmp("rh"), ovf = g.tmp("o");
    g.line(`X.mul64(lo[0], hi[0], ${b}, ${bh}, ${signed}); ${lo} = R[0]; ${hi} = R[1];`);
    g.line(`lo[2] = R[2]; hi[2] = R[3]; lo[0] = ${lo}; hi[0] = ${hi};`);
    g.line(signed ? `${ovf} = lo[2] === (${hi} >> 31) && hi[2] === (${hi} >> 31) ? 0 : 1;` : `${ovf} = (lo[2] | hi[2]) !== 0 ? 1 : 0;`);
    g.produce({ kind: FlagOp.CfOf, sz: 3, a: "", ah: "", b, bh, r: lo, rh: hi, cf: ovf, of: ovf });
    return true;
  };
}
def("MUL Ev", mulOne(false));
def("IMUL Ev", mulOne(true));

function imul64(imm: boolean): Emitter {
  return (g, i) => {
    if (i.osz !== 8) return false;
    const [a, ah] = readE64(g, i);
    const b = imm ? String(i.imm | 0) : `lo[${i.reg}]`, bh = imm ? String(i.immHi | 0) : `hi[${i.reg}]`;
    const lo = g.tmp("r"), hi = g.tmp("rh"), ovf = g.tmp("o");
    g.line(`X.mul64(${a}, ${ah}, ${b}, ${bh}, true); ${lo} = R[0]; ${hi} = R[1];`);
    g.line(`${ovf} = R[2] === (${hi} >> 31) && R[3] === (${hi} >> 31) ? 0 : 1;`);
    g.line(`lo[${i.reg}] = ${lo}; hi[${i.reg}] = ${hi};`);
    g.produce({ kind: FlagOp.CfOf, sz: 3, a, ah, b: "", bh: "", r: lo, rh: hi, cf: ovf, of: ovf });
    return true;
  };
}
def("IMUL Gv,Ev", (g, i) => (i.osz === 8 ? imul64(false)(g, i) : imul32(false)(g, i)));
def(["IMUL Gv,Ev,Iz", "IMUL Gv,Ev,Ib"], (g, i) => (i.osz === 8 ? imul64(true)(g, i) : imul32(true)(g, i)));

function divide(signed: boolean): Emitter {
  return (g, i) => {
    if (i.osz !== 8 && i.osz !== 4) return false;
    // #DE is raised by the helper: this is a fault point even for a register divisor.
    g.faultPoint();
    if (i.osz === 8) {
      const [d, dh] = i.rm >= 0 ? reg64(g, i.rm) : g.load(vaOf(g, i), 8);
      g.line(`X.div(s, lo[0], hi[0], lo[2], hi[2], ${d}, ${dh}, ${signed}, 64); ${FAULT_CHECK}`);
      g.line("lo[0] = R[0]; hi[0] = R[1]; lo[2] = R[2]; hi[2] = R[3];");
      return true;
    }
    const d = i.rm >= 0 ? regLocal(g, i.rm, 4) : g.load(vaOf(g, i), 4)[0];
    const ext = signed ? (e: string) => `(${e} >> 31)` : () => "0";
    g.line(`X.div(s, lo[0], lo[2], ${ext("lo[2]")}, ${ext("lo[2]")}, ${d}, ${ext(d)}, ${signed}, 32); ${FAULT_CHECK}`);
    g.line("lo[0] = R[0]; hi[0] = 0; lo[2] = R[2]; hi[2] = 0;");
    return true;
  };
}
def("DIV Ev", divide(false));
def("IDIV Ev", divide(true));

function rotate(left: boolean, one: boolean): Emitter {
  return (g, i) => {
    const size = i.osz;
    if ((size !== 4 && size !== 8) || i.rm < 0) return false;
    const n = (one ? 1 : i.imm) & (size === 8 ? 63 : 31);
    if (n === 0) {
      if (size === 4) g.line(`hi[${i.rm}] = 0;`);
      return true;
    }
    g.commitRecord();
    const c = g.tmp("c"), o = g.tmp("o");
    if (size === 4) {
      const a = regLocal(g, i.rm, 4), r = g.tmp("r");
      g.line(`${r} = ${left ? `(${a} << ${n}) | (${a} >>> ${32 - n})` : `(${a} >>> ${n}) | (${a} << ${32 - n})`};`);
      if (left) g.line(`${c} = ${r} & 1; ${o} = (${r} >>> 31) ^ ${c};`);
      else g.line(`${c} = ${r} >>> 31; ${o} = ${c} ^ ((${r} >>> 30) & 1);`);
      g.setReg(i.rm, 4, r);
    } else {
      const [a, ah] = reg64(g, i.rm);
      const r = g.tmp("r"), rh = g.tmp("rh");
      // Rotating left by n is rotating right by 64 - n.
      const k = left ? n : 64 - n;
      if (k === 32) g.line(`${r} = ${ah}; ${rh} = ${a};`);
      else if (k < 32) g.line(`${r} = (${a} << ${k}) | (${ah} >>> ${32 - k}); ${rh} = (${ah} << ${k}) | (${a} >>> ${32 - k});`);
      else g.line(`${r} = (${ah} << ${k - 32}) | (${a} >>> ${64 - k}); ${rh} = (${a} << ${k - 32}) | (${ah} >>> ${64 - k});`);
      if (left) g.line(`${c} = ${r} & 1; ${o} = (${rh} >>> 31) ^ ${c};`);
      else g.line(`${c} = ${rh} >>> 31; ${o} = ${c} ^ ((${rh} >>> 30) & 1);`);
      g.line(`lo[${i.rm}] = ${r}; hi[${i.rm}] = ${rh};`);
    }
    g.deferFlags(`X.rotFlags(s, ${c}, ${o}, ${n === 1});`);
    g.forgetFlags();
    return true;
  };
}
def("ROL Ev,Ib", rotate(true, false));
def("ROL Ev,1", rotate(true, true));
def("ROR Ev,Ib", rotate(false, false));
def("ROR Ev,1", rotate(false, true));

CC.forEach((c, cc) => {
  def(`SET${c} Eb`, (g, i) => {
    const v = g.tmp("b");
    g.line(`${v} = ${g.cond(cc)} ? 1 : 0;`);
    if (i.rm >= 0) { g.setReg(i.rm, 1, v); return true; }
    g.faultPoint();
    g.store(vaOf(g, i), 1, v);
    return true;
  });
  def(`CMOV${c} Gv,Ev`, (g, i) => {
    const size = i.osz;
    if (size === 8) {
      const [v, vh] = readE64(g, i);
      g.line(`if (${g.cond(cc)}) { lo[${i.reg}] = ${v}; hi[${i.reg}] = ${vh}; }`);
      return true;
    }
    if (size !== 4) return false;
    const v = readE(g, i, 4);
    g.line(`if (${g.cond(cc)}) lo[${i.reg}] = ${v};`);
    g.line(`hi[${i.reg}] = 0;`);
    return true;
  });
});

// ---- stack --------------------------------------------------------------------------------------

/** The line moving rsp by 8 bytes (delta: 8 or -8), its carry or borrow into the high half in int32 (gen.ts ltu). */
export function spMove(delta: 8 | -8): string {
  return delta > 0
    ? `lo[4] = (lo[4] + 8) | 0; if (${ltu("lo[4]", "8")}) hi[4] = (hi[4] + 1) | 0;`
    : `if (${ltu("lo[4]", "8")}) hi[4] = (hi[4] - 1) | 0; lo[4] = (lo[4] - 8) | 0;`;
}

/** Emits a 64-bit push of (v, vh): store at rsp-8, then rsp -= 8. */
export function push64(g: Gen, v: string, vh: string): void {
  const sp = g.offset(4, -8);
  g.store(sp, 8, v, vh, spMove(-8));
}

def("PUSH Zv", (g, i) => {
  if (i.osz !== 8) return false;
  g.faultPoint();
  const [v, vh] = reg64(g, i.reg);
  push64(g, v, vh);
  return true;
});

def(["PUSH Iz", "PUSH Ib"], (g, i) => {
  if (i.osz !== 8) return false;
  g.faultPoint();
  push64(g, String(i.imm | 0), String(i.immHi | 0));
  return true;
});

def("POP Zv", (g, i) => {
  if (i.osz !== 8) return false;
  g.faultPoint();
  const sp = g.offset(4, 0);
  const [v, vh] = g.load(sp, 8);
  g.line(spMove(8));
  g.line(`lo[${i.reg}] = ${v}; hi[${i.reg}] = ${vh};`);
  return true;
});

// ---- no-ops ----------------------------------------------------------------------------------------

def(["NOP -", "NOP Ev", "RESERVEDNOP Ev,Gv", "PAUSE -", "ENDBR64 -", "ENDBR32 -", "LFENCE -", "MFENCE -", "SFENCE -",
  "PREFETCHNTA Mb", "PREFETCHT0 Mb", "PREFETCHT1 Mb", "PREFETCHT2 Mb", "PREFETCH Mb", "PREFETCHW Mb"], () => true);
