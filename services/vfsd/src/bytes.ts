/**
 * Byte helpers for the per-call paths: copies carved from a shared slab (one
 * ArrayBuffer per 256 KiB of small copies instead of one per copy, as Node's
 * own pool does for smaller sizes) and 64-bit little-endian stores without BigInt.
 * A copy is never reused: a reply may be serialized after later calls ran.
 */
const SLAB = 256 * 1024;
let slab = new ArrayBuffer(SLAB);
let used = 0;

/** A fresh copy of src[start, end). */
export function copyOf(src: Uint8Array, start: number, end: number): Buffer {
  const n = Math.max(0, end - start);
  if (n > SLAB >> 3) return Buffer.from(src.subarray(start, end));
  if (used + n > SLAB) {
    slab = new ArrayBuffer(SLAB);
    used = 0;
  }
  const out = Buffer.from(slab, used, n);
  out.set(src.subarray(start, end));
  used = (used + n + 7) & ~7;
  return out;
}

const TWO32 = 2 ** 32;

/** Store a signed 64-bit integer (exact within ±2^53). */
export function putI64(b: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  b.writeUInt32LE(v - hi * TWO32, at);
  b.writeInt32LE(hi, at + 4);
}

/** Store an unsigned 64-bit integer (exact below 2^53). */
export function putU64(b: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  b.writeUInt32LE(v - hi * TWO32, at);
  b.writeUInt32LE(hi >>> 0, at + 4);
}

/** Read a signed 64-bit integer (exact within ±2^53). */
export function getI64(b: Buffer, at: number): number {
  return b.readInt32LE(at + 4) * TWO32 + b.readUInt32LE(at);
}

/** `n` zero bytes of their own (slab memory is never handed out twice, so it is still zero). */
export function fresh(n: number): Buffer {
  if (n > SLAB >> 3) return Buffer.alloc(n);
  if (used + n > SLAB) {
    slab = new ArrayBuffer(SLAB);
    used = 0;
  }
  const out = Buffer.from(slab, used, n);
  used = (used + n + 7) & ~7;
  return out;
}
