/**
 * MUL, IMUL (one, two and three operands), DIV, IDIV.
 *
 * Flags: MUL/IMUL set CF = OF = "the result did not fit"; SF, ZF, PF come from
 * the low half of the result and AF is 0 (all four undefined by the SDM).
 * DIV/IDIV leave every flag unchanged (all undefined); wide dividends use
 * wide.ts's 128/64 division, so no BigInt on any path.
 * #DE on a zero divisor or a quotient that does not fit.
 */
import { raise, Vector } from "../../fault.js";
import { FlagOp } from "../flags.js";
import type { Handler, Insn } from "../decode/insn.js";
import type { CpuState } from "../state.js";
import { hi64, mask, readE, readE64, setReg, szIndex } from "./operands.js";
import { register } from "./registry.js";
import { divU128, mulHiS32, mulHiU32, mulS64, mulU64, w0, w1, w2, w3 } from "./wide.js";

const TWO32 = 4294967296;

function flagsCfOf(s: CpuState, overflow: boolean, size: number, lo: number, hi: number): void {
  s.fOp = FlagOp.CfOf | szIndex(size);
  s.fA = overflow ? 3 : 0;
  s.fR = lo;
  s.fRh = hi;
}

// ---- one-operand MUL / IMUL: rDX:rAX = rAX * E ---------------------------------

function mul1(signed: boolean): Handler {
  return (s, i) => {
    const size = i.osz;
    if (size === 8) {
      const bl = readE64(s, i), bh = hi64;
      if (signed) mulS64(s.lo[0], s.hi[0], bl, bh); else mulU64(s.lo[0], s.hi[0], bl, bh);
      s.lo[0] = w0; s.hi[0] = w1; s.lo[2] = w2; s.hi[2] = w3;
      const fits = signed ? w2 === w1 >> 31 && w3 === w1 >> 31 : w2 === 0 && w3 === 0;
      flagsCfOf(s, !fits, 8, w0, w1);
      return;
    }
    let b = readE(s, i, size);
    let a = s.lo[0];
    if (size === 4) {
      const lo = Math.imul(a, b);
      const hi = signed ? mulHiS32(a, b) : mulHiU32(a, b);
      setReg(s, 0, 4, lo);
      setReg(s, 2, 4, hi);
      flagsCfOf(s, signed ? hi !== lo >> 31 : hi !== 0, 4, lo, 0);
      return;
    }
    if (signed) {
      a = size === 1 ? (a << 24) >> 24 : (a << 16) >> 16;
      b = size === 1 ? (b << 24) >> 24 : (b << 16) >> 16;
    } else {
      a = mask(a, size);
    }
    const p = a * b;
    if (size === 1) {
      setReg(s, 0, 2, p);
      const lo = p & 0xff;
      flagsCfOf(s, signed ? p !== (lo << 24) >> 24 : p > 0xff, 1, lo, 0);
    } else {
      setReg(s, 0, 2, p);
      setReg(s, 2, 2, p >> 16);
      const lo = p & 0xffff;
      flagsCfOf(s, signed ? p !== (lo << 16) >> 16 : p > 0xffff, 2, lo, 0);
    }
  };
}
register("MUL Eb", mul1(false));
register("MUL Ev", mul1(false));
register("IMUL Eb", mul1(true));
register("IMUL Ev", mul1(true));

// ---- two/three-operand IMUL: G = E * (G or imm), truncated ---------------------

function imul(src: "G" | "I"): Handler {
  return (s, i) => {
    const size = i.osz;
    if (size === 8) {
      const al = readE64(s, i), ah = hi64;
      const bl = src === "I" ? i.imm : s.lo[i.reg];
      const bh = src === "I" ? i.immHi : s.hi[i.reg];
      mulS64(al, ah, bl, bh);
      s.lo[i.reg] = w0;
      s.hi[i.reg] = w1;
      flagsCfOf(s, !(w2 === w1 >> 31 && w3 === w1 >> 31), 8, w0, w1);
      return;
    }
    const a = readE(s, i, size);
    const b = src === "I" ? i.imm : getSigned(s.lo[i.reg], size);
    if (size === 4) {
      const lo = Math.imul(a, b);
      const hi = mulHiS32(a, b);
      setReg(s, i.reg, 4, lo);
      flagsCfOf(s, hi !== lo >> 31, 4, lo, 0);
      return;
    }
    const p = (size === 1 ? (a << 24) >> 24 : (a << 16) >> 16) * b;
    const lo = mask(p, size);
    setReg(s, i.reg, size, lo);
    flagsCfOf(s, p !== (size === 1 ? (lo << 24) >> 24 : (lo << 16) >> 16), size, lo, 0);
  };
}

function getSigned(v: number, size: number): number {
  return size === 1 ? (v << 24) >> 24 : size === 2 ? (v << 16) >> 16 : v;
}

register("IMUL Gv,Ev", imul("G"));
register("IMUL Gv,Ev,Iz", imul("I"));
register("IMUL Gv,Ev,Ib", imul("I"));

// ---- DIV / IDIV --------------------------------------------------------------------

/** Results of divide(): quotient and remainder as (low, high) 32-bit halves. */
export let q0 = 0, q1 = 0, r0 = 0, r1 = 0;

/**
 * Divides the 128-bit (n3:n2:n1:n0) by the 64-bit (d1:d0), signed or not, into
 * q0/q1 and r0/r1; false on #DE. `bits` is the width the quotient must fit (64,
 * or 32 for the 32-bit operand size with a wide dividend).
 */
export function divide(n0: number, n1: number, n2: number, n3: number, d0: number, d1: number, signed: boolean, bits: number): boolean {
  const nNeg = signed && n3 < 0, dNeg = signed && d1 < 0;
  if (nNeg) {
    // 128-bit two's complement negation.
    n0 = ~n0; n1 = ~n1; n2 = ~n2; n3 = ~n3;
    let t = (n0 >>> 0) + 1; n0 = t | 0;
    if (t > 0xffffffff) { t = (n1 >>> 0) + 1; n1 = t | 0; if (t > 0xffffffff) { t = (n2 >>> 0) + 1; n2 = t | 0; if (t > 0xffffffff) n3 = (n3 + 1) | 0; } }
  }
  if (dNeg) {
    d0 = ~d0; d1 = ~d1;
    const t = (d0 >>> 0) + 1; d0 = t | 0;
    if (t > 0xffffffff) d1 = (d1 + 1) | 0;
  }
  if (!divU128(n0, n1, n2, n3, d0, d1)) return false;
  q0 = w0; q1 = w1; r0 = w2; r1 = w3;
  if (bits === 32 && q1 !== 0) return false;
  if (signed) {
    // The magnitude must be below 2^(bits-1), or equal to it for a negative quotient.
    const negQ = nNeg !== dNeg;
    const top = bits === 64 ? q1 : q0;
    if (top < 0 && !(negQ && top === -2147483648 && (bits === 32 || q0 === 0))) return false;
    if (negQ) { const t = (~q0 >>> 0) + 1; q0 = t | 0; q1 = (~q1 + (t > 0xffffffff ? 1 : 0)) | 0; }
    if (nNeg) { const t = (~r0 >>> 0) + 1; r0 = t | 0; r1 = (~r1 + (t > 0xffffffff ? 1 : 0)) | 0; }
  }
  return true;
}

function divNarrow(s: CpuState, i: Insn, signed: boolean): void {
  const size = i.osz;
  let d = readE(s, i, size);
  if (d === 0) raise(Vector.DE);
  if (size === 4) {
    // edx:eax / r/m32. Doubles are exact when the dividend fits in 53 bits.
    const hi = s.lo[2], lo = s.lo[0];
    if (signed ? hi === lo >> 31 : hi === 0) {
      const n = signed ? lo : lo >>> 0;
      const dv = signed ? d : d >>> 0;
      const q = Math.trunc(n / dv);
      if (signed ? q >= 2 ** 31 || q < -(2 ** 31) : q >= 2 ** 32) raise(Vector.DE);
      storeQR(s, 4, q, n - q * dv);
      return;
    }
    const d1 = signed ? d >> 31 : 0;
    const n2 = signed ? hi >> 31 : 0;
    if (!divide(lo, hi, n2, n2, d, d1, signed, 32)) raise(Vector.DE);
    storeQR(s, 4, q0, r0);
    return;
  }
  let n: number;
  if (size === 1) n = s.lo[0] & 0xffff;
  else n = ((s.lo[2] & 0xffff) * 65536) + (s.lo[0] & 0xffff);
  const bits = size * 8;
  if (signed) {
    d = getSigned(d, size);
    n = size === 1 ? (n << 16) >> 16 : n | 0;
    const q = Math.trunc(n / d);
    const lim = 2 ** (bits - 1);
    if (q >= lim || q < -lim) raise(Vector.DE);
    storeQR(s, size, q, n - q * d);
    return;
  }
  const q = Math.floor(n / d);
  if (q >= 2 ** bits) raise(Vector.DE);
  storeQR(s, size, q, n - q * d);
}

function storeQR(s: CpuState, size: number, q: number, r: number): void {
  if (size === 1) setReg(s, 0, 2, (q & 0xff) | ((r & 0xff) << 8));
  else { setReg(s, 0, size, q); setReg(s, 2, size, r); }
}

function div64(s: CpuState, i: Insn, signed: boolean): void {
  const dl = readE64(s, i), dh = hi64;
  if (dl === 0 && dh === 0) raise(Vector.DE);
  if (!divide(s.lo[0], s.hi[0], s.lo[2], s.hi[2], dl, dh, signed, 64)) raise(Vector.DE);
  s.lo[0] = q0; s.hi[0] = q1;
  s.lo[2] = r0; s.hi[2] = r1;
}

const div = (signed: boolean): Handler => (s, i) => (i.osz === 8 ? div64(s, i, signed) : divNarrow(s, i, signed));
register("DIV Eb", div(false));
register("DIV Ev", div(false));
register("IDIV Eb", div(true));
register("IDIV Ev", div(true));
