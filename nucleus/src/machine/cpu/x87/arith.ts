/**
 * The correctly rounded x87 arithmetic: add/subtract, multiply, divide and
 * square root, each rounded once to the precision control's significand width.
 * The exact intermediate is a 96-bit significand (h:l plus a guard word x whose
 * bit 0 is sticky), which is all one rounding needs.
 */
import {
  BIAS, Cw, F80, Kind, Rc, Sw, fpStatus, kindOf, normalize96, precisionOf, propagateNaN, propagateNaN1,
  roundPack, setIndefinite, setInfinity, setZero, sh, shiftRightJam, sl, sx, ue, uh, ul, unpack,
} from './float80.js';

const TWO32 = 4294967296;

/** out = a + b, or a - b when `subtract`. */
export function add(out: F80, a: F80, b: F80, cw: number, subtract: boolean): void {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka >= Kind.QNaN || kb >= Kind.QNaN) {
    propagateNaN(out, a, ka, b, kb);
    return;
  }
  if (ka === Kind.Denormal || kb === Kind.Denormal) fpStatus.flags |= Sw.DE;
  const sa = a.se >>> 15;
  const sb = (b.se >>> 15) ^ (subtract ? 1 : 0);
  if (ka === Kind.Infinity || kb === Kind.Infinity) {
    if (ka === kb && sa !== sb) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      setInfinity(out, ka === Kind.Infinity ? sa : sb);
    }
    return;
  }
  const prec = precisionOf(cw);
  if (ka === Kind.Zero || kb === Kind.Zero) {
    if (ka === kb) {
      const rc = (cw >>> Cw.RcShift) & 3;
      setZero(out, sa === sb ? sa : rc === Rc.Down ? 1 : 0);
    } else {
      // The nonzero operand is still rounded to the precision control's width.
      unpack(ka === Kind.Zero ? b : a);
      roundPack(out, ka === Kind.Zero ? sb : sa, ue, uh, ul, 0, prec, cw);
    }
    return;
  }
  unpack(a);
  let ea = ue, ah = uh, al = ul;
  unpack(b);
  let eb = ue, bh = uh, bl = ul;
  let sign = sa;
  if (eb > ea || (eb === ea && (bh > ah || (bh === ah && bl > al)))) {
    let t = ea; ea = eb; eb = t;
    t = ah; ah = bh; bh = t;
    t = al; al = bl; bl = t;
    sign = sb;
  }
  shiftRightJam(bh, bl, 0, ea - eb);
  bh = sh;
  bl = sl;
  const bx = sx;
  if (sa === sb) {
    let x = bx;
    let l = al + bl;
    let h = ah + bh;
    if (l >= TWO32) {
      l -= TWO32;
      h += 1;
    }
    if (h >= TWO32) {
      h -= TWO32;
      x = ((x >>> 1) | ((l & 1) << 31) | (x & 1)) >>> 0;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = ((h >>> 1) | 0x80000000) >>> 0;
      ea += 1;
    }
    roundPack(out, sign, ea, h, l, x, prec, cw);
    return;
  }
  // |a| >= |b|: the difference is nonnegative, and when the alignment shift
  // jammed bits into x it is at least 2, so normalizing moves x by one bit at most.
  let borrow = bx !== 0 ? 1 : 0;
  const x = bx !== 0 ? TWO32 - bx : 0;
  let l = al - bl - borrow;
  borrow = 0;
  if (l < 0) {
    l += TWO32;
    borrow = 1;
  }
  const h = ah - bh - borrow;
  if ((h | l | x) === 0) {
    setZero(out, ((cw >>> Cw.RcShift) & 3) === Rc.Down ? 1 : 0);
    return;
  }
  const n = normalize96(h, l, x);
  roundPack(out, sign, ea - n, sh, sl, sx, prec, cw);
}

// 32x32 -> 64 multiply: the halves land in mulHi, mulLo.
let mulHi = 0;
let mulLo = 0;
function mul32(a: number, b: number): void {
  const t1 = a * (b & 0xffff);
  const t2 = a * (b >>> 16);
  mulLo = Math.imul(a, b) >>> 0;
  mulHi = Math.floor((t2 + Math.floor(t1 / 65536)) / 65536);
}

/** The 128-bit product of two 64-bit significands, most significant word first. */
export let p3 = 0;
export let p2 = 0;
export let p1 = 0;
export let p0 = 0;

export function mul64(ah: number, al: number, bh: number, bl: number): void {
  mul32(al, bl);
  p0 = mulLo;
  let c1 = mulHi;
  mul32(al, bh);
  const t1l = mulLo, t1h = mulHi;
  mul32(ah, bl);
  const t2l = mulLo, t2h = mulHi;
  mul32(ah, bh);
  c1 += t1l + t2l;
  const carry1 = Math.floor(c1 / TWO32);
  p1 = c1 - carry1 * TWO32;
  let c2 = t1h + t2h + mulLo + carry1;
  const carry2 = Math.floor(c2 / TWO32);
  c2 -= carry2 * TWO32;
  p2 = c2;
  p3 = mulHi + carry2;
}

export function mul(out: F80, a: F80, b: F80, cw: number): void {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka >= Kind.QNaN || kb >= Kind.QNaN) {
    propagateNaN(out, a, ka, b, kb);
    return;
  }
  if (ka === Kind.Denormal || kb === Kind.Denormal) fpStatus.flags |= Sw.DE;
  const sign = (a.se ^ b.se) >>> 15;
  if (ka === Kind.Infinity || kb === Kind.Infinity) {
    if (ka === Kind.Zero || kb === Kind.Zero) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      setInfinity(out, sign);
    }
    return;
  }
  if (ka === Kind.Zero || kb === Kind.Zero) {
    setZero(out, sign);
    return;
  }
  unpack(a);
  const ea = ue, ah = uh, al = ul;
  unpack(b);
  let e = ea + ue - BIAS;
  mul64(ah, al, uh, ul);
  let h = p3, l = p2, x = p1;
  if (h < 0x80000000) {
    h = ((h << 1) | (l >>> 31)) >>> 0;
    l = ((l << 1) | (x >>> 31)) >>> 0;
    x = ((x << 1) | (p0 >>> 31)) >>> 0;
    x = (x | ((p0 & 0x7fffffff) !== 0 ? 1 : 0)) >>> 0;
  } else {
    e += 1;
    x = (x | (p0 !== 0 ? 1 : 0)) >>> 0;
  }
  roundPack(out, sign, e, h, l, x, precisionOf(cw), cw);
}

/** out = a / b. */
export function div(out: F80, a: F80, b: F80, cw: number): void {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka >= Kind.QNaN || kb >= Kind.QNaN) {
    propagateNaN(out, a, ka, b, kb);
    return;
  }
  const sign = (a.se ^ b.se) >>> 15;
  if (kb === Kind.Zero && ka !== Kind.Infinity) {
    // x / 0 raises ZE (or IE for 0 / 0) but no DE for a denormal dividend.
    if (ka === Kind.Zero) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      fpStatus.flags |= Sw.ZE;
      setInfinity(out, sign);
    }
    return;
  }
  if (ka === Kind.Denormal || kb === Kind.Denormal) fpStatus.flags |= Sw.DE;
  if (ka === Kind.Infinity) {
    if (kb === Kind.Infinity) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else {
      setInfinity(out, sign);
    }
    return;
  }
  if (kb === Kind.Infinity) {
    setZero(out, sign);
    return;
  }
  if (ka === Kind.Zero) {
    setZero(out, sign);
    return;
  }
  unpack(a);
  const ea = ue;
  let r1 = uh, r0 = ul;
  unpack(b);
  const bh = uh, bl = ul;
  let e = ea - ue + BIAS;
  // The remainder keeps a 65th bit in c; start with a >= b so the first quotient bit is the integer bit.
  let c = 0;
  if (r1 < bh || (r1 === bh && r0 < bl)) {
    c = r1 >>> 31;
    r1 = ((r1 << 1) | (r0 >>> 31)) >>> 0;
    r0 = (r0 << 1) >>> 0;
    e -= 1;
  }
  let qh = 0, ql = 0, roundBit = 0;
  for (let i = 0; i < 65; i++) {
    let bit = 0;
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
      bit = 1;
    }
    if (i < 64) {
      qh = ((qh << 1) | (ql >>> 31)) >>> 0;
      ql = ((ql << 1) | bit) >>> 0;
    } else {
      roundBit = bit;
    }
    c = r1 >>> 31;
    r1 = ((r1 << 1) | (r0 >>> 31)) >>> 0;
    r0 = (r0 << 1) >>> 0;
  }
  const x = ((roundBit << 31) | ((c | r1 | r0) !== 0 ? 1 : 0)) >>> 0;
  roundPack(out, sign, e, qh, ql, x, precisionOf(cw), cw);
}

/** out = sqrt(a). */
export function sqrt(out: F80, a: F80, cw: number): void {
  const ka = kindOf(a);
  if (propagateNaN1(out, a, ka)) return;
  const sign = a.se >>> 15;
  if (ka === Kind.Zero) {
    out.copy(a);
    return;
  }
  if (sign !== 0) {
    fpStatus.flags |= Sw.IE; // no DE for a negative denormal
    setIndefinite(out);
    return;
  }
  if (ka === Kind.Denormal) fpStatus.flags |= Sw.DE;
  if (ka === Kind.Infinity) {
    out.copy(a);
    return;
  }
  unpack(a);
  let exp = ue - BIAS;
  // Make the exponent even; N = M * 2^64 with M = 2A or 4A (66 bits), and
  // isqrt(N) is the 65-bit root: 64 significand bits plus the round bit.
  const shift = (exp & 1) !== 0 ? 2 : 1;
  if (shift === 2) exp -= 1;
  const t2 = uh >>> (32 - shift);
  const t1 = ((uh << shift) | (ul >>> (32 - shift))) >>> 0;
  const t0 = (ul << shift) >>> 0;
  let m2 = 0, m1 = 0, m0 = 0; // remainder
  let q2 = 0, q1 = 0, q0 = 0; // root
  for (let i = 0; i < 65; i++) {
    const pair = i === 0 ? t2 : i <= 16 ? (t1 >>> (32 - 2 * i)) & 3 : i <= 32 ? (t0 >>> (64 - 2 * i)) & 3 : 0;
    m2 = m2 * 4 + (m1 >>> 30);
    m1 = ((m1 << 2) | (m0 >>> 30)) >>> 0;
    m0 = ((m0 << 2) | pair) >>> 0;
    const d2 = q2 * 4 + (q1 >>> 30);
    const d1 = ((q1 << 2) | (q0 >>> 30)) >>> 0;
    const d0 = ((q0 << 2) | 1) >>> 0;
    let bit = 0;
    if (m2 > d2 || (m2 === d2 && (m1 > d1 || (m1 === d1 && m0 >= d0)))) {
      let s0 = m0 - d0;
      let s1 = m1 - d1;
      let s2 = m2 - d2;
      if (s0 < 0) {
        s0 += TWO32;
        s1 -= 1;
      }
      if (s1 < 0) {
        s1 += TWO32;
        s2 -= 1;
      }
      m0 = s0;
      m1 = s1;
      m2 = s2;
      bit = 1;
    }
    q2 = q2 * 2 + (q1 >>> 31);
    q1 = ((q1 << 1) | (q0 >>> 31)) >>> 0;
    q0 = ((q0 << 1) | bit) >>> 0;
  }
  const h = ((q2 << 31) | (q1 >>> 1)) >>> 0;
  const l = ((q1 << 31) | (q0 >>> 1)) >>> 0;
  const x = (((q0 & 1) << 31) | ((m2 | m1 | m0) !== 0 ? 1 : 0)) >>> 0;
  roundPack(out, 0, (exp >> 1) + BIAS, h, l, x, precisionOf(cw), cw);
}
