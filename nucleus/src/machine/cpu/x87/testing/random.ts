/**
 * Seeded generators for the differential tests: operands skewed toward the
 * cases where x87 implementations go wrong (specials, denormals, rounding
 * ties, cancellation, overflow and underflow edges).
 */
import { F80 } from '../float80.js';

export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** mulberry32 */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }

  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)];
  }

  /** A uint32 with a random run structure: long strings of ones and zeros hit carry and tie cases. */
  bits32(): number {
    switch (this.below(4)) {
      case 0: return this.u32();
      case 1: return 0;
      case 2: return 0xffffffff;
      default: {
        const a = this.below(33), b = this.below(33);
        const lo = Math.min(a, b), hi = Math.max(a, b);
        const m = hi - lo === 32 ? 0xffffffff : ((2 ** (hi - lo) - 1) * 2 ** lo) >>> 0;
        return (this.chance(0.5) ? m : ~m) >>> 0;
      }
    }
  }
}

export const BIAS = 16383;

function f(se: number, hi: number, lo: number): F80 {
  return new F80().set(se & 0xffff, hi >>> 0, lo >>> 0);
}

/** A 64-bit significand with J set whose low bits follow one of the patterns rounding cares about. */
export function significand(r: Rng): [number, number] {
  let hi = (r.bits32() | 0x80000000) >>> 0;
  let lo = r.bits32();
  switch (r.below(8)) {
    case 0: lo = (lo & 0xfffff800) >>> 0; break; // a double
    case 1: lo = 0; hi = (hi & 0xffffff00) >>> 0; break; // a float
    case 2: lo = ((lo & 0xfffff800) | 0x400) >>> 0; break; // a 53-bit tie
    case 3: lo = 0; hi = ((hi & 0xffffff00) | 0x80) >>> 0; break; // a 24-bit tie
    default: break;
  }
  return [hi, lo];
}

export const SPECIALS: readonly F80[] = [
  f(0x0000, 0, 0), f(0x8000, 0, 0), // zeros
  f(0x7fff, 0x80000000, 0), f(0xffff, 0x80000000, 0), // infinities
  f(0xffff, 0xc0000000, 0), // real indefinite
  f(0x3fff, 0x80000000, 0), f(0xbfff, 0x80000000, 0), // +-1
  f(0x7ffe, 0xffffffff, 0xffffffff), f(0xfffe, 0xffffffff, 0xffffffff), // largest
  f(0x0001, 0x80000000, 0), f(0x8001, 0x80000000, 0), // smallest normal
  f(0x0000, 0, 1), f(0x8000, 0x7fffffff, 0xffffffff), // denormal extremes
  f(0x4000, 0x80000000, 0), f(0x3ffe, 0x80000000, 0), // 2, 0.5
];

/** Any 80-bit pattern class: specials, NaNs, denormals, unsupported encodings and normals. */
export function randomF80(r: Rng, nearExp = BIAS, spread = 40): F80 {
  const sign = r.chance(0.5) ? 0x8000 : 0;
  const k = r.below(100);
  if (k < 8) return r.pick(SPECIALS);
  if (k < 12) { // NaNs
    const quiet = r.chance(0.5);
    let hi = (r.u32() & 0x3fffffff) | 0x80000000 | (quiet ? 0x40000000 : 0);
    const lo = r.chance(0.5) ? 0 : r.u32();
    if (!quiet && ((hi & 0x3fffffff) | lo) === 0) hi |= 1;
    return f(sign | 0x7fff, hi, lo);
  }
  if (k < 17) { // denormals and pseudo-denormals
    const hi = r.chance(0.2) ? (r.u32() | 0x80000000) : r.u32() >>> r.below(32);
    return f(sign, hi, r.u32());
  }
  if (k < 19) { // unnormals, pseudo-infinities, pseudo-NaNs
    const e = r.chance(0.5) ? 0x7fff : 1 + r.below(0x7ffe);
    return f(sign | e, r.u32() & 0x7fffffff, r.chance(0.3) ? 0 : r.u32());
  }
  const [hi, lo] = significand(r);
  let e: number;
  if (k < 34) e = 1 + r.below(0x7ffe);
  else e = nearExp - spread + r.below(2 * spread + 1);
  e = Math.max(1, Math.min(0x7ffe, e));
  return f(sign | e, hi, lo);
}

/** A finite normal value with exponent in [lo, hi]. */
export function normalIn(r: Rng, lo: number, hi: number, sign = r.chance(0.5) ? 1 : 0): F80 {
  const [h, l] = significand(r);
  const e = Math.max(1, Math.min(0x7ffe, lo + r.below(hi - lo + 1)));
  return f((sign << 15) | e, h, l);
}

/** A second operand related to a: close to it (cancellation), or exponents apart by about 64 (alignment). */
export function relatedF80(r: Rng, a: F80): F80 {
  const e = a.se & 0x7fff;
  if (e === 0 || e === 0x7fff || r.chance(0.4)) return randomF80(r);
  const sign = r.chance(0.5) ? 0x8000 : 0;
  switch (r.below(4)) {
    case 0: { // nearly equal
      let lo = (a.lo + r.below(5) - 2) >>> 0;
      return f(sign | e, a.hi, lo);
    }
    case 1: { // exponent difference around the significand width
      const d = r.pick([1, 2, 23, 24, 25, 52, 53, 54, 62, 63, 64, 65, 66, 67, 95, 96, 97, 130]);
      const e2 = Math.max(1, Math.min(0x7ffe, e + (r.chance(0.5) ? d : -d)));
      const [hi, lo] = significand(r);
      return f(sign | e2, hi, lo);
    }
    case 2: { // product or quotient near the overflow / underflow threshold
      const target = r.chance(0.5) ? 0x7ffe : 1;
      const e2 = Math.max(1, Math.min(0x7ffe, target - e + BIAS + r.below(5) - 2));
      const [hi, lo] = significand(r);
      return f(sign | e2, hi, lo);
    }
    default:
      return normalIn(r, e - 3, e + 3);
  }
}
