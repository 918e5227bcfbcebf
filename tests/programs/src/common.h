/* Shared helpers for the whole-program tests: a fixed-seed PRNG and a running
 * checksum. Every program prints readable intermediate values *and* checksums, so a
 * mismatch between native and emulated output points at the area that diverged.
 * Nothing here may depend on time, pids, addresses or uninitialised memory. */
#ifndef PROGS_COMMON_H
#define PROGS_COMMON_H
#include <stdint.h>
#include <stdio.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline void rng_seed(uint64_t s) { rng_state = s ? s : 0x9e3779b97f4a7c15ull; }

/* xorshift64*: cheap, full period, deterministic on every host. */
static inline uint64_t rng_next(void) {
  uint64_t x = rng_state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng_state = x;
  return x * 0x2545f4914f6cdd1dull;
}

static inline uint32_t rng_below(uint32_t n) { return (uint32_t)(rng_next() >> 32) % n; }

/* FNV-1a over bytes, and a 64-bit mixing step for values. */
static inline uint64_t fnv_bytes(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 0x100000001b3ull;
  }
  return h;
}
#define FNV_INIT 0xcbf29ce484222325ull

static inline uint64_t mix64(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

/* Prevents the compiler from folding a test input into a constant, so the CPU has
 * to compute the result at run time. */
#define OPAQUE(x) ({ __typeof__(+(x)) _v = (x); __asm__ volatile("" : "+r"(_v)); _v; })
/* The same for vector and floating-point values, which live in xmm registers. */
#define OPAQUE_X(x) ({ __typeof__(x) _v = (x); __asm__ volatile("" : "+x"(_v)); _v; })

#endif
