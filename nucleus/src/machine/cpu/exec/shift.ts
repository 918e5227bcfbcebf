/**
 * Shifts and rotates: ROL ROR RCL RCR SHL/SAL SHR SAR (by imm8, 1, CL) and
 * SHLD/SHRD.
 *
 * The count is masked to 5 bits (6 for 64-bit operands); a masked count of 0
 * changes no flags. Shifts set CF (last bit out), SF/ZF/PF from the result and
 * AF = 0 (undefined). Rotates change only CF and OF. OF, which the SDM defines
 * for a count of 1 only, is computed as Intel hardware does for any count: from
 * the first 1-bit step (SHL/SHLD: bit w-1 xor bit w-2 of the destination; SHRD:
 * its bit w-1 xor the source's bit 0; SHR: bit w-1; SAR: 0; RCL as SHL; RCR:
 * old CF xor bit w-1), except ROL/ROR by more than 1, which leave OF unchanged.
 * SHLD/SHRD with a 16-bit operand shift the 48-bit dest:src:dest, which is what
 * hardware does for counts above 16 (undefined in the SDM).
 */
import { FlagOp, cf as carryFlag, writeFlagBits } from "../flags.js";
import type { Handler, Insn } from "../decode/insn.js";
import { Rflag, type CpuState } from "../state.js";
import { getReg, mask, readMem, rmwEa, setReg, szIndex, writeMem } from "./operands.js";
import { register } from "./registry.js";

const enum Op { Rol = 0, Ror, Rcl, Rcr, Shl, Shr, Sal, Sar }

type CountSrc = "Ib" | "1" | "CL";

function count(s: CpuState, i: Insn, src: CountSrc): number {
  const c = src === "Ib" ? i.imm : src === "1" ? 1 : s.lo[1];
  return c & (i.osz === 8 ? 0x3f : 0x1f);
}

// Results of the 64-bit helpers.
let rLo = 0, rHi = 0;

function shl64(lo: number, hi: number, n: number): void {
  if (n === 0) { rLo = lo; rHi = hi; } else if (n < 32) { rHi = (hi << n) | (lo >>> (32 - n)); rLo = lo << n; }
  else { rHi = n < 64 ? lo << (n - 32) : 0; rLo = 0; }
}

function shr64(lo: number, hi: number, n: number): void {
  if (n === 0) { rLo = lo; rHi = hi; } else if (n < 32) { rLo = (lo >>> n) | (hi << (32 - n)); rHi = hi >>> n; }
  else { rLo = n < 64 ? hi >>> (n - 32) : 0; rHi = 0; }
}

function sar64(lo: number, hi: number, n: number): void {
  if (n === 0) { rLo = lo; rHi = hi; } else if (n < 32) { rLo = (lo >>> n) | (hi << (32 - n)); rHi = hi >> n; }
  else { rLo = hi >> (n - 32); rHi = hi >> 31; }
}

function bit64(lo: number, hi: number, k: number): number {
  return k < 32 ? (lo >>> k) & 1 : (hi >>> (k - 32)) & 1;
}

/** Flags for a shift: CF/OF explicit, the rest from the result. */
function shiftFlags(s: CpuState, size: number, c: number, o: number, lo: number, hi: number): void {
  s.fOp = FlagOp.CfOf | szIndex(size);
  s.fA = c | (o << 1);
  s.fR = lo;
  s.fRh = hi;
}

/** Shift/rotate of a 1..4 byte value; returns the result, sets pendingFlags. */
function narrow(s: CpuState, op: number, size: number, a: number, n: number): number {
  const w = size * 8;
  const top = w - 1;
  let r: number, c: number, o: number;
  switch (op) {
    case Op.Shl: case Op.Sal:
      r = mask(n < 32 ? a << n : 0, size);
      c = n <= w ? (a >>> (w - n)) & 1 : 0;
      o = ((a >>> top) ^ (a >>> (top - 1))) & 1;
      pending = 1; pc = c; po = o;
      return r;
    case Op.Shr:
      r = n < 32 ? a >>> n : 0;
      r = mask(r, size);
      c = (a >>> (n - 1)) & 1;
      o = (a >>> top) & 1;
      pending = 1; pc = c; po = o;
      return r;
    case Op.Sar: {
      const sa = size === 1 ? (a << 24) >> 24 : size === 2 ? (a << 16) >> 16 : a | 0;
      r = mask(sa >> (n > 31 ? 31 : n), size);
      c = (sa >> (n - 1 > 31 ? 31 : n - 1)) & 1;
      pending = 1; pc = c; po = 0;
      return r;
    }
    case Op.Rol: {
      const k = n % w;
      r = k === 0 ? a : mask((a << k) | (a >>> (w - k)), size);
      c = r & 1;
      o = ((r >>> top) & 1) ^ c;
      pending = n === 1 ? 2 : 3; pc = c; po = o;
      return r;
    }
    case Op.Ror: {
      const k = n % w;
      r = k === 0 ? a : mask((a >>> k) | (a << (w - k)), size);
      c = (r >>> top) & 1;
      o = c ^ ((r >>> (top - 1)) & 1);
      pending = n === 1 ? 2 : 3; pc = c; po = o;
      return r;
    }
    case Op.Rcl: {
      let k = size < 4 ? n % (w + 1) : n;
      // A rotate count that is a multiple of the width + 1 changes nothing, flags included.
      if (k === 0) { pending = 0; return a; }
      let cf = carryFlag(s);
      r = a;
      for (; k > 0; k--) {
        const out = (r >>> top) & 1;
        r = mask((r << 1) | cf, size);
        cf = out;
      }
      pending = 2; pc = cf; po = ((a >>> top) ^ (a >>> (top - 1))) & 1;
      return r;
    }
    default: {
      let k = size < 4 ? n % (w + 1) : n;
      if (k === 0) { pending = 0; return a; }
      const cfOld = carryFlag(s);
      let cf = cfOld;
      r = a;
      for (; k > 0; k--) {
        const out = r & 1;
        r = mask((r >>> 1) | (cf << top), size);
        cf = out;
      }
      pending = 2; pc = cf; po = cfOld ^ ((a >>> top) & 1);
      return r;
    }
  }
}

/** 64-bit shift/rotate on halves; result in rLo/rHi. */
function wide(s: CpuState, op: number, lo: number, hi: number, n: number): void {
  switch (op) {
    case Op.Shl: case Op.Sal:
      shl64(lo, hi, n);
      pc = bit64(lo, hi, 64 - n);
      pending = 1; po = ((hi >>> 31) ^ (hi >>> 30)) & 1;
      return;
    case Op.Shr:
      shr64(lo, hi, n);
      pc = bit64(lo, hi, n - 1);
      pending = 1; po = hi >>> 31;
      return;
    case Op.Sar:
      sar64(lo, hi, n);
      pc = bit64(lo, hi, n - 1);
      pending = 1; po = 0;
      return;
    case Op.Rol: {
      shl64(lo, hi, n); const l = rLo, h = rHi;
      shr64(lo, hi, 64 - n); rLo |= l; rHi |= h;
      pc = rLo & 1; po = (rHi >>> 31) ^ pc; pending = n === 1 ? 2 : 3;
      return;
    }
    case Op.Ror: {
      shr64(lo, hi, n); const l = rLo, h = rHi;
      shl64(lo, hi, 64 - n); rLo |= l; rHi |= h;
      pc = rHi >>> 31; po = pc ^ ((rHi >>> 30) & 1); pending = n === 1 ? 2 : 3;
      return;
    }
    case Op.Rcl: {
      let cf = carryFlag(s);
      po = ((hi >>> 31) ^ (hi >>> 30)) & 1;
      for (let k = n; k > 0; k--) {
        const out = hi >>> 31;
        hi = (hi << 1) | (lo >>> 31);
        lo = (lo << 1) | cf;
        cf = out;
      }
      rLo = lo; rHi = hi; pc = cf; pending = 2;
      return;
    }
    default: {
      let cf = carryFlag(s);
      po = cf ^ (hi >>> 31);
      for (let k = n; k > 0; k--) {
        const out = lo & 1;
        lo = (lo >>> 1) | (hi << 31);
        hi = (hi >>> 1) | (cf << 31);
        cf = out;
      }
      rLo = lo; rHi = hi; pc = cf; pending = 2;
    }
  }
}

// Flag outcome of the last narrow/wide call: 1 = shift (CfOf), 2 = rotate (CF and OF),
// 3 = rotate by more than 1 (CF only), 0 = none.
let pending = 0, pc = 0, po = 0;

function commitFlags(s: CpuState, size: number, lo: number, hi: number): void {
  if (pending === 1) shiftFlags(s, size, pc, po, lo, hi);
  else if (pending === 2) writeFlagBits(s, Rflag.CF | Rflag.OF, pc | (po << 11));
  else if (pending === 3) writeFlagBits(s, Rflag.CF, pc);
}

function shiftHandler(op: number, src: CountSrc): Handler {
  return (s, i) => {
    const n = count(s, i, src);
    const size = i.osz;
    const va = i.rm >= 0 ? 0 : rmwEa(s, i, size === 8 ? 8 : size);
    if (size === 8) {
      let lo: number, hi: number;
      if (i.rm >= 0) { lo = s.lo[i.rm]; hi = s.hi[i.rm]; } else { lo = s.mmu.read64(va); hi = s.mmu.hi64; }
      if (n === 0) return;
      wide(s, op, lo, hi, n);
      if (i.rm >= 0) { s.lo[i.rm] = rLo; s.hi[i.rm] = rHi; } else s.mmu.write64(va, rLo, rHi);
      commitFlags(s, 8, rLo, rHi);
      return;
    }
    const a = i.rm >= 0 ? getReg(s, i.rm, size) : readMem(s, va, size);
    if (n === 0) {
      // The destination is still written: a 32-bit register is zero-extended.
      if (i.rm >= 0 && size === 4) s.hi[i.rm] = 0;
      return;
    }
    const r = narrow(s, op, size, a, n);
    if (i.rm >= 0) setReg(s, i.rm, size, r); else writeMem(s, va, size, r);
    commitFlags(s, size, r, 0);
  };
}

const NAMES = ["ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "SAL", "SAR"];
NAMES.forEach((name, op) => {
  for (const src of ["Ib", "1", "CL"] as const) {
    const h = shiftHandler(op, src);
    register(`${name} Eb,${src}`, h);
    register(`${name} Ev,${src}`, h);
  }
});

// ---- SHLD / SHRD -------------------------------------------------------------

function doubleShift(left: boolean, src: "Ib" | "CL"): Handler {
  return (s, i) => {
    const n = count(s, i, src);
    const size = i.osz;
    const va = i.rm >= 0 ? 0 : rmwEa(s, i, size === 8 ? 8 : size);
    if (size === 8) {
      let lo: number, hi: number;
      if (i.rm >= 0) { lo = s.lo[i.rm]; hi = s.hi[i.rm]; } else { lo = s.mmu.read64(va); hi = s.mmu.hi64; }
      if (n === 0) return;
      const gl = s.lo[i.reg], gh = s.hi[i.reg];
      let c: number;
      if (left) {
        shr64(gl, gh, 64 - n); const fl = rLo, fh = rHi;
        shl64(lo, hi, n); rLo |= fl; rHi |= fh;
        c = bit64(lo, hi, 64 - n);
      } else {
        shl64(gl, gh, 64 - n); const fl = rLo, fh = rHi;
        shr64(lo, hi, n); rLo |= fl; rHi |= fh;
        c = bit64(lo, hi, n - 1);
      }
      const rl = rLo, rh = rHi;
      if (i.rm >= 0) { s.lo[i.rm] = rl; s.hi[i.rm] = rh; } else s.mmu.write64(va, rl, rh);
      shiftFlags(s, 8, c, left ? ((hi >>> 31) ^ (hi >>> 30)) & 1 : ((hi >>> 31) ^ gl) & 1, rl, rh);
      return;
    }
    const a = i.rm >= 0 ? getReg(s, i.rm, size) : readMem(s, va, size);
    if (n === 0) {
      if (i.rm >= 0 && size === 4) s.hi[i.rm] = 0;
      return;
    }
    const g = getReg(s, i.reg, size);
    const w = size * 8;
    let r: number, c: number;
    if (size === 4) {
      r = left ? (a << n) | (g >>> (32 - n)) : (a >>> n) | (g << (32 - n));
      c = left ? (a >>> (32 - n)) & 1 : (a >>> (n - 1)) & 1;
    } else {
      // 16-bit: shift the 48-bit value dest:src:dest (what Intel hardware does; counts
      // above 16 are undefined in the SDM). SHLD keeps bits 32-n..47-n, SHRD bits n..n+15.
      const t = a * 4294967296 + g * 65536 + a;
      if (left) {
        r = Math.floor(t / 2 ** (32 - n)) % 65536;
        c = Math.floor(t / 2 ** (48 - n)) % 2;
      } else {
        r = Math.floor(t / 2 ** n) % 65536;
        c = Math.floor(t / 2 ** (n - 1)) % 2;
      }
    }
    r = mask(r, size);
    if (i.rm >= 0) setReg(s, i.rm, size, r); else writeMem(s, va, size, r);
    shiftFlags(s, size, c, left ? ((a >>> (w - 1)) ^ (a >>> (w - 2))) & 1 : ((a >>> (w - 1)) ^ g) & 1, r, 0);
  };
}

register("SHLD Ev,Gv,Ib", doubleShift(true, "Ib"));
register("SHLD Ev,Gv,CL", doubleShift(true, "CL"));
register("SHRD Ev,Gv,Ib", doubleShift(false, "Ib"));
register("SHRD Ev,Gv,CL", doubleShift(false, "CL"));
