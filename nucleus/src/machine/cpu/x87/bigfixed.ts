/**
 * Fixed-point BigInt arithmetic for the x87 transcendentals: a value v at
 * scale F is the integer v * 2^F (truncated). Every kernel here keeps its
 * error within a few hundred units of 2^-F, far inside the 2^ERR_BITS bound
 * the rounding step assumes. BigInt is fine here: these are rare instructions.
 */

/** Bound (log2 of units at the result's scale) on the error of every computed result. */
export const ERR_BITS = 12;

export function bitLength(v: bigint): number {
  if (v < 0n) v = -v;
  return v === 0n ? 0 : v.toString(16).length * 4 - (Math.clz32(parseInt(v.toString(16)[0], 16)) - 28);
}

/** v * 2^n for any integer n (floor for negative n). */
export function shift(v: bigint, n: number): bigint {
  return n >= 0 ? v << BigInt(n) : v >> BigInt(-n);
}

// ---------------------------------------------------------------------------
// Constants, cached at the largest scale asked for so far.

const GUARD = 32;
let cachedScale = 0;
let piCached = 0n;
let ln2Cached = 0n;

/** sum (-1)^k / ((2k+1) n^(2k+1)) at scale F: atan(1/n). */
function atanInverse(n: bigint, F: number): bigint {
  let power = (1n << BigInt(F)) / n;
  const n2 = n * n;
  let sum = power;
  for (let k = 1n; power !== 0n; k++) {
    power /= n2;
    const term = power / (2n * k + 1n);
    sum += (k & 1n) !== 0n ? -term : term;
  }
  return sum;
}

function ensureConstants(F: number): void {
  if (F <= cachedScale) return;
  const S = Math.max(F, 2 * cachedScale, 1024) + GUARD;
  // Machin: pi = 16 atan(1/5) - 4 atan(1/239).
  const pi = 16n * atanInverse(5n, S) - 4n * atanInverse(239n, S);
  // ln 2 = sum 1 / (k 2^k).
  let ln2 = 0n;
  for (let k = 1; k <= S; k++) ln2 += (1n << BigInt(S - k)) / BigInt(k);
  cachedScale = S - GUARD;
  piCached = pi >> BigInt(GUARD);
  ln2Cached = ln2 >> BigInt(GUARD);
}

export function pi(F: number): bigint {
  ensureConstants(F);
  return piCached >> BigInt(cachedScale - F);
}

export function ln2(F: number): bigint {
  ensureConstants(F);
  return ln2Cached >> BigInt(cachedScale - F);
}

// ---------------------------------------------------------------------------
// Kernels. Arguments and results at scale F.

/** ln(m) for m in [1/2, 2], via 2 atanh((m - 1) / (m + 1)). */
export function ln(m: bigint, F: number): bigint {
  const one = 1n << BigInt(F);
  return 2n * atanh(((m - one) << BigInt(F)) / (m + one), F);
}

/** atanh(s) for |s| <= 1/3. */
function atanh(s: bigint, F: number): bigint {
  const s2 = (s * s) >> BigInt(F);
  let power = s;
  let sum = s;
  const unit = 1n << BigInt(F);
  for (let k = 3n; power !== 0n; k += 2n) {
    power = (power * s2) / unit; // truncating, so a negative power also reaches 0
    sum += power / k;
  }
  return sum;
}

/** sin(r) for |r| <= 1. */
export function sin(r: bigint, F: number): bigint {
  const r2 = (r * r) >> BigInt(F);
  let term = r;
  let sum = r;
  for (let k = 2n; term !== 0n; k += 2n) {
    term = -((term * r2) >> BigInt(F)) / (k * (k + 1n));
    sum += term;
  }
  return sum;
}

/** cos(r) for |r| <= 1. */
export function cos(r: bigint, F: number): bigint {
  const r2 = (r * r) >> BigInt(F);
  let term = 1n << BigInt(F);
  let sum = term;
  for (let k = 1n; term !== 0n; k += 2n) {
    term = -((term * r2) >> BigInt(F)) / (k * (k + 1n));
    sum += term;
  }
  return sum;
}

export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** atan(q) for 0 <= q <= 1: two half-angle steps bring q below tan(pi/16), then the series. */
export function atan(q: bigint, F: number): bigint {
  const one = 1n << BigInt(F);
  for (let i = 0; i < 2; i++) q = (q << BigInt(F)) / (one + isqrt((one << BigInt(F)) + q * q));
  const q2 = (q * q) >> BigInt(F);
  let power = q;
  let sum = q;
  for (let k = 3n; power !== 0n; k += 2n) {
    power = -((power * q2) >> BigInt(F));
    sum += power / k;
  }
  return 4n * sum;
}
