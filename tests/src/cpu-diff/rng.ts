/**
 * Seeded, splittable PRNG for the generator: every case draws from its own stream
 * derived from (seed, case index), so one case regenerates without the others.
 * Not for hot paths of the machine; allocation-free enough for test generation.
 */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;

  constructor(seed: number, stream = 0) {
    this.a = mix32(seed ^ 0x9e3779b9) || 1;
    this.b = mix32(mix32(stream + 0x632be5ab) ^ seed) || 2;
  }

  /** xorshift64-style step on two 32-bit halves, output scrambled. */
  u32(): number {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 ^= s1 << 23;
    s1 ^= s1 >>> 17;
    s1 ^= s0 ^ (s0 >>> 26);
    this.b = s1 >>> 0;
    return mix32((this.a + this.b) >>> 0);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.u32() / 2 ** 32) * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() < p * 2 ** 32;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  fill(bytes: Uint8Array): Uint8Array {
    for (let i = 0; i < bytes.length; i += 4) {
      const v = this.u32();
      for (let j = 0; j < 4 && i + j < bytes.length; j++) bytes[i + j] = v >>> (8 * j);
    }
    return bytes;
  }
}
