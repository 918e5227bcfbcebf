/* Double precision: SSE2 arithmetic and conversions, printf %e %f %g %a at many
 * precisions, strtod round trips (including the hard cases), libm functions and the
 * four rounding modes (fesetround changes both MXCSR and the x87 control word, and
 * glibc's printf honours the mode). Values are printed with %a where exactness
 * matters, so a one-ulp difference is visible. */
#define _GNU_SOURCE
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static volatile double vals[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, -2.5, 3.14159265358979323846, 1e-300, 1e300,
    6.02214076e23, 123456.789, -987654.321, 4.9e-324, 2.2250738585072014e-308, DBL_MAX,
    1.0 / 3.0, 2.0 / 3.0, 1e15 + 0.3, 9007199254740993.0, 0.000123456789, 1e22, 1e23,
};
#define NV (int)(sizeof vals / sizeof vals[0])

static void formats(void) {
  printf("-- printf formats\n");
  char buf[512];
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NV; i++) {
    double v = vals[i];
    printf("%a | %.17g | %e | %.3f | %g\n", v, v, v, v, v);
    for (int p = 0; p <= 20; p++) {
      int n = snprintf(buf, sizeof buf, "%.*e|%.*f|%.*g|%.*a|%#.*g", p, v, p, v < 1e30 ? v : 1.0, p, v, p % 14, v, p, v);
      h = fnv_bytes(h, buf, (size_t)n);
    }
  }
  printf("%10.4f|%-10.2e|%+g|% g|%010.3f|%#.0f|%#x\n", 3.14159, 2.71828, 1.0, 2.0, -3.5, 7.0, 255);
  printf("inf=%f -inf=%e nan=%g -nan=%f INF=%F\n", HUGE_VAL, -HUGE_VAL, NAN, -NAN, HUGE_VAL);
  printf("formats checksum %016llx\n", (unsigned long long)h);
}

static void round_trips(void) {
  printf("-- strtod\n");
  static const char *inputs[] = {
      "0.1", "0.2", "0.3", "1e-320", "4.9406564584124654e-324", "2.4703282292062327e-324",
      "2.4703282292062328e-324", "2.2250738585072011e-308", "2.2250738585072012e-308",
      "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "9007199254740993",
      "9007199254740992.5", "0x1.fffffffffffffp+1023", "0x1p-1074", "-0x1.8p1", "inf", "-Infinity", "nan",
      "1e400", "-1e-400", "123456789012345678901234567890", "3.14159265358979323846264338327950288",
      "   42.5xyz", "1.5e", ".5", "5.", "+.e1", "0x", "1_000",
  };
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    char *end;
    double d = strtod(inputs[i], &end);
    printf("strtod(\"%s\") = %a (%.17g) consumed %td\n", inputs[i], d, d, end - inputs[i]);
  }
  rng_seed(31337);
  int bad = 0;
  uint64_t h = FNV_INIT;
  char buf[64];
  for (int i = 0; i < 3000; i++) {
    uint64_t bits = rng_next();
    double d;
    memcpy(&d, &bits, 8);
    if (!isfinite(d)) continue;
    snprintf(buf, sizeof buf, "%.17g", d);
    double back = strtod(buf, NULL);
    if (memcmp(&back, &d, 8) != 0) bad++;
    h = fnv_bytes(h, buf, strlen(buf));
    snprintf(buf, sizeof buf, "%a", d);
    back = strtod(buf, NULL);
    if (memcmp(&back, &d, 8) != 0) bad++;
  }
  printf("round trip failures %d checksum %016llx\n", bad, (unsigned long long)h);
}

static void arithmetic(void) {
  printf("-- arithmetic\n");
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NV; i++)
    for (int j = 0; j < NV; j++) {
      double a = vals[i], b = vals[j];
      double r[6] = {a + b, a - b, a * b, b != 0 ? a / b : 0.0, fmin(a, b), a * a - b};
      h = fnv_bytes(h, r, sizeof r);
      int64_t t = (fabs(a) < 9e18) ? (int64_t)a : 0;
      int32_t t32 = (fabs(a) < 2e9) ? (int32_t)a : 0;
      h = mix64(h, (uint64_t)t ^ (uint64_t)(uint32_t)t32 ^ (uint64_t)((a < b) + 2 * (a == b) + 4 * (a > b)));
    }
  volatile double zero = 0.0, one = 1.0;
  double qnan = zero / zero;
  printf("0/0 = %f signbit=%d, 1/0=%f, -1/0=%f, sqrt(-1)=%f\n", qnan, signbit(qnan) != 0, one / zero, -one / zero,
         sqrt(-one));
  printf("int conversions: %lld %d %lld %u\n", (long long)(double)vals[13], (int)vals[14], (long long)-2.9999,
         (unsigned)(double)3000000000.0);
  printf("(int64)1e30 = %lld, (int32)-1e10 = %d\n", (long long)OPAQUE((int64_t)(vals[11] * 1e-270)),
         OPAQUE((int32_t)(vals[14] * 1e4)));
  double acc = 0;
  for (int k = 1; k <= 100000; k++) acc += 1.0 / ((double)k * k);
  printf("basel sum %.17g (%a)\n", acc, acc);
  double x = 0.5;
  for (int k = 0; k < 1000; k++) x = 3.9 * x * (1 - x);
  printf("logistic %a\n", x);
  printf("arithmetic checksum %016llx\n", (unsigned long long)h);
}

static void libm(void) {
  printf("-- libm\n");
  static const double in[] = {0.0, 0.5, 1.0, -1.0, 2.0, 3.0, 10.0, 0.001, 100.25, -7.75, 1e-10, 709.0, 1e6};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    volatile double x = in[i];
    printf("x=%g sqrt=%a sin=%a cos=%a exp=%a\n", x, sqrt(fabs(x)), sin(x), cos(x), exp(x));
    printf("   log=%a pow=%a fmod=%a atan=%a tanh=%a cbrt=%a\n", log(fabs(x) + 1), pow(fabs(x), 1.5), fmod(x, 0.7),
           atan(x), tanh(x), cbrt(x));
  }
  printf("hypot=%a atan2=%a ldexp=%a frexp=", hypot(3, 4), atan2(1, -1), ldexp(0.75, -1060));
  int e;
  double m = frexp(1e-310, &e);
  printf("%a*2^%d modf=", m, e);
  double ip;
  double fp = modf(-3.75, &ip);
  printf("%a,%a\n", ip, fp);
}

static void rounding_modes(void) {
  printf("-- rounding modes\n");
  static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  static const char *names[] = {"nearest", "upward", "downward", "towardzero"};
  static const double in[] = {2.5, 3.5, -2.5, -0.5, 0.49999999999999994, 1.5, -1.5, 7.0000001, -7.9999999};
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    printf("%s (fegetround ok=%d):\n", names[m], fegetround() == modes[m]);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
      volatile double x = in[i];
      printf("  %g: floor=%g ceil=%g round=%g trunc=%g rint=%g nearbyint=%g lrint=%ld llround=%lld\n", x, floor(x),
             ceil(x), round(x), trunc(x), rint(x), nearbyint(x), lrint(x), llround(x));
    }
    volatile double one = 1.0, three = 3.0, ten = 10.0;
    double third = one / three;
    printf("  1/3=%a 2/3=%a sqrt2=%a 1e23=%a conv=%a\n", third, 2 * third, sqrt(2 * one), ten * 1e22,
           (double)(int64_t)OPAQUE(9007199254740993ll));
    printf("  printf 0.125 %%.2f=%.2f  2.5 %%.0f=%.0f  -1.5 %%.0f=%.0f  1/3 %%.5f=%.5f\n", 0.125, 2.5, -1.5, third);
    printf("  strtod(0.1)=%a float(0.1)=%a\n", strtod("0.1", NULL), (double)strtof("0.1", NULL));
  }
  fesetround(FE_TONEAREST);
  feclearexcept(FE_ALL_EXCEPT);
  volatile double big = 1e308, tiny = 1e-308, z = 0.0;
  volatile double r = big * 10;
  printf("overflow flag=%d ", fetestexcept(FE_OVERFLOW) != 0);
  r = tiny / 1e10;
  printf("underflow flag=%d ", fetestexcept(FE_UNDERFLOW) != 0);
  r = 1.0 / z;
  printf("divbyzero flag=%d ", fetestexcept(FE_DIVBYZERO) != 0);
  r = z / z;
  printf("invalid flag=%d ", fetestexcept(FE_INVALID) != 0);
  r = 1.0 / 3.0;
  printf("inexact flag=%d\n", fetestexcept(FE_INEXACT) != 0);
  (void)r;
}

int main(void) {
  formats();
  round_trips();
  arithmetic();
  libm();
  rounding_modes();
  return 0;
}
