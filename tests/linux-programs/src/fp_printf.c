/* Floating point as programs print it: printf's %f %e %g %a conversions (exact
 * decimal expansion, rounding to even, huge and tiny values, subnormals, -0, inf,
 * nan), strtod of awkward inputs, float and long double, integer<->double
 * conversions, and libm results. Transcendental results are printed to 12
 * significant digits: glibc picks a libm variant by CPUID and variants may differ
 * in the last bit; sqrt and the basic operations are exact and printed in full. */
#include "suite.h"
#include <float.h>
#include <math.h>
#include <stdint.h>

/* Values the compiler cannot fold: parsed at run time. */
static double num(const char *s) { return strtod(s, NULL); }

int main(void) {
  const char *inputs[] = {"0.1", "0.5", "1.5", "2.5", "-0.0", "1e-320", "2.2250738585072014e-308", "1.7976931348623157e308",
                          "3.141592653589793", "123456789.125", "1e23", "9007199254740993", "0x1.8p1", "inf", "-nan", "1e400",
                          "4.9406564584124654e-324"};
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
    double d = num(inputs[i]);
    say("%-24s %%.17g=%.17g %%e=%e %%g=%g %%a=%a %%.3f=%.3f\n", inputs[i], d, d, d, d, d);
  }
  say("%%.0f of 0.5 1.5 2.5 3.5: %.0f %.0f %.0f %.0f\n", num("0.5"), num("1.5"), num("2.5"), num("3.5"));
  say("%%f of DBL_MAX: %f\n", num("1.7976931348623157e308"));
  say("%%.60f of 0.1: %.60f\n", num("0.1"));
  say("%%.40e of the smallest subnormal: %.40e\n", num("4.9406564584124654e-324"));
  say("%%+08.2f %%-10.3e| %%#g %%#x: %+08.2f %-10.3e| %#g %#x\n", num("3.14159"), num("-2718.28"), num("1.0"), 255);

  float f = (float)num("0.1");
  say("float 0.1: %.9g, as double %.17g, FLT_EPSILON %a\n", f, (double)f, FLT_EPSILON);
  long double ld = strtold("0.1", NULL);
  say("long double 0.1: %.21Lg %La\n", ld, ld);
  say("long double 1/3: %.21Lg\n", 1.0L / (long double)num("3"));

  double a = num("0.1"), b = num("0.2");
  say("0.1+0.2=%.17g, ==0.3: %d, 1/3=%.17g, 2/3*3=%.17g\n", a + b, a + b == num("0.3"), 1 / num("3"), 2 / num("3") * 3);
  say("int64 max to double: %.17g; double 1e19 to uint64: %llu; -1.9 to int: %d\n", (double)INT64_MAX,
      (unsigned long long)num("1e19"), (int)num("-1.9"));
  say("sqrt(2)=%.17g sqrt(1e-310)=%.17g sqrt(-1)=%f\n", sqrt(num("2")), sqrt(num("1e-310")), sqrt(num("-1")));
  say("floor/ceil/round/trunc/rint of -2.5: %g %g %g %g %g\n", floor(num("-2.5")), ceil(num("-2.5")), round(num("-2.5")),
      trunc(num("-2.5")), rint(num("-2.5")));
  say("fmod(10.5, 3)=%g remainder(10.5, 3)=%g ldexp(1,-1074)=%a frexp exponent of 1000: ", fmod(num("10.5"), 3),
      remainder(num("10.5"), 3), ldexp(1, -1074));
  int e;
  frexp(num("1000"), &e);
  say("%d\n", e);
  say("exp(1)=%.12g log(10)=%.12g pow(2,0.5)=%.12g sin(1)=%.12g cos(1)=%.12g tan(1)=%.12g\n", exp(num("1")),
      log(num("10")), pow(num("2"), num("0.5")), sin(num("1")), cos(num("1")), tan(num("1")));
  say("atan2(1,-1)=%.12g asin(0.5)=%.12g cbrt(27)=%.12g hypot(3,4)=%.12g log1p(1e-10)=%.12g expm1(1e-10)=%.12g\n",
      atan2(num("1"), num("-1")), asin(num("0.5")), cbrt(num("27")), hypot(num("3"), num("4")), log1p(num("1e-10")),
      expm1(num("1e-10")));
  say("isnan(0/0)=%d isinf(1/0)=%d signbit(-0.0)=%d nextafter(1,2)-1=%a\n", isnan(num("0") / num("0")),
      isinf(num("1") / num("0")), signbit(num("-0.0")) != 0, nextafter(num("1"), 2) - 1);
  double acc = 0;
  for (int i = 1; i <= 100000; i++) acc += 1.0 / ((double)i * i);
  say("sum of 1/n^2 to 1e5: %.17g\n", acc);
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", num("0.1") * 3);
  say("round trip of 0.1*3 through text: %d\n", strtod(buf, NULL) == num("0.1") * 3);
  return 0;
}
