/**
 * SSE4.2 CRC32: accumulates the CRC-32C (Castagnoli, reflected polynomial
 * 0x82F63B78) of an 8/16/32/64-bit source into the low 32 bits of the
 * destination, least significant byte first; the result is zero-extended to 64
 * bits. No flags change.
 */
import { ea, getReg } from "../operands.js";
import { register } from "../registry.js";

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[n] = c;
}

/** Folds the low `bytes` bytes of v into crc. */
function fold(crc: number, v: number, bytes: number): number {
  for (let k = 0; k < bytes; k++) {
    crc = TABLE[(crc ^ v) & 0xff] ^ (crc >>> 8);
    v >>>= 8;
  }
  return crc;
}

register("CRC32 Gy,Eb", (s, i) => {
  const v = i.rm >= 0 ? getReg(s, i.rm, 1) : s.mmu.read8(ea(s, i));
  s.lo[i.reg] = fold(s.lo[i.reg], v, 1);
  s.hi[i.reg] = 0;
});

/** The source size follows REX.W (8), else the 66h prefix (2), else 4. */
register("CRC32 Gy,Ev", (s, i) => {
  const size = i.rexW ? 8 : i.p66 ? 2 : 4;
  let lo: number, hi = 0;
  if (i.rm >= 0) {
    lo = s.lo[i.rm];
    hi = s.hi[i.rm];
  } else {
    const va = ea(s, i);
    if (size === 8) { lo = s.mmu.read64(va); hi = s.mmu.hi64; }
    else lo = size === 2 ? s.mmu.read16(va) : s.mmu.read32(va);
  }
  let crc = fold(s.lo[i.reg], lo, size === 8 ? 4 : size);
  if (size === 8) crc = fold(crc, hi, 4);
  s.lo[i.reg] = crc;
  s.hi[i.reg] = 0;
});
