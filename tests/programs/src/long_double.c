/* long double is the x87 80-bit format. Everything here is exactly specified by
 * IEEE 754 / the SDM (no transcendental approximations): arithmetic at 64-bit
 * precision, sqrtl, conversions to and from integers, float and double, rounding of
 * frndint under the four modes, fmodl/remainderl (fprem/fprem1), comparisons
 * (fucomi), printf %Lf/%Le/%La/%Lg, and strtold round trips. */
#define _GNU_SOURCE
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static volatile long double lv[] = {
    0.0L, -0.0L, 1.0L, -1.0L, 0.1L, 1.0L / 3.0L, 3.14159265358979323846264338327950288L, 1e-4000L, 1e4000L,
    LDBL_MAX, LDBL_MIN, 1.8e19L, 18446744073709551615.0L, -9223372036854775808.0L, 2.5L, -7.125L,
    123456789.987654321L,
};
#define NL (int)(sizeof lv / sizeof lv[0])

/* The 80-bit image: 64-bit mantissa then 16-bit sign+exponent. */
static void print_bits(const char *label, long double v) {
  unsigned char b[16] = {0};
  memcpy(b, (const void *)&v, 10);
  uint64_t mant;
  uint16_t se;
  memcpy(&mant, b, 8);
  memcpy(&se, b + 8, 2);
  printf("%s=%04x:%016llx", label, se, (unsigned long long)mant);
}

static uint64_t hash_ld(uint64_t h, long double v) {
  unsigned char b[16] = {0};
  memcpy(b, (const void *)&v, 10);
  return fnv_bytes(h, b, 10);
}

static void formats(void) {
  printf("-- printf\n");
  char buf[256];
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NL; i++) {
    long double v = lv[i];
    print_bits("bits", v);
    printf(" %La | %.21Lg | %Le | %.3Lf\n", v, v, v, fabsl(v) < 1e30L ? v : 0.0L);
    for (int p = 0; p <= 24; p += 3) {
      int n = snprintf(buf, sizeof buf, "%.*Le|%.*Lg|%.*La", p, v, p, v, p % 17, v);
      h = fnv_bytes(h, buf, (size_t)n);
    }
  }
  printf("formats checksum %016llx\n", (unsigned long long)h);
}

static void arithmetic(void) {
  printf("-- arithmetic\n");
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NL; i++)
    for (int j = 0; j < NL; j++) {
      long double a = lv[i], b = lv[j];
      h = hash_ld(h, a + b);
      h = hash_ld(h, a - b);
      h = hash_ld(h, a * b);
      h = hash_ld(h, b != 0 ? a / b : 0.0L);
      h = mix64(h, (uint64_t)((a < b) | (a == b) << 1 | (a > b) << 2 | isunordered(a, b) << 3));
    }
  long double s = 0;
  for (int k = 1; k <= 20000; k++) s += 1.0L / ((long double)k * k);
  print_bits("basel", s);
  printf(" %.20Lg\n", s);
  long double f = 1;
  for (int k = 1; k <= 25; k++) f *= k;
  printf("25! = %.0Lf (%La)\n", f, f);
  print_bits("sqrt2", sqrtl(2.0L));
  print_bits(" sqrt3", sqrtl(lv[2] * 3));
  print_bits(" sqrt(1e4000)", sqrtl(lv[8]));
  printf("\n");
  volatile long double z = 0.0L;
  long double n = z / z;
  print_bits("0/0", n);
  print_bits(" 1/0", 1.0L / z);
  print_bits(" sqrt(-1)", sqrtl(-1.0L + z));
  printf(" nan prints %Lf\n", n);
  printf("arithmetic checksum %016llx\n", (unsigned long long)h);
}

static void conversions(void) {
  printf("-- conversions\n");
  static const long long ints[] = {0, 1, -1, 9007199254740993LL, INT64_MAX, INT64_MIN, 123456789012345LL};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    long double v = (long double)OPAQUE(ints[i]);
    print_bits("from int", v);
    printf(" back=%lld double=%a float=%a\n", (long long)v, (double)v, (double)(float)v);
  }
  static const unsigned long long uints[] = {0, 18446744073709551615ULL, 9223372036854775808ULL};
  for (size_t i = 0; i < sizeof uints / sizeof uints[0]; i++) {
    long double v = (long double)OPAQUE(uints[i]);
    print_bits("from uint", v);
    printf(" back=%llu\n", (unsigned long long)v);
  }
  for (int i = 0; i < NL; i++) {
    long double v = lv[i];
    double d = (double)v;
    float fl = (float)v;
    long long t = fabsl(v) < 9e18L ? (long long)v : 0;
    printf("%La -> double %a float %a int %lld\n", v, d, (double)fl, t);
  }
}

static void rounding(void) {
  printf("-- rounding\n");
  static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  static const char *names[] = {"nearest", "up", "down", "zero"};
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    volatile long double one = 1.0L, three = 3.0L;
    printf("%s: 1/3=%La rintl(2.5)=%Lg rintl(-3.5)=%Lg nearbyintl(0.5)=%Lg lrintl(-2.5)=%ld floorl(-0.5)=%Lg ceill(0.2)=%Lg "
           "truncl(-9.99)=%Lg roundl(2.5)=%Lg %%.0Lf(0.5)=%.0Lf\n",
           names[m], one / three, rintl(2.5L * one), rintl(-3.5L * one), nearbyintl(0.5L * one), lrintl(-2.5L * one),
           floorl(-0.5L * one), ceill(0.2L * one), truncl(-9.99L * one), roundl(2.5L * one), 0.5L * one);
  }
  fesetround(FE_TONEAREST);
}

static void remainders(void) {
  printf("-- fmodl/remainderl\n");
  static const long double pairs[][2] = {{10.0L, 3.0L}, {-10.0L, 3.0L}, {1e30L, 7.0L}, {5.5L, 0.25L},
                                         {1e4000L, 3.3L}, {2.0L, 1e-4000L}, {7.0L, -2.0L}, {0.0L, 1.0L}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    volatile long double a = pairs[i][0], b = pairs[i][1];
    int q;
    long double rq = remquol(a, b, &q);
    printf("fmodl(%Lg,%Lg)=%La remainderl=%La remquol=%La q&7=%d\n", a, b, fmodl(a, b), remainderl(a, b), rq, q & 7);
  }
}

static void strtold_trips(void) {
  printf("-- strtold\n");
  static const char *inputs[] = {"0.1", "3.14159265358979323846264338327950288", "1e-4951", "3.6e-4951",
                                 "1.18973149535723176502e+4932", "1.2e4932", "0x1.fffffffffffffffep16383",
                                 "-0x8p-16448", "12345678901234567890.5"};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    long double v = strtold(inputs[i], NULL);
    print_bits(inputs[i], v);
    printf(" %.25Lg\n", v);
  }
  rng_seed(2718);
  int bad = 0;
  char buf[96];
  uint64_t h = FNV_INIT;
  for (int i = 0; i < 1500; i++) {
    long double v = (long double)(int64_t)rng_next() * powl(2.0L, (long double)((int)rng_below(400) - 200));
    snprintf(buf, sizeof buf, "%.21Lg", v);
    long double back = strtold(buf, NULL);
    bad += memcmp((const void *)&back, (const void *)&v, 10) != 0;
    h = fnv_bytes(h, buf, strlen(buf));
  }
  printf("round trip failures %d checksum %016llx\n", bad, (unsigned long long)h);
}

int main(void) {
  formats();
  arithmetic();
  conversions();
  rounding();
  remainders();
  strtold_trips();
  return 0;
}
