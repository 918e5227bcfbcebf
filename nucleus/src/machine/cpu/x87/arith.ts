/**
 * The correctly rounded x87 arithmetic: add/subtract, multiply, divide and
 * square root, each rounded once to the precision control's significand width.
 * The exact intermediate is a 96-bit significand (h:l plus a guard word x whose
 * bit 0 is sticky), which is all one rounding needs.
 */
import {
  BIAS, Cw, F80, fpStatus, Kind, kindOf, normalize96, precisionOf, propagateNaN, propagateNaN1, Rc, roundPack, setIndefinite, setInfinity, setZero, shiftRightJam, Sw, unpack, W, w,
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
      roundPack(out, ka === Kind.Zero ? sb : sa, w[W.E], w[W.H] | 0, w[W.L] | 0, 0, prec, cw);
    }
    return;
  }
  unpack(a);
  let ea = w[W.E], ah = w[W.H], al = w[W.L];
  unpack(b);
  let eb = w[W.E], bh = w[W.H], bl = w[W.L];
  let sign = sa;
  if (eb > ea || (eb === ea && (bh > ah || (bh === ah && bl > al)))) {
    let t = ea; ea = eb; eb = t;
    t = ah; ah = bh; bh = t;
    t = al; al = bl; bl = t;
    sign = sb;
  }
  shiftRightJam(bh | 0, bl | 0, 0, ea - eb);
  bh = w[W.H];
  bl = w[W.L];
  const bx = w[W.X];
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
    roundPack(out, sign, ea, h | 0, l | 0, x | 0, prec, cw);
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
  const n = normalize96(h | 0, l | 0, x | 0);
  roundPack(out, sign, ea - n, w[W.H] | 0, w[W.L] | 0, w[W.X] | 0, prec, cw);
}

/** 32x32 -> 64 multiply into w[MulHi], w[MulLo], exactly in doubles. */
function mul32(a: number, b: number): void {
  a >>>= 0; b >>>= 0; // words arrive as int32 (see W)
  const t1 = a * (b & 0xffff);
  const t2 = a * (b >>> 16);
  w[W.MulLo] = Math.imul(a, b) >>> 0;
  w[W.MulHi] = Math.floor((t2 + Math.floor(t1 / 65536)) / 65536);
}

/** The 128-bit product of two 64-bit significands into w[P3..P0], most significant word first. */
export function mul64(ah: number, al: number, bh: number, bl: number): void {
  ah >>>= 0; al >>>= 0; bh >>>= 0; bl >>>= 0; // words arrive as int32 (see W)
  mul32(al | 0, bl | 0);
  w[W.P0] = w[W.MulLo];
  let c1 = w[W.MulHi];
  mul32(al | 0, bh | 0);
  const t1l = w[W.MulLo], t1h = w[W.MulHi];
  mul32(ah | 0, bl | 0);
  const t2l = w[W.MulLo], t2h = w[W.MulHi];
  mul32(ah | 0, bh | 0);
  c1 += t1l + t2l;
  const carry1 = Math.floor(c1 / TWO32);
  w[W.P1] = c1 - carry1 * TWO32;
  let c2 = t1h + t2h + w[W.MulLo] + carry1;
  const carry2 = Math.floor(c2 / TWO32);
  c2 -= carry2 * TWO32;
  w[W.P2] = c2;
  w[W.P3] = w[W.MulHi] + carry2;
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
  const ea = w[W.E], ah = w[W.H], al = w[W.L];
  unpack(b);
  let e = ea + w[W.E] - BIAS;
  mul64(ah | 0, al | 0, w[W.H] | 0, w[W.L] | 0);
  let h = w[W.P3], l = w[W.P2], x = w[W.P1];
  const p0 = w[W.P0];
  if (h < 0x80000000) {
    h = ((h << 1) | (l >>> 31)) >>> 0;
    l = ((l << 1) | (x >>> 31)) >>> 0;
    x = ((x << 1) | (p0 >>> 31)) >>> 0;
    x = (x | ((p0 & 0x7fffffff) !== 0 ? 1 : 0)) >>> 0;
  } else {
    e += 1;
    x = (x | (p0 !== 0 ? 1 : 0)) >>> 0;
  }
  roundPack(out, sign, e, h | 0, l | 0, x | 0, precisionOf(cw), cw);
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
  const ea = w[W.E], ah = w[W.H], al = w[W.L];
  unpack(b);
  const e = ea - w[W.E] + BIAS + divide64(ah | 0, al | 0, w[W.H] | 0, w[W.L] | 0);
  roundPack(out, sign, e, w[W.H] | 0, w[W.L] | 0, w[W.X] | 0, precisionOf(cw), cw);
}

const TWO21 = 2097152;

/**
 * The quotient A / B of two normalized 64-bit significands, which lies in
 * (1/2, 2), into w[H], w[L], w[X] normalized with the sticky bit in bit 0 of
 * X. Returns 0, or -1 when A < B (the quotient's exponent is one less).
 *
 * Long division in base 2^21: each digit is estimated from the remainder and
 * divisor as doubles (off by one at most) and then corrected with exact
 * arithmetic on integers below 2^53, so four digits (84 quotient bits) cost a
 * few dozen operations instead of a 65-step bit loop.
 */
export function divide64(ah: number, al: number, bh: number, bl: number): number {
  ah >>>= 0; al >>>= 0; bh >>>= 0; bl >>>= 0; // words arrive as int32 (see W)
  const bd = bh * TWO32 + bl;
  // The remainder rh * 2^32 + rl stays in [0, B).
  let rh = ah, rl = al, q0 = 0;
  if (ah > bh || (ah === bh && al >= bl)) {
    rl -= bl;
    rh -= bh;
    if (rl < 0) {
      rl += TWO32;
      rh -= 1;
    }
    q0 = 1;
  }
  let d1 = 0, d2 = 0, d3 = 0, d4 = 0;
  for (let k = 0; k < 4; k++) {
    // T = R * 2^21 as th * 2^32 + tl, then the digit q = floor(T / B) < 2^21.
    const th = rh * TWO21 + Math.floor(rl / 2048);
    const tl = (rl % 2048) * TWO21;
    let q = Math.floor((th * TWO32 + tl) / bd);
    if (q >= TWO21) q = TWO21 - 1;
    const p = bl * q;
    const pl = p % TWO32;
    let nh = th - bh * q - (p - pl) / TWO32;
    let nl = tl - pl;
    if (nl < 0) {
      nl += TWO32;
      nh -= 1;
    }
    while (nh < 0) {
      q -= 1;
      nl += bl;
      nh += bh;
      if (nl >= TWO32) {
        nl -= TWO32;
        nh += 1;
      }
    }
    while (nh > bh || (nh === bh && nl >= bl)) {
      q += 1;
      nl -= bl;
      nh -= bh;
      if (nl < 0) {
        nl += TWO32;
        nh -= 1;
      }
    }
    rh = nh;
    rl = nl;
    if (k === 0) d1 = q;
    else if (k === 1) d2 = q;
    else if (k === 2) d3 = q;
    else d4 = q;
  }
  const sticky = rh !== 0 || rl !== 0 ? 1 : 0;
  if (q0 !== 0) { // quotient bits q0 at 84, d1..d4 at 63, 42, 21, 0; bit 84 goes to bit 95
    w[W.H] = 0x80000000 + d1 * 1024 + (d2 >>> 11);
    w[W.L] = (d2 & 0x7ff) * TWO21 + d3;
    w[W.X] = d4 * 2048 + sticky;
    return 0;
  }
  // A < B: the top bit is d1's bit 20 (quotient bit 83), which goes to bit 95.
  w[W.H] = d1 * 2048 + (d2 >>> 10);
  w[W.L] = (d2 & 0x3ff) * 4194304 + d3 * 2 + (d4 >>> 20);
  w[W.X] = (d4 & 0xfffff) * 4096 + sticky;
  return -1;
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
  let exp = w[W.E] - BIAS;
  // Make the exponent even; N = M * 2^64 with M = 2A or 4A (66 bits), and
  // isqrt(N) is the 65-bit root: 64 significand bits plus the round bit.
  const shift = (exp & 1) !== 0 ? 2 : 1;
  if (shift === 2) exp -= 1;
  const t2 = w[W.H] >>> (32 - shift);
  const t1 = ((w[W.H] << shift) | (w[W.L] >>> (32 - shift))) >>> 0;
  const t0 = (w[W.L] << shift) >>> 0;
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
  roundPack(out, 0, (exp >> 1) + BIAS, h | 0, l | 0, x | 0, precisionOf(cw), cw);
}
