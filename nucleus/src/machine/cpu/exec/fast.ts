/**
 * Specialised interpreter handlers for the hottest forms (32- and 64-bit ALU,
 * MOV, INC/DEC on registers and memory). They compute exactly what the generic
 * handlers in alu.ts/mov.ts compute; the generic handlers' selectors pick these
 * when the operand size and kind match. Each variant is generated from one
 * template with its operation and size as constants, so the engine compiles a
 * branch-free body per variant instead of one body full of switches.
 */
import { FlagOp, Sz } from "../flags.js";
import type { Handler, Insn } from "../decode/insn.js";
import { ea, rmwEa } from "./operands.js";

export const enum Kind { RegReg = 0, RegImm, RegMem, MemReg, MemImm }

interface OpInfo { expr32: string; kind: number; writes: boolean; logic: boolean }

const OPS: Record<string, OpInfo> = {
  ADD: { expr32: "(a + b) | 0", kind: FlagOp.Add, writes: true, logic: false },
  OR: { expr32: "a | b", kind: FlagOp.Logic, writes: true, logic: true },
  AND: { expr32: "a & b", kind: FlagOp.Logic, writes: true, logic: true },
  SUB: { expr32: "(a - b) | 0", kind: FlagOp.Sub, writes: true, logic: false },
  XOR: { expr32: "a ^ b", kind: FlagOp.Logic, writes: true, logic: true },
  CMP: { expr32: "(a - b) | 0", kind: FlagOp.Sub, writes: false, logic: false },
  TEST: { expr32: "a & b", kind: FlagOp.Logic, writes: false, logic: true },
};

function body64(name: string): string {
  switch (name) {
    case "ADD": return "const t = (a >>> 0) + (b >>> 0); const r = t | 0; const rh = (ah + bh + (t > 4294967295 ? 1 : 0)) | 0;";
    case "SUB": case "CMP": return "const t = (a >>> 0) - (b >>> 0); const r = t | 0; const rh = (ah - bh - (t < 0 ? 1 : 0)) | 0;";
    case "OR": return "const r = a | b, rh = ah | bh;";
    case "XOR": return "const r = a ^ b, rh = ah ^ bh;";
    default: return "const r = a & b, rh = ah & bh;";
  }
}

/**
 * One ALU variant. dstIsRm: the destination is the r/m operand (E,G and E,I
 * forms); otherwise it is ModRM.reg (G,E and accumulator forms).
 */
function aluVariant(name: string, size: 4 | 8, kind: number, dstIsRm: boolean): Handler {
  const op = OPS[name];
  const flags32 = op.logic ? `s.fOp = ${op.kind | Sz.D}; s.fR = r;` : `s.fOp = ${op.kind | Sz.D}; s.fA = a; s.fR = r;`;
  const flags64 = op.logic ? `s.fOp = ${op.kind | Sz.Q}; s.fR = r; s.fRh = rh;`
    : `s.fOp = ${op.kind | Sz.Q}; s.fA = a; s.fAh = ah; s.fR = r; s.fRh = rh;`;
  const dst = dstIsRm ? "i.rm" : "i.reg";
  const src = dstIsRm ? "i.reg" : "i.rm";
  let code: string;
  if (size === 4) {
    switch (kind) {
      case Kind.RegReg: case Kind.RegImm: {
        const b = kind === Kind.RegImm ? "i.imm" : `lo[${src}]`;
        code = `const lo = s.lo, d = ${dst}; const a = lo[d], b = ${b}; const r = ${op.expr32};`
          + (op.writes ? " lo[d] = r; s.hi[d] = 0;" : "") + flags32;
        break;
      }
      case Kind.RegMem:
        code = `const b = s.mmu.read32(ea(s, i)); const d = i.reg; const a = s.lo[d]; const r = ${op.expr32};`
          + (op.writes ? " s.lo[d] = r; s.hi[d] = 0;" : "") + flags32;
        break;
      default: {
        const b = kind === Kind.MemImm ? "i.imm" : "s.lo[i.reg]";
        const va = op.writes ? "rmwEa(s, i, 4)" : "ea(s, i)";
        code = `const m = s.mmu; const va = ${va}; const a = m.read32(va), b = ${b}; const r = ${op.expr32};`
          + (op.writes ? " m.write32(va, r);" : "") + flags32;
      }
    }
  } else {
    switch (kind) {
      case Kind.RegReg: case Kind.RegImm: {
        const b = kind === Kind.RegImm ? "const b = i.imm, bh = i.immHi;" : `const sr = ${src}; const b = lo[sr], bh = hi[sr];`;
        code = `const lo = s.lo, hi = s.hi, d = ${dst}; ${b} const a = lo[d], ah = hi[d]; ${body64(name)}`
          + (op.writes ? " lo[d] = r; hi[d] = rh;" : "") + flags64;
        break;
      }
      case Kind.RegMem:
        code = `const m = s.mmu; const b = m.read64(ea(s, i)), bh = m.hi64; const lo = s.lo, hi = s.hi, d = i.reg;`
          + ` const a = lo[d], ah = hi[d]; ${body64(name)}` + (op.writes ? " lo[d] = r; hi[d] = rh;" : "") + flags64;
        break;
      default: {
        const b = kind === Kind.MemImm ? "const b = i.imm, bh = i.immHi;" : "const b = s.lo[i.reg], bh = s.hi[i.reg];";
        const va = op.writes ? "rmwEa(s, i, 8)" : "ea(s, i)";
        code = `const m = s.mmu; const va = ${va}; const a = m.read64(va), ah = m.hi64; ${b} ${body64(name)}`
          + (op.writes ? " m.write64(va, r, rh);" : "") + flags64;
      }
    }
  }
  const make = new Function("ea", "rmwEa", `return function ${name}_${size}_${kind}(s, i) { ${code} };`);
  return make(ea, rmwEa) as Handler;
}

const cache = new Map<string, Handler>();

/**
 * The specialised handler for an ALU instruction, or null. dstIsRm and
 * immSrc describe the form (E,G / G,E / E,I / accumulator,I).
 */
export function fastAlu(name: string, i: Insn, dstIsRm: boolean, immSrc: boolean): Handler | null {
  if (!(name in OPS) || (i.osz !== 4 && i.osz !== 8)) return null;
  let kind: number;
  const mem = i.rm < 0 && (dstIsRm || !immSrc);
  if (immSrc) kind = mem ? Kind.MemImm : Kind.RegImm;
  else if (!mem) kind = Kind.RegReg;
  else kind = dstIsRm ? Kind.MemReg : Kind.RegMem;
  // Accumulator forms have no ModRM: their destination is `reg` (0).
  const key = `${name}/${i.osz}/${kind}/${dstIsRm && !(immSrc && i.modrm < 0)}`;
  let h = cache.get(key);
  if (!h) {
    h = aluVariant(name, i.osz as 4 | 8, kind, dstIsRm && !(immSrc && i.modrm < 0));
    cache.set(key, h);
  }
  return h;
}

// ---- MOV ----------------------------------------------------------------------------

export const movRR32: Handler = (s, i) => { s.lo[i.rm] = s.lo[i.reg]; s.hi[i.rm] = 0; };
export const movRR64: Handler = (s, i) => { s.lo[i.rm] = s.lo[i.reg]; s.hi[i.rm] = s.hi[i.reg]; };
export const movGR32: Handler = (s, i) => { s.lo[i.reg] = s.lo[i.rm]; s.hi[i.reg] = 0; };
export const movGR64: Handler = (s, i) => { s.lo[i.reg] = s.lo[i.rm]; s.hi[i.reg] = s.hi[i.rm]; };
export const movLoad32: Handler = (s, i) => { const v = s.mmu.read32(ea(s, i)); s.lo[i.reg] = v; s.hi[i.reg] = 0; };
export const movLoad64: Handler = (s, i) => {
  const m = s.mmu;
  const v = m.read64(ea(s, i));
  s.lo[i.reg] = v;
  s.hi[i.reg] = m.hi64;
};
export const movStore32: Handler = (s, i) => s.mmu.write32(ea(s, i), s.lo[i.reg]);
export const movStore64: Handler = (s, i) => s.mmu.write64(ea(s, i), s.lo[i.reg], s.hi[i.reg]);

// ---- INC / DEC on 32/64-bit registers ----------------------------------------------------

import { cf } from "../flags.js";

export const inc32: Handler = (s, i) => {
  const c = cf(s);
  const r = (s.lo[i.rm] + 1) | 0;
  s.lo[i.rm] = r; s.hi[i.rm] = 0;
  s.fOp = FlagOp.Inc | Sz.D; s.fA = c; s.fR = r;
};
export const dec32: Handler = (s, i) => {
  const c = cf(s);
  const r = (s.lo[i.rm] - 1) | 0;
  s.lo[i.rm] = r; s.hi[i.rm] = 0;
  s.fOp = FlagOp.Dec | Sz.D; s.fA = c; s.fR = r;
};
export const inc64: Handler = (s, i) => {
  const c = cf(s);
  const d = i.rm;
  const r = (s.lo[d] + 1) | 0;
  const rh = r === 0 ? (s.hi[d] + 1) | 0 : s.hi[d];
  s.lo[d] = r; s.hi[d] = rh;
  s.fOp = FlagOp.Inc | Sz.Q; s.fA = c; s.fR = r; s.fRh = rh;
};
export const dec64: Handler = (s, i) => {
  const c = cf(s);
  const d = i.rm;
  const a = s.lo[d];
  const r = (a - 1) | 0;
  const rh = a === 0 ? (s.hi[d] - 1) | 0 : s.hi[d];
  s.lo[d] = r; s.hi[d] = rh;
  s.fOp = FlagOp.Dec | Sz.Q; s.fA = c; s.fR = r; s.fRh = rh;
};
