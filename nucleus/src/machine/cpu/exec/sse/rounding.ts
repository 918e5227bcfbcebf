/**
 * Correct rounding to binary32/binary64 under MXCSR (rounding control, FTZ) with
 * the post-computation flags (OE, UE, PE), as the SSE hardware does (checked
 * against the host CPU):
 *   - tininess is detected after rounding (the result rounded with an unbounded
 *     exponent is below the smallest normal);
 *   - masked underflow sets UE (and PE) only when the tiny result is inexact;
 *     with FTZ a tiny result, exact or not, becomes a signed zero with UE and PE;
 *   - overflow means the result rounded with an unbounded exponent exceeds the
 *     largest finite number; masked, it gives infinity or the largest finite
 *     number by the rounding direction, with OE and PE;
 *   - an unmasked overflow (underflow) reports OE (UE), with PE only if the
 *     result rounded with an unbounded exponent is inexact.
 *
 * The exact result reaches these functions as a double `x` (the exact value
 * rounded to nearest in binary64) plus `dir`, the sign of (exact - x). JS doubles
 * round to nearest even, so directed rounding moves x to a neighbour when the
 * exact value lies on the other side. Binary32 results are always handled in
 * doubles (every binary32 operation's exact result is within double range, and
 * rounding twice to nearest is innocuous for + - * / sqrt of binary32 values);
 * binary64 results near overflow or underflow take an exact BigInt path (rare).
 */
import { Mx, Rc, env } from "./mxcsr.js";

const f32 = new Float32Array(1);
const f32i = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const f64i = new Int32Array(f64.buffer);

const MIN_SUB32 = 2 ** -149;
const MIN_NORMAL32 = 2 ** -126;
const MAX32 = (2 - 2 ** -23) * 2 ** 127;
const MIN_SUB64 = 2 ** -1074;
export const MIN_NORMAL64 = 2 ** -1022;
const MAX64 = Number.MAX_VALUE;

// ---- neighbours ------------------------------------------------------------------------------

/** The binary32 value just above f (f a binary32 value other than +inf). */
export function up32(f: number): number {
  if (f === 0) return MIN_SUB32;
  f32[0] = f;
  f32i[0] += f > 0 ? 1 : -1;
  return f32[0];
}

/** The binary32 value just below f (f a binary32 value other than -inf). */
export function down32(f: number): number {
  if (f === 0) return -MIN_SUB32;
  f32[0] = f;
  f32i[0] += f > 0 ? -1 : 1;
  return f32[0];
}

function step64(x: number, away: boolean): number {
  f64[0] = x;
  if (away) {
    const lo = (f64i[0] >>> 0) + 1;
    f64i[0] = lo;
    if (lo > 0xffffffff) f64i[1]++;
  } else {
    if (f64i[0] === 0) f64i[1]--;
    f64i[0]--;
  }
  return f64[0];
}

export function up64(x: number): number {
  return x === 0 ? MIN_SUB64 : step64(x, x > 0);
}

export function down64(x: number): number {
  return x === 0 ? -MIN_SUB64 : step64(x, x < 0);
}

// ---- binary32 ----------------------------------------------------------------------------------

/** Sign of (exact - result) after the last rnd32: 0 when the result is exact. */
let rest = 0;

/**
 * Rounds the exact value (x plus a tail of sign dir) to binary32 in mode rc,
 * without flags. The midpoint check covers exact values with more than 53
 * significant bits (64-bit integer sources), where x may sit on a binary32
 * midpoint the exact value is beside.
 */
function rnd32(x: number, dir: number, rc: number): number {
  let f = Math.fround(x);
  let d: number;
  if (f === x) d = dir;
  else {
    d = x > f ? 1 : -1;
    if (dir !== 0 && rc === Rc.Nearest && f - f === 0) {
      const g = d > 0 ? up32(f) : down32(f);
      if (x - f === g - x && (dir > 0) === (g > f)) {
        f = g;
        d = -d;
      }
    }
  }
  if (d !== 0) {
    switch (rc) {
      case Rc.Down: if (d < 0) f = down32(f); break;
      case Rc.Up: if (d > 0) f = up32(f); break;
      case Rc.Zero:
        if (f > 0 && d < 0) f = down32(f);
        else if (f < 0 && d > 0) f = up32(f);
        break;
    }
  }
  rest = d;
  return f;
}

/**
 * Is the exact value x + tail(dir) not representable with a 24-bit significand
 * (whatever its exponent)? That is the inexactness an unmasked overflow or
 * underflow reports with PE.
 */
function wider24(x: number, dir: number): boolean {
  if (dir !== 0) return true;
  f64[0] = x;
  const hi = f64i[1], lo = f64i[0];
  if ((hi & 0x7ff00000) !== 0) return (lo & 0x1fffffff) !== 0;
  // A binary64 denormal: count its significant bits.
  const mh = hi & 0xfffff;
  const top = mh !== 0 ? 64 - Math.clz32(mh) : 32 - Math.clz32(lo);
  const bottom = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(mh & -mh);
  return top - bottom > 24;
}

/**
 * The binary32 result of an exact value x + tail(dir) (x != 0, finite), with
 * MXCSR rounding, FTZ and the OE/UE/PE flags added to env.post.
 */
export function toF32(x: number, dir: number): number {
  const rc = env.rc;
  const f = rnd32(x, dir, rc);
  const inexact = rest !== 0;
  const a = Math.abs(f);
  if (a >= MAX32) {
    // Overflow if the result rounded with an unbounded exponent exceeds MAX32 (scaling by 2^-100 is exact).
    if (Math.abs(x) >= 2 ** 129 || Math.abs(rnd32(x * 2 ** -100, dir, rc)) > MAX32 * 2 ** -100) {
      if ((env.unmasked & Mx.OE) === 0) env.post |= Mx.OE | Mx.PE;
      else env.post |= wider24(x, dir) ? Mx.OE | Mx.PE : Mx.OE;
      return f;
    }
  } else if (a <= MIN_NORMAL32) {
    // Tiny if the result rounded with an unbounded exponent is below the smallest normal.
    if (Math.abs(rnd32(x * 2 ** 100, dir, rc)) < MIN_NORMAL32 * 2 ** 100) {
      if ((env.unmasked & Mx.UE) !== 0) env.post |= wider24(x, dir) ? Mx.UE | Mx.PE : Mx.UE;
      else if (env.ftz) { env.post |= Mx.UE | Mx.PE; return x < 0 ? -0 : 0; }
      else if (inexact) env.post |= Mx.UE | Mx.PE;
      return f;
    }
  }
  if (inexact) env.post |= Mx.PE;
  return f;
}

// ---- binary64: fast path -----------------------------------------------------------------------

/**
 * The binary64 result for x = RN(exact), dir = sign(exact - x), when x is a
 * normal number comfortably inside the range (neither neighbour overflows or
 * becomes subnormal): only PE can arise.
 */
export function toF64(x: number, dir: number): number {
  if (dir === 0) return x;
  env.post |= Mx.PE;
  switch (env.rc) {
    case Rc.Down: return dir < 0 ? down64(x) : x;
    case Rc.Up: return dir > 0 ? up64(x) : x;
    case Rc.Zero: return x > 0 ? (dir < 0 ? down64(x) : x) : (dir > 0 ? up64(x) : x);
    default: return x;
  }
}

/** An exactly representable nonzero result below the smallest normal: tiny, and exact. */
export function tinyExact64(x: number): number {
  if ((env.unmasked & Mx.UE) !== 0) env.post |= Mx.UE;
  else if (env.ftz) { env.post |= Mx.UE | Mx.PE; return x < 0 ? -0 : 0; }
  return x;
}

// ---- binary64: exact slow path ---------------------------------------------------------------------

/** Did the last roundAt lose anything? */
let lost = false;

function bitLength(m: bigint): number {
  return m.toString(2).length;
}

/**
 * Rounds the magnitude m * 2^e (plus a nonzero amount below 2^e when sticky) to
 * a multiple of 2^q in mode rc for a number of sign neg; returns the multiple's
 * coefficient.
 */
function roundAt(m: bigint, e: number, sticky: boolean, q: number, neg: boolean, rc: number): bigint {
  const sh = q - e;
  let kept: bigint;
  let frac: number; // 0 exact, 1 below half, 2 half, 3 above half
  if (sh <= 0) {
    kept = m << BigInt(-sh);
    frac = sticky ? 1 : 0;
  } else {
    const b = BigInt(sh);
    kept = m >> b;
    const rem = m & ((1n << b) - 1n);
    const half = 1n << (b - 1n);
    frac = rem > half ? 3 : rem === half ? (sticky ? 3 : 2) : rem !== 0n || sticky ? 1 : 0;
  }
  lost = frac !== 0;
  let up: boolean;
  switch (rc) {
    case Rc.Nearest: up = frac === 3 || (frac === 2 && (kept & 1n) === 1n); break;
    case Rc.Down: up = neg && frac !== 0; break;
    case Rc.Up: up = !neg && frac !== 0; break;
    default: up = false;
  }
  return up ? kept + 1n : kept;
}

/**
 * The binary64 result of (-1)^neg * (m + sticky) * 2^e (m > 0) with every flag
 * and FTZ: the general path for results near or beyond the ends of the range.
 */
export function roundBig64(neg: boolean, m: bigint, e: number, sticky: boolean): number {
  const rc = env.rc;
  const top = e + bitLength(m) - 1;
  // Rounded with an unbounded exponent, for overflow and tininess.
  let q = top - 52;
  let r = roundAt(m, e, sticky, q, neg, rc);
  if (r >> 53n !== 0n) q++;
  const unboundedTop = q + 52;
  // An unmasked overflow or underflow reports PE when rounding to 53 bits (any exponent) is inexact.
  const wide = lost ? Mx.PE : 0;
  if (unboundedTop > 1023) {
    if ((env.unmasked & Mx.OE) !== 0) { env.post |= Mx.OE | wide; return neg ? -Infinity : Infinity; }
    env.post |= Mx.OE | Mx.PE;
    const toInf = rc === Rc.Nearest || (rc === Rc.Up && !neg) || (rc === Rc.Down && neg);
    const mag = toInf ? Infinity : MAX64;
    return neg ? -mag : mag;
  }
  const tiny = unboundedTop < -1022;
  const qb = Math.max(top - 52, -1074);
  r = roundAt(m, e, sticky, qb, neg, rc);
  const mag = Number(r) * 2 ** qb;
  const v = neg ? -mag : mag;
  if (tiny) {
    if ((env.unmasked & Mx.UE) !== 0) env.post |= Mx.UE | wide;
    else if (env.ftz) { env.post |= Mx.UE | Mx.PE; return neg ? -0 : 0; }
    else if (lost) env.post |= Mx.UE | Mx.PE;
    return v;
  }
  if (lost) env.post |= Mx.PE;
  return v;
}

// ---- error-free transforms --------------------------------------------------------------------

/** The rounding error of the last twoProduct: a * b = p + productError exactly (no over/underflow). */
export let productError = 0;

const SPLIT = 134217729; // 2^27 + 1 (Veltkamp)

/** Dekker's product: returns RN(a*b), leaves the exact error in productError. */
export function twoProduct(a: number, b: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  productError = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

/** Sign of the exact error of s = RN(a + b) (Knuth's TwoSum; exact without overflow). */
export function sumErrorSign(a: number, b: number, s: number): number {
  const bb = s - a;
  const e = (a - (s - bb)) + (b - bb);
  return e > 0 ? 1 : e < 0 ? -1 : 0;
}

/** The binary64 (sign, coefficient, exponent) of a finite nonzero double's bits. */
export function coefficient(hi: number, lo: number): bigint {
  const ex = (hi >>> 20) & 0x7ff;
  return (BigInt((hi & 0xfffff) | (ex !== 0 ? 0x100000 : 0)) << 32n) | BigInt(lo >>> 0);
}

export function exponent(hi: number): number {
  const ex = (hi >>> 20) & 0x7ff;
  return ex !== 0 ? ex - 1075 : -1074;
}

/** floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.ceil(Math.sqrt(Number(n))));
  x += (x >> 40n) + 2n; // above the root despite the estimate's rounding
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export { MAX32, MIN_NORMAL32 };
