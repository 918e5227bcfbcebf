/* Integer arithmetic: add/sub/mul overflow, signed and unsigned division at every
 * width, __int128 multiply/divide, shifts and rotates by every count, bit-scan and
 * popcount builtins, byte swaps, multi-precision carries and sign extension. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static const int64_t edges[] = {
    0, 1, -1, 2, -2, 7, -7, 127, -128, 255, 32767, -32768, 65535,
    INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, INT64_MAX, INT64_MIN,
    0x123456789abcdefll, -0x123456789abcdefll, 0x7fffffff00000001ll, 1000000007,
};
#define NEDGE (int)(sizeof edges / sizeof edges[0])

static void print_u128(const char *label, unsigned __int128 v) {
  char buf[48];
  int i = 47;
  buf[i] = 0;
  if (v == 0) buf[--i] = '0';
  while (v) {
    buf[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  }
  printf("%s=%s\n", label, buf + i);
}

static void print_i128(const char *label, __int128 v) {
  if (v < 0) {
    char l2[64];
    snprintf(l2, sizeof l2, "%s=-", label);
    unsigned __int128 m = -(unsigned __int128)v;
    printf("%s", l2);
    print_u128("", m);
  } else {
    print_u128(label, (unsigned __int128)v);
  }
}

static void overflow_checks(void) {
  printf("-- overflow builtins\n");
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NEDGE; i++) {
    for (int j = 0; j < NEDGE; j++) {
      int64_t a = OPAQUE(edges[i]), b = OPAQUE(edges[j]), r;
      int32_t r32;
      uint64_t ur;
      int oa = __builtin_add_overflow(a, b, &r);
      h = mix64(h, (uint64_t)r * 2 + oa);
      int os = __builtin_sub_overflow(a, b, &r);
      h = mix64(h, (uint64_t)r * 2 + os);
      int om = __builtin_mul_overflow(a, b, &r);
      h = mix64(h, (uint64_t)r * 2 + om);
      int o32 = __builtin_mul_overflow((int32_t)a, (int32_t)b, &r32);
      h = mix64(h, (uint64_t)(uint32_t)r32 * 2 + o32);
      int ou = __builtin_mul_overflow((uint64_t)a, (uint64_t)b, &ur);
      h = mix64(h, ur * 2 + ou);
      if (i < 6 && j < 6)
        printf("a=%lld b=%lld add=%lld/%d sub=%lld/%d mul32=%d/%d umul=%llu/%d\n", (long long)a,
               (long long)b, (long long)(a + (uint64_t)b), oa, (long long)(a - (uint64_t)b), os, r32,
               o32, (unsigned long long)ur, ou);
    }
  }
  printf("overflow checksum %016llx\n", (unsigned long long)h);
}

__attribute__((noinline)) static void divisions(void) {
  printf("-- division\n");
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NEDGE; i++) {
    for (int j = 0; j < NEDGE; j++) {
      int64_t a = OPAQUE(edges[i]), b = OPAQUE(edges[j]);
      if (b == 0) continue;
      if (!(a == INT64_MIN && b == -1)) {
        h = mix64(h, (uint64_t)(a / b));
        h = mix64(h, (uint64_t)(a % b));
      }
      h = mix64(h, (uint64_t)a / (uint64_t)b);
      h = mix64(h, (uint64_t)a % (uint64_t)b);
      int32_t a32 = (int32_t)a, b32 = (int32_t)b;
      if (b32 != 0 && !(a32 == INT32_MIN && b32 == -1)) {
        h = mix64(h, (uint32_t)(a32 / b32));
        h = mix64(h, (uint32_t)(a32 % b32));
        h = mix64(h, (uint32_t)a32 / (uint32_t)b32);
      }
      int16_t a16 = (int16_t)a, b16 = (int16_t)b;
      if (b16 != 0) {
        h = mix64(h, (uint16_t)(a16 / b16));
        h = mix64(h, (uint16_t)((uint16_t)a16 % (uint16_t)b16));
      }
      int8_t a8 = (int8_t)a, b8 = (int8_t)b;
      if (b8 != 0) {
        h = mix64(h, (uint8_t)(a8 / b8));
        h = mix64(h, (uint8_t)((uint8_t)a8 / (uint8_t)b8));
      }
      if (i == 20 && j < 10)
        printf("%lld / %lld = %lld r %lld; u: %llu r %llu\n", (long long)a, (long long)b,
               (long long)(a / b), (long long)(a % b), (unsigned long long)((uint64_t)a / (uint64_t)b),
               (unsigned long long)((uint64_t)a % (uint64_t)b));
    }
  }
  printf("division checksum %016llx\n", (unsigned long long)h);
}

static void int128(void) {
  printf("-- __int128\n");
  unsigned __int128 f = 1;
  for (int i = 1; i <= 34; i++) f *= (unsigned)OPAQUE(i);
  print_u128("34!", f);
  __int128 s = -(__int128)f / 3;
  print_i128("-34!/3", s);
  print_i128("-34!%7", -(__int128)f % 7);
  unsigned __int128 big = ((unsigned __int128)0xfedcba9876543210ull << 64) | 0x0123456789abcdefull;
  print_u128("big", big);
  print_u128("big/1000000007", big / OPAQUE(1000000007u));
  print_u128("big%1000000007", big % OPAQUE(1000000007u));
  unsigned __int128 d = ((unsigned __int128)OPAQUE(0x1234567ull) << 64) | 0x89abcdefull;
  print_u128("big/d", big / d);
  print_u128("big%d", big % d);
  uint64_t h = FNV_INIT;
  rng_seed(12345);
  for (int i = 0; i < 4000; i++) {
    uint64_t a = rng_next(), b = rng_next(), c = rng_next() >> (i % 64), e = rng_next();
    unsigned __int128 p = (unsigned __int128)a * b;
    __int128 sp = (__int128)(int64_t)a * (int64_t)b;
    h = mix64(h, (uint64_t)(p >> 64));
    h = mix64(h, (uint64_t)p);
    h = mix64(h, (uint64_t)(sp >> 64));
    unsigned __int128 n = ((unsigned __int128)e << 64) | a;
    if (c) {
      h = mix64(h, (uint64_t)(n / c));
      h = mix64(h, (uint64_t)(n % c));
      __int128 sn = (__int128)n;
      int64_t sc = (int64_t)c;
      h = mix64(h, (uint64_t)(sn / sc));
      h = mix64(h, (uint64_t)(sn % sc));
    }
  }
  printf("int128 checksum %016llx\n", (unsigned long long)h);
}

__attribute__((noinline)) static uint64_t rotl64(uint64_t x, unsigned n) { return (x << (n & 63)) | (x >> ((-n) & 63)); }
__attribute__((noinline)) static uint32_t rotr32(uint32_t x, unsigned n) { return (x >> (n & 31)) | (x << ((-n) & 31)); }
__attribute__((noinline)) static uint16_t rotl16(uint16_t x, unsigned n) { return (uint16_t)((x << (n & 15)) | (x >> ((-n) & 15))); }
__attribute__((noinline)) static uint8_t rotr8(uint8_t x, unsigned n) { return (uint8_t)((x >> (n & 7)) | (x << ((-n) & 7))); }

static void shifts(void) {
  printf("-- shifts and rotates\n");
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NEDGE; i++) {
    int64_t a = OPAQUE(edges[i]);
    for (unsigned n = 0; n < 64; n++) {
      unsigned c = OPAQUE(n);
      h = mix64(h, (uint64_t)a << c);
      h = mix64(h, (uint64_t)a >> c);
      h = mix64(h, (uint64_t)(a >> c));
      h = mix64(h, (uint32_t)a << (c & 31));
      h = mix64(h, (uint32_t)((int32_t)a >> (c & 31)));
      h = mix64(h, rotl64((uint64_t)a, c));
      h = mix64(h, rotr32((uint32_t)a, c));
      h = mix64(h, rotl16((uint16_t)a, c));
      h = mix64(h, rotr8((uint8_t)a, c));
      /* Double-precision shifts (shld/shrd) as gcc emits them for 128-bit shifts. */
      unsigned __int128 w = ((unsigned __int128)(uint64_t)a << 64) | (uint64_t)~a;
      h = mix64(h, (uint64_t)(w >> c));
      h = mix64(h, (uint64_t)((w << c) >> 64));
    }
    printf("a=%016llx shl13=%016llx sar13=%016llx rol13=%016llx ror5_32=%08x rol3_16=%04x ror3_8=%02x\n",
           (unsigned long long)a, (unsigned long long)((uint64_t)a << 13), (unsigned long long)(a >> 13),
           (unsigned long long)rotl64((uint64_t)a, 13), rotr32((uint32_t)a, 5), rotl16((uint16_t)a, 3),
           rotr8((uint8_t)a, 3));
  }
  printf("shift checksum %016llx\n", (unsigned long long)h);
}

static void bits(void) {
  printf("-- bit builtins\n");
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NEDGE; i++) {
    uint64_t a = (uint64_t)OPAQUE(edges[i]);
    int pc = __builtin_popcountll(a), pc32 = __builtin_popcount((uint32_t)a);
    int clz = a ? __builtin_clzll(a) : -1, ctz = a ? __builtin_ctzll(a) : -1;
    int clz32 = (uint32_t)a ? __builtin_clz((uint32_t)a) : -1;
    int ffs = __builtin_ffsll((long long)a), par = __builtin_parityll(a);
    int clrsb = __builtin_clrsbll((long long)a);
    printf("%016llx pop=%d pop32=%d clz=%d clz32=%d ctz=%d ffs=%d par=%d clrsb=%d bswap=%016llx bswap32=%08x bswap16=%04x\n",
           (unsigned long long)a, pc, pc32, clz, clz32, ctz, ffs, par, clrsb,
           (unsigned long long)__builtin_bswap64(a), __builtin_bswap32((uint32_t)a),
           __builtin_bswap16((uint16_t)a));
  }
  rng_seed(99);
  for (int i = 0; i < 20000; i++) {
    uint64_t a = rng_next() >> rng_below(64);
    h = mix64(h, (uint64_t)__builtin_popcountll(a));
    h = mix64(h, a ? (uint64_t)__builtin_clzll(a) : 99);
    h = mix64(h, a ? (uint64_t)__builtin_ctzll(a) : 99);
    h = mix64(h, __builtin_bswap64(a));
    /* Bit test and set/clear/complement through an array, as gcc lowers them. */
    uint64_t words[4] = {a, ~a, a * 3, a ^ 0x5555};
    unsigned bit = rng_below(256);
    words[bit / 64] ^= 1ull << (bit % 64);
    h = mix64(h, words[0] ^ words[1] ^ words[2] ^ words[3]);
  }
  printf("bits checksum %016llx\n", (unsigned long long)h);
}

/* Multi-precision addition and multiplication with explicit carries (adc/sbb). */
static void bignum(void) {
  printf("-- bignum\n");
  enum { N = 32 };
  uint64_t a[N], b[N], sum[N + 1], prod[2 * N];
  rng_seed(777);
  for (int i = 0; i < N; i++) {
    a[i] = rng_next();
    b[i] = rng_next();
  }
  unsigned char carry = 0;
  for (int i = 0; i < N; i++) {
    unsigned long long r;
    carry = (unsigned char)__builtin_ia32_addcarryx_u64(carry, a[i], b[i], &r);
    sum[i] = r;
  }
  sum[N] = carry;
  memset(prod, 0, sizeof prod);
  for (int i = 0; i < N; i++) {
    uint64_t c = 0;
    for (int j = 0; j < N; j++) {
      unsigned __int128 t = (unsigned __int128)a[i] * b[j] + prod[i + j] + c;
      prod[i + j] = (uint64_t)t;
      c = (uint64_t)(t >> 64);
    }
    prod[i + N] = c;
  }
  printf("sum top %016llx %016llx carry %llu\n", (unsigned long long)sum[N - 1], (unsigned long long)sum[0],
         (unsigned long long)sum[N]);
  printf("prod top %016llx low %016llx\n", (unsigned long long)prod[2 * N - 1], (unsigned long long)prod[0]);
  printf("bignum checksum %016llx\n",
         (unsigned long long)fnv_bytes(fnv_bytes(FNV_INIT, sum, sizeof sum), prod, sizeof prod));
}

/* Narrow types: sign/zero extension, byte and word arithmetic with wrap-around. */
static void narrow(void) {
  printf("-- narrow types\n");
  uint64_t h = FNV_INIT;
  rng_seed(4242);
  int8_t s8 = 0;
  uint8_t u8 = 0;
  int16_t s16 = 0;
  uint16_t u16 = 0;
  int32_t s32 = 0;
  for (int i = 0; i < 50000; i++) {
    uint64_t r = rng_next();
    s8 = (int8_t)(s8 * 3 + (int8_t)r);
    u8 = (uint8_t)(u8 + (uint8_t)(r >> 8) * 7);
    s16 = (int16_t)(s16 ^ (int16_t)((int16_t)(r >> 16) * s8));
    u16 = (uint16_t)(u16 - (uint16_t)(r >> 32) / (uint16_t)(u8 | 1));
    s32 = s32 * 31 + (int32_t)(r >> 40) - s16;
    int64_t wide = (int64_t)s8 + (int64_t)s16 * 65536 + (int64_t)s32 * (int64_t)u16;
    h = mix64(h, (uint64_t)wide);
    h = mix64(h, (uint64_t)(s8 < (int8_t)u8) + ((uint64_t)(u16 > (uint16_t)s16) << 1) + ((uint64_t)(s32 < 0) << 2));
  }
  printf("s8=%d u8=%u s16=%d u16=%u s32=%d\n", s8, u8, s16, u16, s32);
  printf("narrow checksum %016llx\n", (unsigned long long)h);
}

int main(void) {
  overflow_checks();
  divisions();
  int128();
  shifts();
  bits();
  bignum();
  narrow();
  return 0;
}
