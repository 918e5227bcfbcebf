/* x87 transcendental instructions, reached through glibc's long double libm:
 * fsin/fcos/fsincos/fptan (sinl, cosl, tanl), fpatan (atanl, atan2l), f2xm1 and
 * fscale (expl, exp2l, powl), fyl2x/fyl2xp1 (logl, log2l, log1pl). These results are
 * hardware approximations, so they are kept apart from long_double.c, whose
 * operations IEEE specifies exactly. Printed with %La: every bit counts. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static void bits(const char *label, long double v) {
  unsigned char b[16] = {0};
  memcpy(b, (const void *)&v, 10);
  unsigned long long mant;
  unsigned short se;
  memcpy(&mant, b, 8);
  memcpy(&se, b + 8, 2);
  printf(" %s=%04x:%016llx", label, se, mant);
}

int main(void) {
  static const long double in[] = {0.0L, 1e-10L, 0.25L, 0.5L, 1.0L, -1.0L, 1.5L, 2.0L, 3.0L, 10.0L, -7.75L,
                                   100.5L, 1e4L, 0.785398163397448309616L};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    volatile long double x = in[i];
    printf("x=%La\n", x);
    bits("sinl", sinl(x));
    bits("cosl", cosl(x));
    bits("tanl", tanl(x));
    bits("atanl", atanl(x));
    printf("\n");
    bits("expl", expl(x));
    bits("exp2l", exp2l(x));
    bits("logl", logl(fabsl(x) + 0.5L));
    bits("log2l", log2l(fabsl(x) + 1.0L));
    printf("\n");
    bits("log1pl", log1pl(fabsl(x) * 0.25L));
    bits("powl", powl(fabsl(x) + 0.5L, 2.5L));
    bits("atan2l", atan2l(x, -2.0L));
    bits("log10l", log10l(fabsl(x) + 2.0L));
    printf("\n");
  }
  long double s = 0;
  for (int k = 0; k < 2000; k++) s += sinl((long double)k * 0.01L) * expl(-(long double)k * 0.001L);
  printf("series %La\n", s);
  return 0;
}
