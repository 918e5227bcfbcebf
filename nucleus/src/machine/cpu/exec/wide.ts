/**
 * Wide integer arithmetic on 32-bit halves without BigInt: 32x32->64 and
 * 64x64->128 products (MUL/IMUL are common: compilers divide by constants with
 * them). Results are left in module variables to avoid allocating.
 */

/** High 32 bits (int32) of the unsigned product of two 32-bit values. */
export function mulHiU32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const lh = a0 * b1, hl = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (a1 * b1 + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/** High 32 bits of the signed product of two int32 values. */
export function mulHiS32(a: number, b: number): number {
  return (mulHiU32(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** The 128-bit product words, least significant first. */
export let w0 = 0, w1 = 0, w2 = 0, w3 = 0;

/** Unsigned 64x64 -> 128 product into w0..w3. */
export function mulU64(al: number, ah: number, bl: number, bh: number): void {
  // (ah*2^32 + al)(bh*2^32 + bl) = ah*bh*2^64 + (ah*bl + al*bh)*2^32 + al*bl
  const p0l = Math.imul(al, bl), p0h = mulHiU32(al, bl);
  const p1l = Math.imul(ah, bl), p1h = mulHiU32(ah, bl);
  const p2l = Math.imul(al, bh), p2h = mulHiU32(al, bh);
  const p3l = Math.imul(ah, bh), p3h = mulHiU32(ah, bh);
  w0 = p0l;
  let t = (p0h >>> 0) + (p1l >>> 0) + (p2l >>> 0);
  w1 = t | 0;
  let carry = Math.floor(t / 4294967296);
  t = (p1h >>> 0) + (p2h >>> 0) + (p3l >>> 0) + carry;
  w2 = t | 0;
  carry = Math.floor(t / 4294967296);
  w3 = (p3h + carry) | 0;
}

/** Signed 64x64 -> 128 product into w0..w3. */
export function mulS64(al: number, ah: number, bl: number, bh: number): void {
  mulU64(al, ah, bl, bh);
  // Signed correction of the high 64 bits: subtract b if a < 0 and a if b < 0.
  if (ah < 0) sub64hi(bl, bh);
  if (bh < 0) sub64hi(al, ah);
}

function sub64hi(l: number, h: number): void {
  const t = (w2 >>> 0) - (l >>> 0);
  w2 = t | 0;
  w3 = (w3 - h - (t < 0 ? 1 : 0)) | 0;
}
