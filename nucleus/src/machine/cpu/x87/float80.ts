/**
 * The x87 80-bit extended-precision format and the one rounding step every x87
 * result goes through.
 *
 * A value is held as three numbers: the sign+exponent word and the 64-bit
 * significand as two uint32 halves (the integer bit J is `hi` bit 31). All
 * arithmetic here works on 32-bit words held in JS numbers: no BigInt and no
 * allocation, so an x87 instruction costs a few hundred simple operations.
 *
 * Operations report IE..PE and C1 (the round-up indicator) by OR-ing them into
 * `fpStatus.flags`, in status-word bit positions; the FPU clears it before an
 * instruction and folds it into the status word afterwards.
 */

export class F80 {
  /** Sign (bit 15) and biased exponent (bits 0..14). */
  se = 0;
  /** Significand bits 63..32 as a uint32; bit 31 is the explicit integer bit. */
  hi = 0;
  /** Significand bits 31..0 as a uint32. */
  lo = 0;

  set(se: number, hi: number, lo: number): this {
    this.se = se;
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  copy(from: F80): this {
    this.se = from.se;
    this.hi = from.hi;
    this.lo = from.lo;
    return this;
  }
}

export const BIAS = 16383;
export const EXP_INF = 0x7fff;
const TWO32 = 4294967296;

/** Status-word bits. */
export const enum Sw {
  IE = 0x1, DE = 0x2, ZE = 0x4, OE = 0x8, UE = 0x10, PE = 0x20, SF = 0x40, ES = 0x80,
  C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, B = 0x8000,
  TopShift = 11, TopMask = 0x3800, Exceptions = 0x3f, CondMask = 0x4700,
}

/** Control-word fields. */
export const enum Cw {
  IM = 0x1, DM = 0x2, ZM = 0x4, OM = 0x8, UM = 0x10, PM = 0x20,
  PcShift = 8, RcShift = 10, Default = 0x037f,
}

export const enum Rc { Nearest = 0, Down = 1, Up = 2, Zero = 3 }

export const enum Kind { Zero, Normal, Denormal, Infinity, QNaN, SNaN, Unsupported }

/** Flags raised by the current operation (see the file comment). */
export const fpStatus = { flags: 0 };

export function kindOf(a: F80): Kind {
  const e = a.se & 0x7fff;
  const j = a.hi >>> 31;
  if (e === 0) {
    if (j !== 0) return Kind.Denormal; // pseudo-denormal: a valid operand, value 2^-16382 scale
    return (a.hi | a.lo) === 0 ? Kind.Zero : Kind.Denormal;
  }
  if (j === 0) return Kind.Unsupported; // unnormal, pseudo-infinity, pseudo-NaN
  if (e !== EXP_INF) return Kind.Normal;
  if (((a.hi & 0x7fffffff) | a.lo) === 0) return Kind.Infinity;
  return (a.hi & 0x40000000) !== 0 ? Kind.QNaN : Kind.SNaN;
}

/** The significand precision (bits) that PC selects; the reserved PC = 01 behaves as 64 on the host. */
export function precisionOf(cw: number): number {
  const pc = (cw >>> Cw.PcShift) & 3;
  return pc === 0 ? 24 : pc === 2 ? 53 : 64;
}

export function setIndefinite(out: F80): void {
  out.set(0xffff, 0xc0000000, 0);
}

export function setInfinity(out: F80, sign: number): void {
  out.set((sign << 15) | EXP_INF, 0x80000000, 0);
}

export function setZero(out: F80, sign: number): void {
  out.set(sign << 15, 0, 0);
}

/**
 * The NaN and unsupported-format rules shared by the two-operand arithmetic:
 * an unsupported operand gives the real indefinite; an SNaN raises IE; between
 * two NaNs a QNaN beats an SNaN, otherwise the larger significand wins (equal
 * significands: the positive one). Returns false, touching nothing, when
 * neither operand is a NaN or unsupported.
 */
export function propagateNaN(out: F80, a: F80, ka: Kind, b: F80, kb: Kind): boolean {
  if (ka === Kind.Unsupported || kb === Kind.Unsupported) {
    fpStatus.flags |= Sw.IE;
    setIndefinite(out);
    return true;
  }
  const aNaN = ka === Kind.QNaN || ka === Kind.SNaN;
  const bNaN = kb === Kind.QNaN || kb === Kind.SNaN;
  if (!aNaN && !bNaN) return false;
  if (ka === Kind.SNaN || kb === Kind.SNaN) fpStatus.flags |= Sw.IE;
  let pick: F80;
  if (aNaN && bNaN) {
    if (ka !== kb) pick = ka === Kind.QNaN ? a : b;
    else {
      const ah = a.hi & 0x7fffffff, bh = b.hi & 0x7fffffff;
      if (ah !== bh) pick = ah > bh ? a : b;
      else if (a.lo !== b.lo) pick = a.lo > b.lo ? a : b;
      else pick = (a.se & 0x8000) === 0 ? a : b;
    }
  } else {
    pick = aNaN ? a : b;
  }
  out.set(pick.se, (pick.hi | 0x40000000) >>> 0, pick.lo);
  return true;
}

/** A single NaN or unsupported operand (one-operand instructions). */
export function propagateNaN1(out: F80, a: F80, ka: Kind): boolean {
  if (ka === Kind.Unsupported) {
    fpStatus.flags |= Sw.IE;
    setIndefinite(out);
    return true;
  }
  if (ka !== Kind.QNaN && ka !== Kind.SNaN) return false;
  if (ka === Kind.SNaN) fpStatus.flags |= Sw.IE;
  out.set(a.se, (a.hi | 0x40000000) >>> 0, a.lo);
  return true;
}

// ---------------------------------------------------------------------------
// Passing 32-bit words without allocating. A uint32 at or above 2^31 is not a
// small integer to V8, so it is boxed into a heap number whenever it crosses a
// call that is not inlined or lands in a module-level variable. Hence:
// - helpers take significand words as int32 bit patterns (`x | 0` at the call,
//   `x >>>= 0` on entry), which pass as small integers;
// - helpers return extra results in the Float64Array `w` below, whose slots
//   hold numbers unboxed. Callers copy the slots they need into locals at once.

export const w = new Float64Array(12);

export const enum W {
  /** Exponent (unpack, roundCore). */
  E = 0,
  /** Significand bits 63..32, bits 31..0, and the guard word below them (bit 0 sticky). */
  H = 1, L = 2, X = 3,
  /** A 128-bit product, most significant word first (mul64). */
  P3 = 4, P2 = 5, P1 = 6, P0 = 7,
  /** A 32x32 -> 64 product (mul32). */
  MulHi = 8, MulLo = 9,
  /** The second word of a 64-bit conversion result, and bits 64..79 of a BCD one. */
  Hi = 10, Top = 11,
}

// ---------------------------------------------------------------------------
// Unpacking. A finite nonzero operand becomes (exponent, normalized significand)
// in w[E], w[H], w[L]: the exponent goes below 1 for denormals so that the
// significand always has its top bit set.

export function unpack(a: F80): void {
  let e = a.se & 0x7fff;
  let h = a.hi;
  let l = a.lo;
  if (e === 0) e = 1; // denormals and pseudo-denormals share exponent 1
  if (h < 0x80000000) {
    if (h === 0) {
      const z = Math.clz32(l);
      h = (l << z) >>> 0;
      l = 0;
      e -= 32 + z;
    } else {
      const z = Math.clz32(h);
      h = ((h << z) | (l >>> (32 - z))) >>> 0;
      l = (l << z) >>> 0;
      e -= z;
    }
  }
  w[W.E] = e;
  w[W.H] = h;
  w[W.L] = l;
}

// ---------------------------------------------------------------------------
// 96-bit helpers on (h, l, x): results in w[H], w[L], w[X].

/** Shifts h:l:x right by n, OR-ing every bit shifted out into bit 0 of x. */
export function shiftRightJam(h: number, l: number, x: number, n: number): void {
  h >>>= 0; l >>>= 0; x >>>= 0; // words arrive as int32 (see W)
  if (n <= 0) {
    w[W.H] = h; w[W.L] = l; w[W.X] = x;
    return;
  }
  if (n >= 96) {
    w[W.H] = 0; w[W.L] = 0; w[W.X] = (h | l | x) !== 0 ? 1 : 0;
    return;
  }
  let sticky = 0;
  while (n >= 32) {
    sticky |= x;
    x = l;
    l = h;
    h = 0;
    n -= 32;
  }
  if (n > 0) {
    sticky |= x << (32 - n);
    x = ((x >>> n) | (l << (32 - n))) >>> 0;
    l = ((l >>> n) | (h << (32 - n))) >>> 0;
    h = h >>> n;
  }
  w[W.H] = h;
  w[W.L] = l;
  w[W.X] = (x | (sticky !== 0 ? 1 : 0)) >>> 0;
}

/** Shifts h:l:x left until bit 95 is set (h:l:x nonzero); returns the shift count. */
export function normalize96(h: number, l: number, x: number): number {
  h >>>= 0; l >>>= 0; x >>>= 0; // words arrive as int32 (see W)
  let n = 0;
  while (h === 0) {
    h = l;
    l = x;
    x = 0;
    n += 32;
  }
  const z = Math.clz32(h);
  if (z > 0) {
    h = ((h << z) | (l >>> (32 - z))) >>> 0;
    l = ((l << z) | (x >>> (32 - z))) >>> 0;
    x = (x << z) >>> 0;
  }
  w[W.H] = h;
  w[W.L] = l;
  w[W.X] = x;
  return n + z;
}

// ---------------------------------------------------------------------------
// Rounding.

// Result of `roundCore`: w[E] the exponent (emax + 1 means infinity), w[H], w[L] the significand.

/**
 * Unmasked-exception responses for `roundCore`: Over/Under deliver the result
 * with its exponent wrapped by 24576 (unmasked OE/UE on a register
 * destination); TinyAlways reports UE for any tiny result, exact or not
 * (unmasked UE on a memory destination, which then is not written).
 */
export const enum Wrap { None = 0, Over = 1, Under = 2, TinyAlways = 4 }

/** Set by roundsUp: whether the bits below the rounding position are nonzero. */
let inexactBits = false;

/** Whether rounding h:l:x to `prec` bits under rc increases the magnitude (sets inexactBits). */
function roundsUp(sign: number, h: number, l: number, x: number, prec: number, rc: number): boolean {
  h >>>= 0; l >>>= 0; x >>>= 0; // words arrive as int32 (see W)
  let half: number, rest: number, lsb: number;
  if (prec === 64) {
    half = x >>> 31;
    rest = x & 0x7fffffff;
    lsb = l & 1;
  } else if (prec === 53) {
    half = l & 0x400;
    rest = (l & 0x3ff) | x;
    lsb = l & 0x800;
  } else {
    half = h & 0x80;
    rest = (h & 0x7f) | l | x;
    lsb = h & 0x100;
  }
  inexactBits = (half | rest) !== 0;
  if (!inexactBits) return false;
  if (rc === Rc.Nearest) return half !== 0 && (rest !== 0 || lsb !== 0);
  if (rc === Rc.Down) return sign !== 0;
  if (rc === Rc.Up) return sign === 0;
  return false;
}

/** Whether the top `prec` bits of h:l are all ones (so rounding up carries out). */
function allOnes(h: number, l: number, prec: number): boolean {
  h >>>= 0; l >>>= 0; // words arrive as int32 (see W)
  if (prec === 24) return h >>> 8 === 0xffffff;
  return h === 0xffffffff && (prec === 64 ? l === 0xffffffff : l >>> 11 === 0x1fffff);
}

/**
 * Rounds the value sign · (h:l:x) with h bit 31 weighing 2^(e - BIAS) to
 * `prec` significand bits under rounding control `rc`, for a format whose
 * normal exponents are emin..emax (80-bit bias). h must have its top bit set.
 *
 * Tiny results are denormalized at emin, so the rounding position stays fixed
 * within the significand field (which is also how PC = 24/53 rounds register
 * denormals). Tininess is judged after rounding (with an unbounded exponent),
 * except for 64-bit register results, where the host judges it before rounding.
 */
export function roundCore(
  sign: number, e: number, h: number, l: number, x: number,
  prec: number, rc: number, emin: number, emax: number, wrap: number,
): void {
  h >>>= 0; l >>>= 0; x >>>= 0; // words arrive as int32 (see W)
  let flags = 0;
  // The unmasked responses deliver the exponent wrapped by 24576; beyond even
  // that range (only FSCALE gets there) the host delivers infinity or zero.
  if ((wrap & Wrap.Over) !== 0 && e - 24576 > emax) {
    fpStatus.flags |= Sw.OE | Sw.PE | Sw.C1;
    w[W.E] = emax + 1;
    w[W.H] = 0x80000000;
    w[W.L] = 0;
    return;
  }
  if ((wrap & Wrap.Under) !== 0 && e + 24576 < emin) {
    fpStatus.flags |= Sw.UE | Sw.PE;
    w[W.E] = emin;
    w[W.H] = 0;
    w[W.L] = 0;
    return;
  }
  let tiny = e < emin;
  if (tiny && e === emin - 1 && !(emin === 1 && prec === 64) && allOnes(h | 0, l | 0, prec) && roundsUp(sign, h | 0, l | 0, x | 0, prec, rc)) {
    tiny = false; // rounding with an unbounded exponent would reach the smallest normal
  }
  if (tiny && (wrap & Wrap.Under) === 0) {
    shiftRightJam(h | 0, l | 0, x | 0, emin - e);
    h = w[W.H];
    l = w[W.L];
    x = w[W.X];
    e = emin;
  }
  const up = roundsUp(sign, h | 0, l | 0, x | 0, prec, rc);
  if (prec === 53) l = (l & 0xfffff800) >>> 0;
  else if (prec === 24) {
    h = (h & 0xffffff00) >>> 0;
    l = 0;
  }
  if (inexactBits) {
    flags |= Sw.PE;
    if (tiny) flags |= Sw.UE;
    if (up) {
      flags |= Sw.C1;
      if (prec === 24) h += 0x100;
      else {
        l += prec === 64 ? 1 : 0x800;
        if (l >= TWO32) {
          l -= TWO32;
          h += 1;
        }
      }
      if (h >= TWO32) {
        h = 0x80000000;
        e += 1;
      }
    }
  }
  if (tiny && (wrap & Wrap.Under) !== 0) {
    flags |= Sw.UE;
    e += 24576;
  }
  if (tiny && (wrap & Wrap.TinyAlways) !== 0) flags |= Sw.UE;
  if (e > emax) {
    if ((wrap & Wrap.Over) !== 0) {
      flags |= Sw.OE;
      e -= 24576;
    } else {
      flags |= Sw.OE | Sw.PE;
      const toInfinity = rc === Rc.Nearest || (rc === Rc.Down ? sign !== 0 : rc === Rc.Up && sign === 0);
      if (toInfinity) {
        flags |= Sw.C1;
        e = emax + 1;
        h = 0x80000000;
        l = 0;
      } else {
        flags &= ~Sw.C1;
        e = emax;
        h = prec === 24 ? 0xffffff00 : 0xffffffff;
        l = prec === 64 ? 0xffffffff : prec === 53 ? 0xfffff800 : 0;
      }
    }
  }
  fpStatus.flags |= flags;
  w[W.E] = e;
  w[W.H] = h;
  w[W.L] = l;
}

/** Wrap mode for a register destination under control word cw. */
export function wrapOf(cw: number): number {
  return ((cw & Cw.OM) === 0 ? Wrap.Over : 0) | ((cw & Cw.UM) === 0 ? Wrap.Under : 0);
}

/** roundCore into an 80-bit register value (exponent range of the register format). */
export function roundPack(out: F80, sign: number, e: number, h: number, l: number, x: number, prec: number, cw: number): void {
  roundCore(sign, e, h | 0, l | 0, x | 0, prec, (cw >>> Cw.RcShift) & 3, 1, 0x7ffe, wrapOf(cw));
  out.se = (sign << 15) | (w[W.H] >= 0x80000000 ? w[W.E] : 0);
  out.hi = w[W.H];
  out.lo = w[W.L];
}

/** An exact finite value (h normalized, nothing below l) packed without rounding questions, e.g. a denormal. */
export function packExact(out: F80, sign: number, e: number, h: number, l: number, cw: number): void {
  roundPack(out, sign, e, h | 0, l | 0, 0, 64, cw);
}
