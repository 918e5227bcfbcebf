/**
 * The x87 transcendental instructions: F2XM1, FYL2X, FYL2XP1, FSIN, FCOS,
 * FSINCOS (as FSIN + FCOS), FPTAN and FPATAN.
 *
 * Results are the exact function values rounded once under RC (64-bit, PC does
 * not apply), found by Ziv's strategy: evaluate in BigInt fixed point, and
 * raise the precision until the error bound cannot change the rounding. The
 * one deliberate departure from exactness is the host's: FSIN, FCOS and FPTAN
 * reduce their argument modulo pi/2 using pi rounded to 66 bits, as Intel's
 * hardware does, so results for large arguments match the host rather than
 * the true function.
 */
import { ERR_BITS, atan, bitLength, cos, ln, ln2, pi, shift, sin } from './bigfixed.js';
import { div, mul } from './arith.js';
import {
  BIAS, Cw, F80, fpStatus, Kind, kindOf, propagateNaN, propagateNaN1, Rc, roundPack, setIndefinite, setInfinity, setZero, Sw, unpack, W, w,
} from './float80.js';

// ---------------------------------------------------------------------------
// Rounding an approximation.

/** Scale of the value the last compute function returned. */
let scale = 0;

/**
 * Rounds |R| * 2^-F into out. R approximates an irrational value within
 * 2^ERR_BITS units, so the sticky bit is always set; with `check`, returns
 * false instead when that error could change the rounding.
 */
function roundApprox(out: F80, sign: number, R: bigint, F: number, cw: number, check: boolean): boolean {
  if (R < 0n) {
    R = -R;
    sign ^= 1;
  }
  let n = bitLength(R);
  if (n < 96 + ERR_BITS) {
    if (check) return false;
    R <<= BigInt(96 - n);
    F += 96 - n;
    n = 96;
  }
  const e = n - 1 - F + BIAS;
  if (check) {
    // Bits below the rounding position: 64 below the leading bit, or higher for a denormal result.
    const s = n - 64 + Math.max(0, 1 - e);
    if (s < ERR_BITS + 8) return false;
    const full = 1n << BigInt(s);
    const tail = R & (full - 1n);
    const near = 1n << BigInt(ERR_BITS + 2);
    const half = full >> 1n;
    if (tail < near || full - tail < near || (tail > half - near && tail < half + near)) return false;
  }
  const top = R >> BigInt(n - 96);
  const h = Number(top >> 64n);
  const l = Number((top >> 32n) & 0xffffffffn);
  const x = (Number(top & 0xffffffffn) | 1) >>> 0;
  roundPack(out, sign, e, h | 0, l | 0, x | 0, 64, cw);
  return true;
}

/**
 * Ziv's loop: compute(p) returns a value (scale in `scale`) with about p
 * significant bits. Past MAX_PRECISION bits (values within 2^-2000 of a
 * rounding boundary, found only for operands outside the documented ranges)
 * the last approximation is rounded as it is, to bound the time spent.
 */
const MAX_PRECISION = 2560;

function evaluate(out: F80, sign: number, cw: number, compute: (p: number) => bigint): void {
  for (let p = 128; ; p *= 2) {
    const R = compute(p);
    if (roundApprox(out, sign, R, scale, cw, p < MAX_PRECISION)) return;
  }
}

/** The exact value of a finite nonzero operand as X * 2^ex. */
let opX = 0n;
let opEx = 0;
function exact(a: F80): void {
  unpack(a);
  opX = (BigInt(w[W.H]) << 32n) | BigInt(w[W.L]);
  opEx = w[W.E] - BIAS - 63;
}

/** The value just below (dir < 0) or above the magnitude of a finite nonzero a, rounded: f(a) for tiny a when f(x) = x(1 -+ eps). */
function nudged(out: F80, a: F80, dir: number, cw: number): void {
  exact(a);
  const R = (opX << 64n) + BigInt(dir);
  roundApprox(out, a.se >>> 15, R, 64 - opEx, cw, false);
}

/**
 * a itself (a pseudo-denormal normalized), reported as an inexact result: a
 * denormal also underflows, and with UE unmasked comes back normalized with
 * its exponent wrapped by 24576.
 */
function inexactCopy(out: F80, a: F80, cw: number): void {
  out.copy(a);
  if ((a.se & 0x7fff) === 0) {
    if (a.hi >= 0x80000000) out.se |= 1;
    else {
      fpStatus.flags |= Sw.UE;
      if ((cw & Cw.UM) === 0) {
        unpack(a);
        out.set((a.se & 0x8000) | (w[W.E] + 24576), w[W.H], w[W.L]);
      }
    }
  }
  fpStatus.flags |= Sw.PE;
}

/** A constant multiple of pi (pi * num / 4), rounded. */
function piMultiple(out: F80, sign: number, num: number, cw: number): void {
  evaluate(out, sign, cw, (p) => {
    scale = p;
    return (pi(p) * BigInt(num)) >> 2n;
  });
}

const scratch = new F80();

function one(out: F80): void {
  out.set(0x3fff, 0x80000000, 0);
}

// ---------------------------------------------------------------------------
// F2XM1: 2^x - 1.

export function f2xm1(out: F80, a: F80, cw: number): void {
  const k = kindOf(a);
  if (propagateNaN1(out, a, k)) return;
  const sign = a.se >>> 15;
  if (k === Kind.Zero) {
    out.copy(a);
    return;
  }
  if (k === Kind.Infinity) {
    if (sign === 0) out.copy(a);
    else out.set(0xbfff, 0x80000000, 0); // -1
    return;
  }
  if (k === Kind.Denormal) fpStatus.flags |= Sw.DE;
  if ((a.se & 0x7fff) >= BIAS) {
    fpStatus.flags |= Sw.PE; // the host reports these exact results as inexact
    if ((a.se & 0x7fff) === BIAS && a.hi === 0x80000000 && a.lo === 0) {
      if (sign === 0) one(out);
      else out.set(0xbffe, 0x80000000, 0); // -1/2
    } else {
      out.copy(a); // outside [-1, 1] the host returns the operand unchanged
    }
    return;
  }
  // 2^x - 1 = x * K with K = ln2 * (e^t - 1) / t, t = x ln2: exact in x however small.
  exact(a);
  const X = sign !== 0 ? -opX : opX, ex = opEx;
  evaluate(out, 0, cw, (p) => {
    const P = p + 64;
    const PB = BigInt(P);
    const L2 = ln2(P);
    const t = shift(X * L2, ex);
    let term = 1n << PB, g = term;
    for (let k = 2n; term !== 0n; k++) {
      term = ((term * t) >> PB) / k; // the truncating division also ends a negative series
      g += term;
    }
    scale = P - ex - 64;
    return (X * ((L2 * g) >> BigInt(P))) >> 64n;
  });
}

// ---------------------------------------------------------------------------
// FYL2X and FYL2XP1.

/** log2(X * 2^ex) at scale F for X * 2^ex outside [1/2, 2), where |log2| >= 1. */
function log2Far(X: bigint, ex: number, F: number): bigint {
  const n = bitLength(X);
  let E = ex + n - 1; // x = m * 2^E with m in [1, 2)
  let m = shift(X, F - (n - 1));
  if (m > shift(0xb504f333f9de6484n, F - 63)) { // m > sqrt(2): use m / 2 in [1/sqrt(2), 1]
    m >>= 1n;
    E += 1;
  }
  return (BigInt(E) << BigInt(F)) + (ln(m, F) << BigInt(F)) / ln2(F);
}

/** The next finite value toward zero of a finite nonzero a (a normal may become a denormal). */
function decrementMagnitude(a: F80): void {
  let lo = a.lo, hi = a.hi, e = a.se & 0x7fff;
  if (lo !== 0) lo -= 1;
  else {
    lo = 0xffffffff;
    hi -= 1;
  }
  if (e > 0 && hi < 0x80000000) { // lost the integer bit
    if (e > 1) {
      e -= 1;
      hi = ((hi << 1) | (lo >>> 31)) >>> 0;
      lo = ((lo << 1) | 1) >>> 0;
    } else {
      e = 0; // below the smallest normal: the largest denormals
    }
  }
  a.set((a.se & 0x8000) | e, hi >>> 0, lo >>> 0);
}

/**
 * out = y * log2(z) for finite y != 0 and z = Z * 2^ez > 0. A power of two
 * gives an integer logarithm, so that is an ordinary rounded product. Near 1
 * the logarithm is computed as d * K(d) with d = z - 1 exact, so that a tiny
 * result keeps its precision: log2(1 + d) = d * 2 atanh(s) / (s ln2 (2 + d)),
 * s = d / (2 + d), |s| <= 1/3.
 */
function yLog2(out: F80, y: F80, Z: bigint, ez: number, cw: number): void {
  const n = bitLength(Z);
  const E = ez + n - 1;
  if (Z === 1n << BigInt(n - 1)) {
    const k = scratch;
    const m = Math.abs(E);
    k.set(((E < 0 ? 1 : 0) << 15) | (BIAS + 31 - Math.clz32(m)), (m << Math.clz32(m)) >>> 0, 0);
    const before = fpStatus.flags;
    fpStatus.flags = 0;
    mul(out, y, k, cw | (3 << Cw.PcShift));
    const exactProduct = (fpStatus.flags & Sw.PE) === 0;
    // The host computes even this product as inexact, and for z < 1 from a value
    // just below it in magnitude: rounding toward zero then gives the next smaller magnitude.
    fpStatus.flags |= before | Sw.PE;
    const rc = (cw >>> Cw.RcShift) & 3;
    if (exactProduct && E < 0 && (rc === Rc.Zero || rc === (out.se >>> 15 === 0 ? Rc.Down : Rc.Up))) decrementMagnitude(out);
    if ((out.se & 0x7fff) === 0 && (out.hi | out.lo) !== 0) fpStatus.flags |= Sw.UE; // inexact, hence underflow
    return;
  }
  const sy = y.se >>> 15;
  exact(y);
  const Y = opX, ey = opEx;
  if (E < -1 || E > 0) {
    evaluate(out, sy, cw, (p) => {
      const P = p + 64;
      scale = P - ey - 64;
      return (Y * log2Far(Z, ez, P)) >> 64n;
    });
    return;
  }
  const ed = Math.min(ez, 0);
  yLog2OnePlus(out, sy, Y, ey, shift(Z, ez - ed) - (1n << BigInt(-ed)), ed, cw);
}

/** out = y * log2(1 + d), y = (-1)^sy Y 2^ey, d = D 2^ed with D != 0 and -1/2 <= d < 1. */
function yLog2OnePlus(out: F80, sy: number, Y: bigint, ey: number, D: bigint, ed: number, cw: number): void {
  const M = Y * D;
  const mb = bitLength(M);
  evaluate(out, sy, cw, (p) => {
    const P = p + 64;
    const one = 1n << BigInt(P);
    const twoPlusD = 2n * one + shift(D, ed + P);
    const s = (shift(D, ed + 2 * P)) / twoPlusD;
    const PB = BigInt(P);
    const s2 = (s * s) >> PB;
    let power = one, a = one; // atanh(s) / s
    for (let k = 3n; power !== 0n; k += 2n) {
      power = (power * s2) >> PB;
      a += power / k;
    }
    const K = (((2n * a) << BigInt(P)) / ln2(P) << BigInt(P)) / twoPlusD;
    scale = P - ey - ed - mb;
    return (M * K) >> BigInt(mb);
  });
}

/** FYL2X: out = y * log2(x). */
export function fyl2x(out: F80, x: F80, y: F80, cw: number): void {
  const kx = kindOf(x);
  const ky = kindOf(y);
  if (kx >= Kind.QNaN || ky >= Kind.QNaN) {
    propagateNaN(out, x, kx, y, ky);
    return;
  }
  const sx = x.se >>> 15;
  const sy = y.se >>> 15;
  if (sx !== 0 && kx !== Kind.Zero) {
    fpStatus.flags |= Sw.IE;
    setIndefinite(out);
    return;
  }
  if (kx === Kind.Zero) { // log2 is -infinity; ZE outranks a denormal y's DE (host)
    if (ky === Kind.Zero) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      if (ky !== Kind.Infinity) fpStatus.flags |= Sw.ZE;
      setInfinity(out, sy ^ 1);
    }
    return;
  }
  if (kx === Kind.Denormal || ky === Kind.Denormal) fpStatus.flags |= Sw.DE;
  if (kx === Kind.Infinity) {
    if (ky === Kind.Zero) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      setInfinity(out, sy);
    }
    return;
  }
  exact(x);
  const X = opX, ex = opEx;
  const n = bitLength(X);
  const E = ex + n - 1;
  if (X === 1n << BigInt(n - 1) && E === 0) { // log2(1) = +0
    if (ky === Kind.Infinity) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      setZero(out, sy);
    }
    return;
  }
  const below1 = E < 0 ? 1 : 0;
  if (ky === Kind.Infinity) setInfinity(out, sy ^ below1);
  else if (ky === Kind.Zero) setZero(out, sy ^ below1);
  else yLog2(out, y, X, ex, cw);
}

/** FYL2XP1: out = y * log2(x + 1). */
export function fyl2xp1(out: F80, x: F80, y: F80, cw: number): void {
  const kx = kindOf(x);
  const ky = kindOf(y);
  if (kx >= Kind.QNaN || ky >= Kind.QNaN) {
    propagateNaN(out, x, kx, y, ky);
    return;
  }
  const sx = x.se >>> 15;
  const sy = y.se >>> 15;
  if (kx === Kind.Infinity && sx !== 0 && ky !== Kind.Zero) { // log2(1 - inf): invalid, outranking DE (host)
    fpStatus.flags |= Sw.IE;
    setIndefinite(out);
    return;
  }
  if (kx === Kind.Denormal || ky === Kind.Denormal) fpStatus.flags |= Sw.DE;
  if (kx === Kind.Zero || ky === Kind.Zero) { // a zero factor: the other must be finite
    if (kx === Kind.Infinity || ky === Kind.Infinity) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      setZero(out, sx ^ sy);
    }
    return;
  }
  if (kx === Kind.Infinity) {
    if (sx !== 0) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      setInfinity(out, sy);
    }
    return;
  }
  exact(x);
  const X = opX, ex = opEx;
  // 1 + x exactly, as Z * 2^ez.
  const ez = Math.min(ex, 0);
  const Z = (1n << BigInt(-ez)) + (sx !== 0 ? -shift(X, ex - ez) : shift(X, ex - ez));
  if (ky === Kind.Infinity) {
    setInfinity(out, sy ^ sx);
    return;
  }
  if (Z <= 0n) { // x <= -1: the host returns x itself, as inexact
    fpStatus.flags |= Sw.PE;
    out.copy(x);
    return;
  }
  if (w[W.E] - BIAS < -1 || (sx === 0 && w[W.E] - BIAS < 0)) { // -1/2 < x < 1: straight from x, however small
    exact(y);
    yLog2OnePlus(out, sy, opX, opEx, sx !== 0 ? -X : X, ex, cw);
  } else {
    yLog2(out, y, Z, ez, cw);
  }
}

// ---------------------------------------------------------------------------
// FSIN, FCOS, FPTAN: reduction by the host's 66-bit pi.

/** pi rounded to 66 significant bits, as an integer over 2^64. */
const PI66 = 0x3243f6a8885a308d3n;

/** Result of reduce(): x - k * (PI66 / 2) = rR * 2^-rS exactly, and k mod 4. */
let rR = 0n;
let rS = 0;
let rQuadrant = 0;

function reduce(X: bigint, ex: number, sign: number): void {
  const S = Math.max(65, -ex);
  const x = shift(sign !== 0 ? -X : X, ex + S);
  const h = PI66 << BigInt(S - 65); // pi66 / 2 at scale S
  let k = (2n * x + h) / (2n * h); // round(x / h), correct for x >= 0
  if (x < 0n) k = -((h - 2n * x) / (2n * h));
  rR = x - k * h;
  rS = S;
  rQuadrant = Number(((k % 4n) + 4n) % 4n);
}

export const enum Trig { Sin, Cos, Tan }

/**
 * fn(a) for a finite |a| < 2^63 (the caller handles the rest).
 *
 * Tiny arguments follow the host, which is not quite the function there: below
 * 2^-68 it returns a (1 for cos) unrounded but flagged inexact; below 2^-40
 * it rounds sin(x) = x(1 - e) and cos(x) = 1 - e as it should, but it treats
 * tan(x) as x(1 - e) too from 2^-33 down.
 */
export function trig(out: F80, a: F80, fn: Trig, cw: number): void {
  const k = kindOf(a);
  if (k === Kind.Zero) {
    if (fn === Trig.Cos) one(out);
    else out.copy(a);
    return;
  }
  if (k === Kind.Denormal) fpStatus.flags |= Sw.DE;
  exact(a);
  const e = w[W.E] - BIAS;
  if (e < -68) {
    if (fn === Trig.Cos) {
      fpStatus.flags |= Sw.PE;
      one(out);
    } else {
      inexactCopy(out, a, cw);
    }
    return;
  }
  if (e < -40 || (fn === Trig.Tan && e < -33)) {
    if (fn === Trig.Cos) {
      out.set(0x3fff, 0x80000000, 0);
      nudged(out, out, -1, cw);
    } else {
      nudged(out, a, -1, cw);
    }
    return;
  }
  reduce(opX, opEx, a.se >>> 15);
  const r = rR, S = rS, q = rQuadrant;
  // Which kernel: sin x = sin r, cos r, -sin r, -cos r by quadrant; cos shifts by one; tan = sin/cos.
  const est = Math.min(0, bitLength(r) - S);
  evaluate(out, 0, cw, (p) => {
    const F = p - est;
    scale = F;
    const rf = shift(r, F - S);
    if (fn === Trig.Tan) {
      const s = sin(rf, F), c = cos(rf, F);
      return (q & 1) === 0 ? (s << BigInt(F)) / c : -(c << BigInt(F)) / s;
    }
    const kernel = ((fn === Trig.Cos ? q + 1 : q) & 1) === 0 ? sin(rf, F) : cos(rf, F);
    const negative = fn === Trig.Sin ? q >= 2 : q === 1 || q === 2;
    return negative ? -kernel : kernel;
  });
}

// ---------------------------------------------------------------------------
// FPATAN: atan2(y, x).

export function fpatan(out: F80, y: F80, x: F80, cw: number): void {
  const ky = kindOf(y);
  const kx = kindOf(x);
  if (ky >= Kind.QNaN || kx >= Kind.QNaN) {
    propagateNaN(out, y, ky, x, kx);
    return;
  }
  if (ky === Kind.Denormal || kx === Kind.Denormal) fpStatus.flags |= Sw.DE;
  const sy = y.se >>> 15;
  const sx = x.se >>> 15;
  if (ky === Kind.Zero) {
    if (sx === 0) out.copy(y);
    else piMultiple(out, sy, 4, cw);
    return;
  }
  if (ky === Kind.Infinity) {
    piMultiple(out, sy, kx !== Kind.Infinity ? 2 : sx === 0 ? 1 : 3, cw);
    return;
  }
  if (kx === Kind.Zero) {
    piMultiple(out, sy, 2, cw);
    return;
  }
  if (kx === Kind.Infinity) {
    if (sx === 0) setZero(out, sy);
    else piMultiple(out, sy, 4, cw);
    return;
  }
  exact(y);
  const Y = opX, ey = opEx;
  exact(x);
  const X = opX, ex = opEx;
  const d = ey - ex; // |y| / |x| = (Y / X) * 2^d
  if (sx === 0 && d + (Y < X ? -1 : 0) < -40) {
    // Below 2^-40 the host returns the quotient y / x itself (flagged inexact), not atan.
    div(out, y, x, cw | (3 << Cw.PcShift));
    fpStatus.flags |= Sw.PE;
    if ((out.se & 0x7fff) === 0 && (out.hi | out.lo) !== 0) fpStatus.flags |= Sw.UE; // tiny and "inexact"
    return;
  }
  const yBigger = d > 0 || (d === 0 && Y > X);
  const est = sx !== 0 ? 1 : Math.min(0, d + 1);
  evaluate(out, sy, cw, (p) => {
    const F = p - est;
    scale = F;
    let A: bigint;
    if (!yBigger) A = atan(shift(Y, F + d) / X, F);
    else A = (pi(F) >> 1n) - atan(shift(X, F - d) / Y, F);
    return sx !== 0 ? pi(F) - A : A;
  });
}
