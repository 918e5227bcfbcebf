/**
 * Conversions between the 80-bit format and the memory formats the x87 loads
 * and stores: float32, float64, int16/32/64 and 18-digit packed BCD.
 *
 * Widening is exact. Narrowing rounds under RC (never PC: stores have their own
 * precision) with the destination's exponent range, so overflow, underflow and
 * denormal results come out as the hardware's.
 */
import {
  BIAS, Cw, F80, fpStatus, Kind, kindOf, Rc, roundCore, setZero, shiftRightJam, Sw, unpack, W, w, Wrap,
} from './float80.js';

const TWO32 = 4294967296;

// ---------------------------------------------------------------------------
// Widening. `quiet` turns an SNaN into a QNaN with IE, as FLD does; the
// arithmetic instructions pass false so that their own NaN rules see the SNaN.

export function fromF32(out: F80, bits: number, quiet: boolean): void {
  const sign = bits >>> 31;
  const exp = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (exp === 0) {
    if (frac === 0) {
      setZero(out, sign);
      return;
    }
    fpStatus.flags |= Sw.DE;
    const raw = frac << 8;
    const z = Math.clz32(raw);
    out.set((sign << 15) | (BIAS - 126 - z), (raw << z) >>> 0, 0);
    return;
  }
  if (exp === 0xff) {
    let h = (0x80000000 | (frac << 8)) >>> 0;
    if (frac !== 0 && (frac & 0x400000) === 0 && quiet) {
      fpStatus.flags |= Sw.IE;
      h = (h | 0x40000000) >>> 0;
    }
    out.set((sign << 15) | 0x7fff, h, 0);
    return;
  }
  out.set((sign << 15) | (exp - 127 + BIAS), (0x80000000 | (frac << 8)) >>> 0, 0);
}

export function fromF64(out: F80, lo: number, hi: number, quiet: boolean): void {
  const sign = hi >>> 31;
  const exp = (hi >>> 20) & 0x7ff;
  let h = (((hi & 0xfffff) << 11) | (lo >>> 21)) >>> 0;
  let l = (lo << 11) >>> 0;
  if (exp === 0) {
    if ((h | l) === 0) {
      setZero(out, sign);
      return;
    }
    fpStatus.flags |= Sw.DE;
    let z: number;
    if (h === 0) {
      z = 32 + Math.clz32(l);
      h = (l << (z - 32)) >>> 0;
      l = 0;
    } else {
      z = Math.clz32(h);
      h = ((h << z) | (z === 0 ? 0 : l >>> (32 - z))) >>> 0;
      l = (l << z) >>> 0;
    }
    out.set((sign << 15) | (BIAS - 1022 - z), h, l);
    return;
  }
  h = (h | 0x80000000) >>> 0;
  if (exp === 0x7ff) {
    if ((h & 0x7fffffff | l) !== 0 && (h & 0x40000000) === 0 && quiet) {
      fpStatus.flags |= Sw.IE;
      h = (h | 0x40000000) >>> 0;
    }
    out.set((sign << 15) | 0x7fff, h, l);
    return;
  }
  out.set((sign << 15) | (exp - 1023 + BIAS), h, l);
}

export function fromInt32(out: F80, v: number): void {
  if (v === 0) {
    setZero(out, 0);
    return;
  }
  const sign = v < 0 ? 1 : 0;
  const m = sign !== 0 ? -v : v; // exact: |int32| <= 2^31
  const z = Math.clz32(m);
  out.set((sign << 15) | (BIAS + 31 - z), (m * 2 ** z) >>> 0, 0);
}

/** A two's-complement int64 given as uint32/int32 halves. */
export function fromInt64(out: F80, lo: number, hi: number): void {
  let h = hi >>> 0;
  let l = lo >>> 0;
  const sign = h >>> 31;
  if (sign !== 0) {
    l = TWO32 - l;
    h = (~h >>> 0) + (l === TWO32 ? 1 : 0);
    if (l === TWO32) l = 0;
    h >>>= 0;
  }
  if ((h | l) === 0) {
    setZero(out, 0);
    return;
  }
  let e = BIAS + 63;
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
  out.set((sign << 15) | (e - z), h, l);
}

// ---------------------------------------------------------------------------
// Narrowing to float32/float64.

const F32_EMIN = BIAS - 126;
const F32_EMAX = BIAS + 127;
const F64_EMIN = BIAS - 1022;
const F64_EMAX = BIAS + 1023;

/** An unmasked UE makes any tiny store result report UE (and the store is then suppressed). */
function storeWrap(cw: number): number {
  return (cw & Cw.UM) === 0 ? Wrap.TinyAlways : Wrap.None;
}

/** Returns the float32 bits of a, rounded under cw's RC. */
export function toF32(a: F80, cw: number): number {
  const k = kindOf(a);
  const sign = (a.se >>> 15) << 31;
  switch (k) {
    case Kind.Zero:
      return sign >>> 0;
    case Kind.Infinity:
      return (sign | 0x7f800000) >>> 0;
    case Kind.Unsupported:
      fpStatus.flags |= Sw.IE;
      return 0xffc00000;
    case Kind.SNaN:
    case Kind.QNaN:
      if (k === Kind.SNaN) fpStatus.flags |= Sw.IE;
      return (sign | 0x7fc00000 | ((a.hi >>> 8) & 0x7fffff)) >>> 0;
  }
  unpack(a); // a denormal source raises no DE in a store
  roundCore(a.se >>> 15, w[W.E], w[W.H] | 0, w[W.L] | 0, 0, 24, (cw >>> Cw.RcShift) & 3, F32_EMIN, F32_EMAX, storeWrap(cw));
  if (w[W.E] > F32_EMAX) return (sign | 0x7f800000) >>> 0;
  const field = w[W.H] >= 0x80000000 ? w[W.E] - (BIAS - 127) : 0;
  return (sign | (field << 23) | ((w[W.H] >>> 8) & 0x7fffff)) >>> 0;
}

/** Returns the low word of the float64 bits of a; the high word is in w[W.Hi]. */
export function toF64(a: F80, cw: number): number {
  const k = kindOf(a);
  const sign = (a.se >>> 15) << 31;
  switch (k) {
    case Kind.Zero:
      w[W.Hi] = sign >>> 0;
      return 0;
    case Kind.Infinity:
      w[W.Hi] = (sign | 0x7ff00000) >>> 0;
      return 0;
    case Kind.Unsupported:
      fpStatus.flags |= Sw.IE;
      w[W.Hi] = 0xfff80000;
      return 0;
    case Kind.SNaN:
    case Kind.QNaN:
      if (k === Kind.SNaN) fpStatus.flags |= Sw.IE;
      w[W.Hi] = (sign | 0x7ff80000 | ((a.hi >>> 11) & 0xfffff)) >>> 0;
      return ((a.hi << 21) | (a.lo >>> 11)) >>> 0;
  }
  unpack(a);
  roundCore(a.se >>> 15, w[W.E], w[W.H] | 0, w[W.L] | 0, 0, 53, (cw >>> Cw.RcShift) & 3, F64_EMIN, F64_EMAX, storeWrap(cw));
  if (w[W.E] > F64_EMAX) {
    w[W.Hi] = (sign | 0x7ff00000) >>> 0;
    return 0;
  }
  const field = w[W.H] >= 0x80000000 ? w[W.E] - (BIAS - 1023) : 0;
  w[W.Hi] = (sign | (field << 20) | ((w[W.H] >>> 11) & 0xfffff)) >>> 0;
  return ((w[W.H] << 21) | (w[W.L] >>> 11)) >>> 0;
}

// ---------------------------------------------------------------------------
// To integers.

/**
 * Rounds a to an integer magnitude under rc into (sh, sl), returning its sign,
 * or -1 when the value is not finite or needs more than 64 bits. Sets PE and C1
 * (the stores raise no DE for a denormal source; FRNDINT adds it).
 */
export function roundToInteger(a: F80, rc: number): number {
  const k = kindOf(a);
  if (k >= Kind.Infinity) return -1;
  const sign = a.se >>> 15;
  if (k === Kind.Zero) {
    shiftRightJam(0, 0, 0, 0);
    return sign;
  }
  unpack(a);
  const shift = BIAS + 63 - w[W.E];
  if (shift < 0) return -1;
  shiftRightJam(w[W.H] | 0, w[W.L] | 0, 0, shift);
  const x = w[W.X];
  if (x !== 0) {
    fpStatus.flags |= Sw.PE;
    let up: boolean;
    if (rc === Rc.Nearest) up = x > 0x80000000 || (x === 0x80000000 && (w[W.L] & 1) !== 0);
    else if (rc === Rc.Down) up = sign !== 0;
    else if (rc === Rc.Up) up = sign === 0;
    else up = false;
    if (up) {
      fpStatus.flags |= Sw.C1;
      let l = w[W.L] + 1;
      let h = w[W.H];
      if (l === TWO32) {
        l = 0;
        h += 1;
      }
      if (h === TWO32) return -1;
      shiftRightJam(h | 0, l | 0, 0, 0);
    } else {
      shiftRightJam(w[W.H] | 0, w[W.L] | 0, 0, 0);
    }
  }
  return sign;
}

/**
 * FIST/FISTTP: a as a `bits`-wide two's-complement integer (16, 32 or 64).
 * Returns the value (low word for 64; high word in w[W.Hi]); out of range or not
 * a number gives the integer indefinite with IE.
 */
export function toInt(a: F80, bits: number, rc: number): number {
  const flagsBefore = fpStatus.flags;
  const sign = roundToInteger(a, rc);
  let h = w[W.H], l = w[W.L];
  let ok = sign >= 0;
  if (ok) {
    // Largest magnitude: 2^(bits-1) - 1, or 2^(bits-1) when negative.
    if (bits === 64) ok = h < 0x80000000 || (sign === 1 && h === 0x80000000 && l === 0);
    else ok = h === 0 && (l < 2 ** (bits - 1) || (sign === 1 && l === 2 ** (bits - 1)));
  }
  if (!ok) {
    fpStatus.flags = (flagsBefore | Sw.IE) & ~Sw.C1;
    w[W.Hi] = 0x80000000;
    return bits === 16 ? 0x8000 : bits === 32 ? 0x80000000 : 0;
  }
  if (sign !== 0 && (h | l) !== 0) {
    l = TWO32 - l;
    h = ~h >>> 0;
    if (l === TWO32) {
      l = 0;
      h = (h + 1) >>> 0;
    }
  }
  w[W.Hi] = h;
  return bits === 16 ? l & 0xffff : l;
}

// ---------------------------------------------------------------------------
// Packed BCD: 9 bytes of two digits each, least significant first, then a sign byte.

/** FBLD: bytes lo (digits 0-7), hi (digits 8-15), top (digits 16-17 and the sign byte). */
export function fromBcd(out: F80, lo: number, hi: number, top: number): void {
  let v = 0n;
  const digits = [lo >>> 0, hi >>> 0, top & 0xff];
  for (let w = 2; w >= 0; w--) {
    const n = w === 2 ? 2 : 8;
    for (let i = n - 1; i >= 0; i--) v = v * 10n + BigInt((digits[w] >>> (4 * i)) & 0xf);
  }
  const sign = (top >>> 15) & 1;
  fromInt64(out, Number(v & 0xffffffffn), Number(v >> 32n));
  out.se |= sign << 15;
}

/** FBSTP: returns the low 4 bytes; bytes 4-7 in w[W.Hi], bytes 8-9 in w[W.Top]. */
export function toBcd(a: F80, rc: number): number {
  const flagsBefore = fpStatus.flags;
  const sign = roundToInteger(a, rc);
  let ok = sign >= 0;
  let v = 0n;
  if (ok) {
    v = (BigInt(w[W.H]) << 32n) | BigInt(w[W.L]);
    ok = v <= 999999999999999999n;
  }
  if (!ok) {
    fpStatus.flags = (flagsBefore | Sw.IE) & ~Sw.C1;
    w[W.Hi] = 0xc0000000;
    w[W.Top] = 0xffff;
    return 0;
  }
  const words = [0, 0, 0];
  for (let d = 0; d < 18; d++) {
    const digit = Number(v % 10n);
    v /= 10n;
    words[d >> 3] += digit * 2 ** (4 * (d & 7));
  }
  w[W.Hi] = words[1];
  w[W.Top] = words[2] | (sign << 15);
  return words[0];
}
