/**
 * The exponent-manipulating instructions: FSCALE, FXTRACT and FRNDINT. None of
 * them is subject to precision control.
 */
import {
  BIAS, Cw, F80, fpStatus, Kind, kindOf, packExact, propagateNaN, propagateNaN1, roundPack, setIndefinite, setInfinity, setZero, Sw, unpack, W, w,
} from './float80.js';
import { fromInt32, roundToInteger } from './convert.js';

/** out = a * 2^trunc(b). */
export function scale(out: F80, a: F80, b: F80, cw: number): void {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka >= Kind.QNaN || kb >= Kind.QNaN) {
    propagateNaN(out, a, ka, b, kb);
    return;
  }
  if (ka === Kind.Denormal || kb === Kind.Denormal) fpStatus.flags |= Sw.DE;
  const sa = a.se >>> 15;
  if (kb === Kind.Infinity) {
    const up = (b.se & 0x8000) === 0;
    if ((ka === Kind.Zero && up) || (ka === Kind.Infinity && !up)) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(out);
    } else if (ka === Kind.Zero || ka === Kind.Infinity) {
      out.copy(a);
    } else if (up) {
      setInfinity(out, sa);
    } else {
      setZero(out, sa);
    }
    return;
  }
  if (ka === Kind.Zero || ka === Kind.Infinity || kb === Kind.Zero) {
    out.copy(a);
    if ((a.se & 0x7fff) === 0 && a.hi >= 0x80000000) out.se |= 1; // a pseudo-denormal comes back normalized
    return;
  }
  // trunc(b), clamped: anything beyond 2^20 already over- or underflows every operand.
  unpack(b);
  const eb = w[W.E] - BIAS;
  let n = eb < 0 ? 0 : eb > 20 ? 1 << 21 : w[W.H] >>> (31 - eb);
  if ((b.se & 0x8000) !== 0) n = -n;
  unpack(a);
  roundPack(out, sa, w[W.E] + n, w[W.H] | 0, w[W.L] | 0, 0, 64, cw);
}

/** FXTRACT: exponent of a (as a value) into expOut, significand scaled to [1, 2) into sigOut. */
export function extract(expOut: F80, sigOut: F80, a: F80): void {
  const ka = kindOf(a);
  if (propagateNaN1(sigOut, a, ka)) {
    expOut.copy(sigOut);
    return;
  }
  if (ka === Kind.Zero) {
    fpStatus.flags |= Sw.ZE;
    setInfinity(expOut, 1);
    sigOut.copy(a);
    return;
  }
  if (ka === Kind.Infinity) {
    setInfinity(expOut, 0);
    sigOut.copy(a);
    return;
  }
  if (ka === Kind.Denormal) fpStatus.flags |= Sw.DE;
  unpack(a);
  fromInt32(expOut, w[W.E] - BIAS);
  sigOut.set((a.se & 0x8000) | BIAS, w[W.H], w[W.L]);
}

/** FRNDINT: a rounded to an integer under RC. */
export function roundInt(out: F80, a: F80, cw: number): void {
  const ka = kindOf(a);
  if (propagateNaN1(out, a, ka)) return;
  if (ka === Kind.Zero || ka === Kind.Infinity || (ka === Kind.Normal && (a.se & 0x7fff) >= BIAS + 63)) {
    out.copy(a);
    return;
  }
  if (ka === Kind.Denormal) fpStatus.flags |= Sw.DE;
  const sign = roundToInteger(a, (cw >>> Cw.RcShift) & 3);
  if ((w[W.H] | w[W.L]) === 0) {
    setZero(out, sign);
    return;
  }
  let h = w[W.H], l = w[W.L], e = BIAS + 63;
  if (h === 0) {
    h = l;
    l = 0;
    e -= 32;
  }
  const z = Math.clz32(h);
  if (z > 0) {
    h = ((h << z) | (l >>> (32 - z))) >>> 0;
    l = (l << z) >>> 0;
  }
  packExact(out, sign, e - z, h | 0, l | 0, cw);
}
