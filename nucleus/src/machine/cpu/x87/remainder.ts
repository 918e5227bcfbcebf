/**
 * FPREM and FPREM1: the exact partial remainder. When the exponents differ by
 * 64 or more the instruction only reduces the exponent (C2 = 1, the guest
 * loops); the host reduces by N = (D & 31) | 32 bits, and so do we.
 */
import {
  F80, fpStatus, Kind, kindOf, packExact, propagateNaN, setIndefinite, Sw, unpack, W, w,
} from './float80.js';

const TWO32 = 4294967296;

/**
 * out = a rem b (truncated quotient), or the IEEE remainder when `ieee`.
 * Returns the condition codes: C2 for an incomplete reduction, otherwise the
 * quotient's low bits Q2 Q1 Q0 in C0 C3 C1; -1 when there is no quotient (a
 * NaN or invalid operand).
 */
export function remainder(out: F80, a: F80, b: F80, cw: number, ieee: boolean): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka >= Kind.QNaN || kb >= Kind.QNaN) {
    propagateNaN(out, a, ka, b, kb);
    return -1;
  }
  if (ka === Kind.Infinity || kb === Kind.Zero) {
    fpStatus.flags |= Sw.IE;
    setIndefinite(out);
    return -1;
  }
  if (ka === Kind.Denormal || kb === Kind.Denormal) fpStatus.flags |= Sw.DE;
  if (ka === Kind.Zero) {
    out.copy(a);
    return 0;
  }
  let sign = a.se >>> 15;
  unpack(a);
  const ea = w[W.E], ah = w[W.H], al = w[W.L];
  if (kb === Kind.Infinity) {
    unchanged(out, a);
    return 0;
  }
  unpack(b);
  const eb = w[W.E], bh = w[W.H], bl = w[W.L];
  const d = ea - eb;
  if (d < 0 && !(ieee && d === -1)) {
    // The remainder is a, computed: a pseudo-denormal normalizes and a denormal
    // underflows (wrapping when UE is unmasked), unlike for an infinite divisor.
    packExact(out, sign, ea, ah | 0, al | 0, cw);
    return 0;
  }
  const partial = d >= 64;
  const steps = partial ? (d & 31) | 32 : d;
  // Long division of A * 2^steps by B, keeping the remainder (< B) and the quotient's low 3 bits.
  let r1 = ah, r0 = al, q = 0;
  if (d === -1) {
    // |a| / |b| in [1/4, 1): the nearest quotient is 1 when |a| > |b| / 2, i.e. A > B.
    if (r1 > bh || (r1 === bh && r0 > bl)) {
      // |r| = |b| - |a| = (2B - A) at a's scale; fits in 64 bits since A > B.
      let t0 = ((bl << 1) >>> 0) - r0;
      let t1 = ((bh << 1) | (bl >>> 31)) >>> 0;
      if (t0 < 0) {
        t0 += TWO32;
        t1 -= 1;
      }
      t1 = (t1 - r1) >>> 0;
      return finish(out, sign ^ 1, ea, t1, t0, cw, Sw.C1);
    }
    packExact(out, sign, ea, ah | 0, al | 0, cw);
    return 0;
  }
  let c = 0;
  for (let i = 0; i <= steps; i++) {
    if (i > 0) {
      c = r1 >>> 31;
      r1 = ((r1 << 1) | (r0 >>> 31)) >>> 0;
      r0 = (r0 << 1) >>> 0;
    }
    q = (q << 1) & 7;
    if (c !== 0 || r1 > bh || (r1 === bh && r0 >= bl)) {
      let t0 = r0 - bl;
      let t1 = r1 - bh;
      if (t0 < 0) {
        t0 += TWO32;
        t1 -= 1;
      }
      if (t1 < 0) t1 += TWO32;
      r0 = t0;
      r1 = t1;
      q |= 1;
    }
  }
  if (partial) return finish(out, sign, eb + d - steps, r1, r0, cw, Sw.C2);
  if (ieee) {
    // Round the quotient to nearest even: compare 2r with B.
    const top = r1 >>> 31;
    const d1 = ((r1 << 1) | (r0 >>> 31)) >>> 0;
    const d0 = (r0 << 1) >>> 0;
    const cmp = top !== 0 ? 1 : d1 !== bh ? d1 - bh : d0 - bl;
    if (cmp > 0 || (cmp === 0 && (q & 1) !== 0)) {
      let t0 = bl - r0;
      let t1 = bh - r1;
      if (t0 < 0) {
        t0 += TWO32;
        t1 -= 1;
      }
      r0 = t0;
      r1 = t1;
      sign ^= 1;
      q = (q + 1) & 7;
    }
  }
  const codes = ((q & 4) !== 0 ? Sw.C0 : 0) | ((q & 2) !== 0 ? Sw.C3 : 0) | ((q & 1) !== 0 ? Sw.C1 : 0);
  return finish(out, sign, eb, r1, r0, cw, codes);
}

/** The dividend as the result: a itself, except that a pseudo-denormal comes back normalized. */
function unchanged(out: F80, a: F80): void {
  out.copy(a);
  if ((a.se & 0x7fff) === 0 && a.hi >= 0x80000000) out.se |= 1;
}

/** Packs the remainder r1:r0, an integer in units of 2^(e - BIAS - 63); a zero keeps the dividend's sign. */
function finish(out: F80, sign: number, e: number, r1: number, r0: number, cw: number, codes: number): number {
  if ((r1 | r0) === 0) {
    out.set(sign << 15, 0, 0);
    return codes;
  }
  let z = 0;
  if (r1 === 0) {
    r1 = r0;
    r0 = 0;
    z = 32;
  }
  const s = Math.clz32(r1);
  if (s > 0) {
    r1 = ((r1 << s) | (r0 >>> (32 - s))) >>> 0;
    r0 = (r0 << s) >>> 0;
  }
  packExact(out, sign, e - z - s, r1 | 0, r0 | 0, cw);
  return codes;
}
