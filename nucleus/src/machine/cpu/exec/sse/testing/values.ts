/**
 * Operand generators for the SSE oracle tests, aimed at where floating point is
 * hard: specials, denormals, both ends of the exponent range, values with few
 * significant bits (exact results and ties), operands related to each other
 * (cancellation, nearby values, far-apart exponents), and every MXCSR setting.
 */
import { pick } from "../../../testing/encodings.js";

export type Rand = () => number;

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const u32 = (r: Rand): number => (r() * 4294967296) >>> 0;

const SPECIAL32 = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00000, 0x7f800001, 0xffbfffff,
  0x00000001, 0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x3f7fffff,
  0x4b000000, 0x4b7fffff, 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x3f000000, 0x3fc00000, 0x00400000,
];

/** A binary32 bit pattern. */
export function f32Bits(r: Rand): number {
  const sign = int(r, 2) << 31;
  const mant = u32(r) & 0x7fffff;
  switch (int(r, 10)) {
    case 0: return pick(r, SPECIAL32) >>> 0;
    case 1: return (sign | mant) >>> 0; // denormal
    case 2: return (sign | ((1 + int(r, 8)) << 23) | mant) >>> 0; // smallest normals
    case 3: return (sign | ((246 + int(r, 9)) << 23) | mant) >>> 0; // near the top
    case 4: case 5: return (sign | ((100 + int(r, 55)) << 23) | mant) >>> 0;
    case 6: return (sign | ((110 + int(r, 35)) << 23) | (mant & (0x7fffff << (19 + int(r, 5))))) >>> 0; // few bits
    case 7: return (sign | (int(r, 2) ? 0x7f800000 | mant | 1 : mant)) >>> 0; // NaN or denormal
    default: return u32(r);
  }
}

const SPECIAL64: [number, number][] = [
  [0, 0], [0x80000000, 0], [0x7ff00000, 0], [0xfff00000, 0], [0x7ff80000, 0], [0xfff80000, 0], [0x7ff40000, 0],
  [0x7ff00000, 1], [0, 1], [0x800fffff, 0xffffffff], [0x00100000, 0], [0x7fefffff, 0xffffffff], [0xffefffff, 0xffffffff],
  [0x3ff00000, 0], [0xbff00000, 0], [0x3fefffff, 0xffffffff], [0x43300000, 0], [0x41e00000, 0], [0xc1e00000, 0],
  [0x43e00000, 0], [0xc3e00000, 0], [0x41dfffff, 0xffc00000], [0x3fe00000, 0], [0x47efffff, 0xe0000000],
  [0x36a00000, 0], [0x38100000, 0], [0x380fffff, 0xe0000000],
];

/** A binary64 bit pattern as [hi, lo]. */
export function f64Bits(r: Rand): [number, number] {
  const sign = int(r, 2) << 31;
  const mh = u32(r) & 0xfffff, ml = u32(r);
  const e = (x: number): number => (sign | (x << 20) | mh) >>> 0;
  switch (int(r, 12)) {
    case 0: { const [h, l] = pick(r, SPECIAL64); return [h >>> 0, l >>> 0]; }
    case 1: return [(sign | mh) >>> 0, ml]; // denormal
    case 2: return [e(1 + int(r, 60)), ml]; // smallest normals
    case 3: return [e(1990 + int(r, 57)), ml]; // near the top
    case 4: return [e(1023 - 180 + int(r, 360)), ml]; // binary32 range (conversions)
    case 5: return [e(1023 - 135 + int(r, 20)), ml]; // binary32 denormal range
    case 6: case 7: return [e(1000 + int(r, 48)), ml];
    case 8: return [e(1000 + int(r, 48)) & ~(0xfffff >>> int(r, 20)), 0]; // few bits
    case 9: return [(sign | 0x7ff00000 | mh | (int(r, 2) << 19)) >>> 0, ml | 1]; // NaN
    case 10: return [e(1023 + int(r, 66)), ml & ~((1 << int(r, 32)) - 1)]; // integer range
    default: return [u32(r), u32(r)];
  }
}

/** A second operand related to the first (binary32 lane bits). */
export function related32(r: Rand, a: number): number {
  switch (int(r, 5)) {
    case 0: return (a + int(r, 5) - 2) >>> 0; // neighbour
    case 1: return (a ^ 0x80000000) >>> 0; // negation: cancellation
    case 2: return ((a ^ 0x80000000) + int(r, 3) - 1) >>> 0; // near cancellation
    case 3: { // exponent apart by around the precision (sticky bits)
      const e = ((a >>> 23) & 0xff) - 20 - int(r, 10);
      return e > 0 ? ((a & 0x807fffff) | (e << 23) | (u32(r) & 0x7fffff)) >>> 0 : a;
    }
    default: return f32Bits(r);
  }
}

export function related64(r: Rand, a: [number, number]): [number, number] {
  const [h, l] = a;
  switch (int(r, 5)) {
    case 0: return [h, (l + int(r, 5) - 2) >>> 0];
    case 1: return [(h ^ 0x80000000) >>> 0, l];
    case 2: return [(h ^ 0x80000000) >>> 0, (l + int(r, 3) - 1) >>> 0];
    case 3: {
      const e = ((h >>> 20) & 0x7ff) - 48 - int(r, 12);
      return e > 0 ? [((h & 0x800fffff) | (e << 20)) >>> 0, u32(r)] : a;
    }
    default: return f64Bits(r);
  }
}

/** MXCSR: any rounding mode, DAZ/FTZ, mostly masked exceptions, some sticky flags. */
export function mxcsr(r: Rand): number {
  let m = 0x1f80 | (int(r, 4) << 13);
  if (r() < 0.3) m |= 0x40;
  if (r() < 0.3) m |= 0x8000;
  if (r() < 0.2) m &= ~(u32(r) & 0x1f80);
  if (r() < 0.2) m |= u32(r) & 0x3f;
  return m;
}
