/**
 * Interesting operand values: integer edges, IEEE single/double specials and x87
 * extended-precision specials, mixed with uniform random ones.
 */
import type { Rng } from './rng.js';

const M64 = (1n << 64n) - 1n;

const INT_EDGES: readonly bigint[] = [
  0n, 1n, 2n, 3n, 7n, 8n, 15n, 16n, 17n, 31n, 32n, 33n, 63n, 64n, 65n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n,
  0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, M64,
  M64 - 1n, 0x5555555555555555n, 0xaaaaaaaaaaaaaaaan, 0x0123456789abcdefn,
];

/** A 64-bit register value: an edge (in the low bits, random or sign-like high bits) or random. */
export function gprValue(rng: Rng): bigint {
  const r = rng.int(10);
  if (r < 4) {
    const e = rng.pick(INT_EDGES);
    if (rng.chance(0.5) || e > 0xffffffffn) return e;
    // Keep the edge in the low 8/16/32 bits, vary what lies above them.
    const bits = BigInt(rng.pick([8, 16, 32]));
    const low = e & ((1n << bits) - 1n);
    const high = rng.pick([0n, M64, rng.u64()]) & ~((1n << bits) - 1n) & M64;
    return low | high;
  }
  if (r < 5) return BigInt(rng.u32());
  if (r < 6) return (-BigInt(rng.int(256))) & M64;
  return rng.u64();
}

/** A shift/rotate count byte: 0, 1, width-1, width, beyond, or random. */
export function shiftCount(rng: Rng, width: number): number {
  return rng.pick([0, 1, 2, width - 1, width, width + 1, 2 * width - 1, 31, 32, 33, 63, 64, 255, rng.int(256)]);
}

function f32Bits(rng: Rng): number {
  const specials = [
    0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000,
    0x7fc00000, 0xffc00000, 0x7fa00000, 0x7f800001, 0x3f800000, 0xbf800000, 0x3f800001, 0x4b000000, 0x4b7fffff,
    0x3effffff, 0x3f000000, 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000001,
  ];
  if (rng.chance(0.4)) return rng.pick(specials) >>> 0;
  if (rng.chance(0.5)) {
    // A moderate-magnitude value (exponent near the bias) with random mantissa: exercises rounding.
    const sign = rng.int(2) << 31;
    const exp = rng.range(100, 160) << 23;
    return (sign | exp | (rng.u32() & 0x7fffff)) >>> 0;
  }
  return rng.u32();
}

function f64Bits(rng: Rng): bigint {
  const specials: readonly bigint[] = [
    0n, 0x8000000000000000n, 1n, 0x800fffffffffffffn, 0x0010000000000000n, 0x7fefffffffffffffn, 0x7ff0000000000000n,
    0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff4000000000000n, 0x7ff0000000000001n,
    0x3ff0000000000000n, 0xbff0000000000000n, 0x3ff0000000000001n, 0x4330000000000000n, 0x3fe0000000000000n,
    0x3fdfffffffffffffn, 0x41e0000000000000n, 0xc1e0000000000000n, 0x43e0000000000000n, 0xc3e0000000000001n,
    0x41dfffffffc00000n, 0x3ff8000000000000n,
  ];
  if (rng.chance(0.4)) return rng.pick(specials);
  if (rng.chance(0.5)) {
    const sign = BigInt(rng.int(2)) << 63n;
    const exp = BigInt(rng.range(1000, 1070)) << 52n;
    return sign | exp | (rng.u64() & 0xfffffffffffffn);
  }
  return rng.u64();
}

/** 16 bytes of XMM content: lanes of one random interpretation. */
export function xmmValue(rng: Rng, out: Uint8Array): void {
  const dv = new DataView(out.buffer, out.byteOffset, 16);
  switch (rng.int(4)) {
    case 0:
      for (let i = 0; i < 4; i++) dv.setUint32(i * 4, f32Bits(rng), true);
      break;
    case 1:
      for (let i = 0; i < 2; i++) dv.setBigUint64(i * 8, f64Bits(rng), true);
      break;
    case 2:
      for (let i = 0; i < 2; i++) dv.setBigUint64(i * 8, gprValue(rng), true);
      break;
    default:
      rng.fill(out.subarray(0, 16));
  }
}

/** An 80-bit x87 value (sign+exponent 16 bits, significand 64 bits with explicit J bit). */
export function x87Value(rng: Rng, out: Uint8Array): void {
  const dv = new DataView(out.buffer, out.byteOffset, 10);
  const sign = rng.int(2) << 15;
  let se: number;
  let mant: bigint;
  switch (rng.int(12)) {
    case 0: se = 0; mant = 0n; break; // zero
    case 1: se = 0x7fff; mant = 1n << 63n; break; // infinity
    case 2: se = 0x7fff; mant = 3n << 62n; break; // default QNaN
    case 3: se = 0x7fff; mant = (1n << 63n) | (rng.u64() >> 2n) | 1n; break; // SNaN
    case 4: se = 0; mant = rng.u64() >> 1n; break; // denormal
    case 5: se = 0x3fff; mant = 1n << 63n; break; // 1.0
    case 6: se = rng.range(0x3ff0, 0x403e); mant = (1n << 63n) | (rng.u64() >> 1n) | 0n; break; // near-integer range
    case 7: se = rng.range(1, 0x7ffe); mant = rng.u64() & ~(1n << 63n); break; // unnormal (invalid operand)
    case 8: se = 0x7ffe; mant = (1n << 64n) - 1n; break; // largest finite
    default: se = rng.range(0x3fc0, 0x4040); mant = (1n << 63n) | (rng.u64() >> 1n);
  }
  dv.setBigUint64(0, mant & ((1n << 64n) - 1n), true);
  dv.setUint16(8, se | sign, true);
}

const LANE_EDGES: Readonly<Record<number, readonly bigint[]>> = {
  8: [0n, 1n, 0x7fn, 0x80n, 0x81n, 0xfen, 0xffn],
  16: [0n, 1n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0x8001n, 0xff80n, 0xfffen, 0xffffn],
  32: [0n, 1n, 0xffffn, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xffff8000n, 0xffffffffn],
};

/**
 * 64 bits of MMX register content: packed lanes of one width, each an edge of
 * that width (saturation and sign boundaries) or random; or a 64-bit edge.
 */
export function mmValue(rng: Rng): bigint {
  if (rng.chance(0.2)) return gprValue(rng);
  const width = rng.pick([8, 16, 32]);
  const mask = (1n << BigInt(width)) - 1n;
  let v = 0n;
  for (let at = 0; at < 64; at += width) {
    const lane = rng.chance(0.6) ? rng.pick(LANE_EDGES[width]) : rng.u64() & mask;
    v |= lane << BigInt(at);
  }
  return v;
}
