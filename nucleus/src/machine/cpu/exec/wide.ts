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

// ---- 128 / 64 -> 64 unsigned division without BigInt (DIV/IDIV r/m64) -------------

/** Dividend (8 digits + 1 for normalisation), divisor (4) and quotient (8), base 2^16. */
const U = new Int32Array(9);
const V = new Int32Array(4);
const Q = new Int32Array(8);

function digitsOf32(dst: Int32Array, at: number, w: number): void {
  dst[at] = w & 0xffff;
  dst[at + 1] = w >>> 16;
}

function nlz16(x: number): number {
  return Math.clz32(x) - 16;
}

/**
 * Unsigned (n3:n2:n1:n0) / (d1:d0) in 32-bit words, d non-zero. Leaves the
 * quotient in w0 (low), w1 (high) and the remainder in w2 (low), w3 (high);
 * returns false if the quotient does not fit in 64 bits (#DE).
 * Knuth's algorithm D with 16-bit digits, so every partial product is exact.
 */
export function divU128(n0: number, n1: number, n2: number, n3: number, d0: number, d1: number): boolean {
  // Quotient fits in 64 bits iff the high half of the dividend is below the divisor.
  if ((n3 >>> 0) > (d1 >>> 0) || ((n3 >>> 0) === (d1 >>> 0) && (n2 >>> 0) >= (d0 >>> 0))) return false;
  if (d1 === 0 && n2 === 0 && n3 === 0) {
    // 64 / 32: the high word, then the low word in two 16-bit steps (all exact).
    const d = d0 >>> 0;
    const qh = Math.floor((n1 >>> 0) / d);
    let r = (n1 >>> 0) - qh * d;
    let t = r * 65536 + (n0 >>> 16);
    const qm = Math.floor(t / d);
    r = t - qm * d;
    t = r * 65536 + (n0 & 0xffff);
    const ql = Math.floor(t / d);
    w0 = (qm * 65536 + ql) | 0;
    w1 = qh | 0;
    w2 = (t - ql * d) | 0;
    w3 = 0;
    return true;
  }
  if (d1 === 0 && (d0 >>> 0) < 0x200000) {
    // A divisor below 2^21: long division by 32-bit words, every step exact in doubles.
    const d = d0 >>> 0;
    let r = (n3 >>> 0) % d;
    let t = r * 4294967296 + (n2 >>> 0);
    r = t % d;
    t = r * 4294967296 + (n1 >>> 0);
    const qh = Math.floor(t / d);
    r = t - qh * d;
    t = r * 4294967296 + (n0 >>> 0);
    const ql = Math.floor(t / d);
    w0 = ql | 0;
    w1 = qh | 0;
    w2 = t - ql * d;
    w3 = 0;
    return true;
  }
  digitsOf32(U, 0, n0); digitsOf32(U, 2, n1); digitsOf32(U, 4, n2); digitsOf32(U, 6, n3);
  U[8] = 0;
  if (d1 === 0) {
    // A 32-bit divisor: short division by 16-bit digits (remainder < 2^32, so exact).
    const d = d0 >>> 0;
    let r = 0;
    for (let j = 7; j >= 0; j--) {
      const t = r * 65536 + U[j];
      const q = Math.floor(t / d);
      Q[j] = q;
      r = t - q * d;
    }
    w0 = Q[0] | (Q[1] << 16);
    w1 = Q[2] | (Q[3] << 16);
    w2 = r | 0;
    w3 = 0;
    return true;
  }
  digitsOf32(V, 0, d0); digitsOf32(V, 2, d1);
  let n = 4;
  while (n > 1 && V[n - 1] === 0) n--;
  // Only the dividend's significant digits take part (a 64/64 division is one step).
  let m = 8;
  while (m > n && U[m - 1] === 0) m--;
  Q.fill(0);
  if (n === 1) {
    const v = V[0];
    let rem = 0;
    for (let j = m - 1; j >= 0; j--) {
      const t = rem * 65536 + U[j];
      Q[j] = Math.floor(t / v);
      rem = t - Q[j] * v;
    }
    w0 = Q[0] | (Q[1] << 16);
    w1 = Q[2] | (Q[3] << 16);
    w2 = rem;
    w3 = 0;
    return true;
  }
  // Normalise so the divisor's top digit has its high bit set.
  const s = nlz16(V[n - 1]);
  if (s > 0) {
    for (let i = n - 1; i > 0; i--) V[i] = ((V[i] << s) | (V[i - 1] >>> (16 - s))) & 0xffff;
    V[0] = (V[0] << s) & 0xffff;
    U[m] = U[m - 1] >>> (16 - s);
    for (let i = m - 1; i > 0; i--) U[i] = ((U[i] << s) | (U[i - 1] >>> (16 - s))) & 0xffff;
    U[0] = (U[0] << s) & 0xffff;
  }
  const vTop = V[n - 1], vNext = V[n - 2];
  for (let j = m - n; j >= 0; j--) {
    const num = U[j + n] * 65536 + U[j + n - 1];
    let qhat = Math.floor(num / vTop);
    let rhat = num - qhat * vTop;
    while (qhat >= 65536 || qhat * vNext > rhat * 65536 + U[j + n - 2]) {
      qhat--;
      rhat += vTop;
      if (rhat >= 65536) break;
    }
    // Multiply and subtract qhat * v from u[j .. j+n].
    let borrow = 0;
    for (let i = 0; i < n; i++) {
      const p = qhat * V[i];
      const t = U[i + j] - borrow - (p & 0xffff);
      U[i + j] = t & 0xffff;
      borrow = Math.floor(p / 65536) - (t >> 16);
    }
    const t = U[j + n] - borrow;
    U[j + n] = t & 0xffff;
    if (t < 0) {
      // qhat was one too large: add the divisor back.
      qhat--;
      let carry = 0;
      for (let i = 0; i < n; i++) {
        const a = U[i + j] + V[i] + carry;
        U[i + j] = a & 0xffff;
        carry = a >>> 16;
      }
      U[j + n] = (U[j + n] + carry) & 0xffff;
    }
    Q[j] = qhat;
  }
  w0 = Q[0] | (Q[1] << 16);
  w1 = Q[2] | (Q[3] << 16);
  // Remainder: u[0 .. n-1] shifted back.
  let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  const un = (i: number) => (i < n ? ((U[i] >>> s) | (i + 1 < n ? (U[i + 1] << (16 - s)) & 0xffff : 0)) & 0xffff : 0);
  if (s > 0) { r0 = un(0); r1 = un(1); r2 = un(2); r3 = un(3); }
  else { r0 = n > 0 ? U[0] : 0; r1 = n > 1 ? U[1] : 0; r2 = n > 2 ? U[2] : 0; r3 = n > 3 ? U[3] : 0; }
  w2 = r0 | (r1 << 16);
  w3 = r2 | (r3 << 16);
  return true;
}
