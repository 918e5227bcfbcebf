/**
 * One lane of SSE floating-point arithmetic: add, subtract, multiply, divide,
 * square root, min and max in binary32 and binary64, with the exceptions and
 * special operands exactly as the hardware handles them (SDM vol. 1, 4.8.3 and
 * 11.5; confirmed on the host):
 *   - a NaN operand gives the first operand if it is a NaN, else the second,
 *     made quiet; IE if either is signalling. No other exception is reported;
 *   - invalid operations (inf - inf, 0 * inf, 0/0, inf/inf, sqrt of a negative)
 *     give the default NaN (negative quiet NaN) with IE;
 *   - division of a nonzero finite number by zero gives infinity with ZE alone;
 *   - otherwise a denormal operand reports DE, unless DAZ turns it into a zero;
 *   - MIN/MAX return the second operand when either is a NaN (IE, signalling or
 *     not) or both are zeros.
 *
 * Operands and results are lane indices into the scratch views of xmm.ts (W32 /
 * WF32 for binary32, WF64 and the W32 pairs for binary64). A lane function reads
 * both operands before writing its result, so a result may overwrite an operand.
 */
import { Mx, Rc, env } from "./mxcsr.js";
import {
  MIN_NORMAL64, coefficient, exponent, isqrt, productError, roundBig64, sumErrorSign, tinyExact64, toF32, toF64,
  twoProduct,
} from "./rounding.js";
import { W32, WF32, WF64 } from "./xmm.js";

export const enum Op { Add = 0, Sub = 1, Mul = 2, Div = 3 }

export const NAN32 = 0xffc00000 | 0;
export const NAN64_HI = 0xfff80000 | 0;

function isNeg(x: number): boolean {
  return x < 0 || (x === 0 && 1 / x < 0);
}

/** The zero of an exact cancellation: -0 when rounding down, +0 otherwise (both operands zero of one sign keep it). */
function zeroSum(a: number, b: number): number {
  if (a === 0 && b === 0 && isNeg(a) === isNeg(b)) return a;
  return env.rc === Rc.Down ? -0 : 0;
}

function dirOf(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

// ---- binary32 ------------------------------------------------------------------------------------

function isNan32(bits: number): boolean {
  return (bits & 0x7fffffff) > 0x7f800000;
}

/** NaN operand rule; true when it produced the result. */
function nan32(ab: number, bb: number, r: number): boolean {
  const an = isNan32(ab), bn = isNan32(bb);
  if (!an && !bn) return false;
  if ((an && (ab & 0x400000) === 0) || (bn && (bb & 0x400000) === 0)) env.pre |= Mx.IE;
  W32[r] = (an ? ab : bb) | 0x400000;
  return true;
}

function isDenormal32(bits: number): boolean {
  return (bits & 0x7f800000) === 0 && (bits & 0x7fffff) !== 0;
}

/** Operand value with DAZ applied; notes a denormal operand in `den`. */
let den = false;

function val32(bits: number, x: number): number {
  if (isDenormal32(bits)) {
    if (env.daz) return bits < 0 ? -0 : 0;
    den = true;
  }
  return WF32[x];
}

function invalid32(r: number): void {
  env.pre |= Mx.IE;
  W32[r] = NAN32;
}

export function arith32(op: number, x: number, y: number, r: number): void {
  const ab = W32[x], bb = W32[y];
  if (nan32(ab, bb, r)) return;
  den = false;
  const a = val32(ab, x);
  let b = val32(bb, y);
  if (op === Op.Sub) b = -b;
  const aInf = a - a !== 0, bInf = b - b !== 0;
  let v: number;
  switch (op) {
    case Op.Add: case Op.Sub:
      if (aInf || bInf) {
        if (a === -b) return invalid32(r);
        v = aInf ? a : b;
        break;
      }
      v = a + b;
      if (v === 0) v = zeroSum(a, b);
      else v = toF32(v, sumErrorSign(a, b, v));
      break;
    case Op.Mul:
      if ((aInf && b === 0) || (bInf && a === 0)) return invalid32(r);
      v = a * b; // exact in binary64
      if (!aInf && !bInf && v !== 0) v = toF32(v, 0);
      break;
    default:
      if ((aInf && bInf) || (a === 0 && b === 0)) return invalid32(r);
      if (b === 0 && !aInf) {
        env.pre |= Mx.ZE;
        WF32[r] = a / b;
        return;
      }
      v = a / b;
      if (!aInf && !bInf && a !== 0 && b !== 0) {
        const p = twoProduct(v, b);
        v = toF32(v, dirOf((a - p) - productError) * (b < 0 ? -1 : 1));
      }
  }
  if (den) env.pre |= Mx.DE;
  WF32[r] = v;
}

export function sqrt32(x: number, r: number): void {
  const ab = W32[x];
  if (isNan32(ab)) {
    if ((ab & 0x400000) === 0) env.pre |= Mx.IE;
    W32[r] = ab | 0x400000;
    return;
  }
  den = false;
  const a = val32(ab, x);
  if (a === 0 || a === Infinity) { WF32[r] = a; return; }
  if (a < 0) return invalid32(r);
  env.pre |= den ? Mx.DE : 0;
  const s = Math.sqrt(a);
  const p = twoProduct(s, s);
  WF32[r] = toF32(s, dirOf((a - p) - productError));
}

/** MINPS/MAXPS lane: the second operand on NaN or equal zeros. */
export function minMax32(max: boolean, x: number, y: number, r: number): void {
  const ab = W32[x], bb = W32[y];
  if (isNan32(ab) || isNan32(bb)) {
    env.pre |= Mx.IE;
    // The second operand is returned as DAZ left it.
    W32[r] = env.daz && isDenormal32(bb) ? bb & (0x80000000 | 0) : bb;
    return;
  }
  den = false;
  const a = val32(ab, x), b = val32(bb, y);
  if (den) env.pre |= Mx.DE;
  const firstWins = max ? a > b : a < b;
  WF32[r] = firstWins ? a : b;
}

// ---- binary64 -------------------------------------------------------------------------------------

function isNan64(hi: number, lo: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
}

function nan64(x: number, y: number, r: number): boolean {
  const ah = W32[2 * x + 1], al = W32[2 * x], bh = W32[2 * y + 1], bl = W32[2 * y];
  const an = isNan64(ah, al), bn = isNan64(bh, bl);
  if (!an && !bn) return false;
  if ((an && (ah & 0x80000) === 0) || (bn && (bh & 0x80000) === 0)) env.pre |= Mx.IE;
  W32[2 * r] = an ? al : bl;
  W32[2 * r + 1] = (an ? ah : bh) | 0x80000;
  return true;
}

function val64(x: number): number {
  const hi = W32[2 * x + 1];
  if ((hi & 0x7ff00000) === 0 && ((hi & 0xfffff) | W32[2 * x]) !== 0) {
    if (env.daz) return hi < 0 ? -0 : 0;
    den = true;
  }
  return WF64[x];
}

function invalid64(r: number): void {
  env.pre |= Mx.IE;
  W32[2 * r] = 0;
  W32[2 * r + 1] = NAN64_HI;
}

/** Biased exponent field of a double (0 for zero and denormals, 2047 for inf/NaN). */
const ex64 = new Float64Array(1);
const ex64i = new Int32Array(ex64.buffer);
function expField(v: number): number {
  ex64[0] = v;
  return (ex64i[1] >>> 20) & 0x7ff;
}

// Parts of the operands for the exact path (after DAZ), set by exact().
let ma = 0n, mb = 0n, ea = 0, eb = 0;

function parts(v: number, isA: boolean): void {
  ex64[0] = v;
  const m = coefficient(ex64i[1], ex64i[0]), e = exponent(ex64i[1]);
  if (isA) { ma = m; ea = e; } else { mb = m; eb = e; }
}

/** The exact (BigInt) path for a finite nonzero-operand operation whose result may be tiny or huge. */
function exact64(op: number, a: number, b: number): number {
  parts(a, true);
  const neg = op === Op.Add ? false : (a < 0) !== (b < 0);
  switch (op) {
    case Op.Add: {
      parts(b, false);
      const lo = Math.min(ea, eb);
      const sum = (a < 0 ? -ma : ma) * (1n << BigInt(ea - lo)) + (b < 0 ? -mb : mb) * (1n << BigInt(eb - lo));
      return roundBig64(sum < 0n, sum < 0n ? -sum : sum, lo, false);
    }
    case Op.Mul:
      parts(b, false);
      return roundBig64(neg, ma * mb, ea + eb, false);
    case Op.Div: {
      parts(b, false);
      const n = ma << 110n;
      return roundBig64(neg, n / mb, ea - eb - 110, n % mb !== 0n);
    }
    default: {
      // Square root of a: make the exponent even and the coefficient wide enough for 58 result bits.
      let k = 120 - ma.toString(2).length;
      if (((ea - k) & 1) !== 0) k++;
      const n = ma << BigInt(k);
      const root = isqrt(n);
      return roundBig64(false, root, (ea - k) / 2, root * root !== n);
    }
  }
}

export function arith64(op: number, x: number, y: number, r: number): void {
  if (nan64(x, y, r)) return;
  den = false;
  const a = val64(x);
  let b = val64(y);
  if (op === Op.Sub) b = -b;
  const aInf = a - a !== 0, bInf = b - b !== 0;
  let v: number;
  switch (op) {
    case Op.Add: case Op.Sub: {
      if (aInf || bInf) {
        if (a === -b) return invalid64(r);
        v = aInf ? a : b;
        break;
      }
      v = a + b;
      if (v === 0) { v = zeroSum(a, b); break; }
      const e = expField(v);
      if (e === 0) v = tinyExact64(v); // sums below the smallest normal are exact
      else if (e < 2046) v = toF64(v, sumErrorSign(a, b, v));
      else v = exact64(Op.Add, a, b);
      break;
    }
    case Op.Mul: {
      if ((aInf && b === 0) || (bInf && a === 0)) return invalid64(r);
      v = a * b;
      if (aInf || bInf || v === 0 && (a === 0 || b === 0)) break;
      const e = expField(v), fa = expField(a), fb = expField(b);
      if (!den && e >= 110 && e < 2046 && fa <= 2000 && fb <= 2000) {
        const p = twoProduct(a, b);
        v = toF64(p, dirOf(productError));
      } else v = exact64(Op.Mul, a, b);
      break;
    }
    default: {
      if ((aInf && bInf) || (a === 0 && b === 0)) return invalid64(r);
      if (b === 0 && !aInf) {
        env.pre |= Mx.ZE;
        WF64[r] = a / b;
        return;
      }
      v = a / b;
      if (aInf || bInf || a === 0 || b === 0) break;
      const e = expField(v), fa = expField(a), fb = expField(b);
      if (!den && e >= 110 && e <= 2000 && fa >= 110 && fa <= 2000 && fb <= 2000) {
        const p = twoProduct(v, b);
        v = toF64(v, dirOf((a - p) - productError) * (b < 0 ? -1 : 1));
      } else v = exact64(Op.Div, a, b);
    }
  }
  if (den) env.pre |= Mx.DE;
  WF64[r] = v;
}

export function sqrt64(x: number, r: number): void {
  const hi = W32[2 * x + 1], lo = W32[2 * x];
  if (isNan64(hi, lo)) {
    if ((hi & 0x80000) === 0) env.pre |= Mx.IE;
    W32[2 * r] = lo;
    W32[2 * r + 1] = hi | 0x80000;
    return;
  }
  den = false;
  const a = val64(x);
  if (a === 0 || a === Infinity) { WF64[r] = a; return; }
  if (a < 0) return invalid64(r);
  let v: number;
  const e = expField(a);
  if (!den && e >= 110 && e <= 2000) {
    v = Math.sqrt(a);
    const p = twoProduct(v, v);
    v = toF64(v, dirOf((a - p) - productError));
  } else v = exact64(-1, a, a);
  if (den) env.pre |= Mx.DE;
  WF64[r] = v;
}

export function minMax64(max: boolean, x: number, y: number, r: number): void {
  const ah = W32[2 * x + 1], al = W32[2 * x], bh = W32[2 * y + 1], bl = W32[2 * y];
  if (isNan64(ah, al) || isNan64(bh, bl)) {
    env.pre |= Mx.IE;
    const flush = env.daz && (bh & 0x7ff00000) === 0;
    W32[2 * r] = flush ? 0 : bl;
    W32[2 * r + 1] = flush ? bh & (0x80000000 | 0) : bh;
    return;
  }
  den = false;
  const a = val64(x), b = val64(y);
  if (den) env.pre |= Mx.DE;
  WF64[r] = (max ? a > b : a < b) ? a : b;
}

export { MIN_NORMAL64 };
