/**
 * MUL, IMUL (one, two and three operands), DIV, IDIV.
 *
 * Flags: MUL/IMUL set CF = OF = "the result did not fit"; SF, ZF, PF come from
 * the low half of the result and AF is 0 (all four undefined by the SDM).
 * DIV/IDIV leave every flag unchanged (all undefined).
 * #DE on a zero divisor or a quotient that does not fit.
 */
import { raise, Vector } from "../../fault.js";
import { FlagOp } from "../flags.js";
import type { Handler, Insn } from "../decode/insn.js";
import type { CpuState } from "../state.js";
import { hi64, mask, readE, readE64, setReg, szIndex } from "./operands.js";
import { register } from "./registry.js";
import { mulHiS32, mulHiU32, mulS64, mulU64, w0, w1, w2, w3 } from "./wide.js";

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

function divNarrow(s: CpuState, i: Insn, signed: boolean): void {
  const size = i.osz;
  let d = readE(s, i, size);
  if (d === 0) raise(Vector.DE);
  let n: number;
  if (size === 1) n = s.lo[0] & 0xffff;
  else if (size === 2) n = ((s.lo[2] & 0xffff) * 65536) + (s.lo[0] & 0xffff);
  else n = (s.lo[2] >>> 0) * TWO32 + (s.lo[0] >>> 0);
  const bits = size * 8;
  if (signed) {
    d = getSigned(d, size);
    if (size === 4) {
      // The 64-bit dividend may exceed 2^53: BigInt (rare: 32-bit idiv with a wide dividend).
      if (s.lo[2] !== s.lo[0] >> 31) return divBig(s, i, signed, BigInt(s.lo[2]) << 32n | BigInt(s.lo[0] >>> 0), BigInt(d));
      n = s.lo[0];
    } else {
      n = size === 1 ? (n << 16) >> 16 : n | 0;
    }
    const q = Math.trunc(n / d);
    const r = n - q * d;
    const lim = 2 ** (bits - 1);
    if (q >= lim || q < -lim) raise(Vector.DE);
    storeQR(s, size, q, r);
    return;
  }
  d = size === 4 ? d >>> 0 : d;
  if (size === 4 && n >= 2 ** 53) {
    return divBig(s, i, signed, (BigInt(s.lo[2] >>> 0) << 32n) | BigInt(s.lo[0] >>> 0), BigInt(d));
  }
  const q = Math.floor(n / d);
  if (q >= 2 ** bits) raise(Vector.DE);
  storeQR(s, size, q, n - q * d);
}

function storeQR(s: CpuState, size: number, q: number, r: number): void {
  if (size === 1) setReg(s, 0, 2, (q & 0xff) | ((r & 0xff) << 8));
  else { setReg(s, 0, size, q); setReg(s, 2, size, r); }
}

/** Division with a dividend too wide for doubles; rare, so BigInt is fine. */
function divBig(s: CpuState, i: Insn, signed: boolean, n: bigint, d: bigint): void {
  const bits = BigInt(i.osz * 8);
  const q = n / d;
  const r = n % d;
  const fits = signed ? q >= -(1n << (bits - 1n)) && q < (1n << (bits - 1n)) : q < (1n << bits);
  if (!fits) raise(Vector.DE);
  if (i.osz === 8) {
    s.setBig(0, q);
    s.setBig(2, r);
  } else {
    setReg(s, 0, 4, Number(BigInt.asIntN(32, q)));
    setReg(s, 2, 4, Number(BigInt.asIntN(32, r)));
  }
}

function div64(s: CpuState, i: Insn, signed: boolean): void {
  const dl = readE64(s, i), dh = hi64;
  if (dl === 0 && dh === 0) raise(Vector.DE);
  const rdx = s.hi[2], edx = s.lo[2], rax = s.hi[0], eax = s.lo[0];
  // Fast path: both operands non-negative and below 2^53 (the same for DIV and IDIV).
  if (rdx === 0 && edx === 0 && rax >= 0 && rax < 0x200000 && dh >= 0 && dh < 0x200000) {
    const n = rax * TWO32 + (eax >>> 0);
    const d = dh * TWO32 + (dl >>> 0);
    const q = Math.floor(n / d);
    const r = n - q * d;
    s.lo[0] = q | 0; s.hi[0] = Math.floor(q / TWO32);
    s.lo[2] = r | 0; s.hi[2] = Math.floor(r / TWO32);
    return;
  }
  const n = (BigInt(rdx >>> 0) << 96n) | (BigInt(edx >>> 0) << 64n)
    | (BigInt(rax >>> 0) << 32n) | BigInt(eax >>> 0);
  const d = (BigInt(dh >>> 0) << 32n) | BigInt(dl >>> 0);
  if (signed) divBig(s, i, true, BigInt.asIntN(128, n), BigInt.asIntN(64, d));
  else divBig(s, i, false, n, d);
}

const div = (signed: boolean): Handler => (s, i) => (i.osz === 8 ? div64(s, i, signed) : divNarrow(s, i, signed));
register("DIV Eb", div(false));
register("DIV Ev", div(false));
register("IDIV Eb", div(true));
register("IDIV Ev", div(true));

