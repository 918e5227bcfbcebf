/* printf-family and scanf-family corner cases: flags, widths, precisions, length
 * modifiers, %n, truncation by snprintf, positional arguments, and sscanf with
 * scansets, widths, bases and assignment suppression; strtol-family errno. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/types.h>
#include <wchar.h>
#include "common.h"

static uint64_t H = FNV_INIT;
static void line(const char *s) {
  printf("%s\n", s);
  H = fnv_bytes(H, s, strlen(s));
}

static void printf_cases(void) {
  printf("-- printf\n");
  char b[256];
  snprintf(b, sizeof b, "[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%-+8.3d]", 42, 42, 42, 42, 42, 42, 7, -7, 7);
  line(b);
  snprintf(b, sizeof b, "[%x] [%X] [%#x] [%#o] [%o] [%#.0o] [%.0d] [%#X]", 255u, 255u, 255u, 8u, 8u, 0u, 0, 0u);
  line(b);
  snprintf(b, sizeof b, "[%hhd] [%hhu] [%hd] [%hu] [%ld] [%lld] [%llu]", (signed char)200, (unsigned char)300,
           (short)70000, (unsigned short)-1, LONG_MIN, LLONG_MIN, ULLONG_MAX);
  line(b);
  snprintf(b, sizeof b, "[%zu] [%zd] [%jd] [%td] [%" PRId64 "] [%" PRIx32 "]", (size_t)123, (ssize_t)-5,
           (intmax_t)INTMAX_MAX, (ptrdiff_t)-99, INT64_MIN, UINT32_MAX);
  line(b);
  snprintf(b, sizeof b, "[%c] [%3c] [%-3c] [%s] [%.2s] [%8s] [%-8s|] [%.*s] [%*d]", 'A', 'B', 'C', "str", "string",
           "right", "left", 3, "precision", -6, 5);
  line(b);
  snprintf(b, sizeof b, "[%p] [%p] [%10p] [%%] [%5%]", (void *)0, (void *)0x1234, (void *)0x1000);
  line(b);
  snprintf(b, sizeof b, "[%2$s %1$s] [%3$*4$d] [%5$.*6$f]", "world", "hello", 7, 5, 3.14159, 2);
  line(b);
  int n1 = 0, n2 = 0;
  snprintf(b, sizeof b, "abc%nde%n", &n1, &n2);
  snprintf(b + 100, 100, "n1=%d n2=%d", n1, n2);
  line(b + 100);
  snprintf(b, sizeof b, "[%e] [%.0e] [%#.0e] [%E] [%g] [%G] [%.10g] [%#g] [%-12.4g|] [%012.4f] [%+.2e]", 12345.678,
           0.5, 0.5, 1e-5, 0.0001, 1e-5, 1.0 / 7, 1.0, 3.0, -2.5, 1e100);
  line(b);
  snprintf(b, sizeof b, "[%a] [%A] [%.1a] [%.0a] [%20.3a] [%La]", 1.0, -0.1, 1.96875, 1.5, 1e-310, 1.0L);
  line(b);
  snprintf(b, sizeof b, "[%ls] [%lc] [%5.1ls]", L"wide", (wint_t)L'w', L"abc");
  line(b);
  /* Truncation: the return value is the full length. */
  char small[8];
  int r = snprintf(small, sizeof small, "%s-%d", "truncated", 12345);
  snprintf(b, sizeof b, "snprintf ret=%d buf=%s", r, small);
  line(b);
  r = snprintf(NULL, 0, "%0*d", 50, 1);
  snprintf(b, sizeof b, "measure ret=%d", r);
  line(b);
  char big[600];
  r = snprintf(big, sizeof big, "%0500d|%-20s|%.40f", -1, "x", 1.0 / 3);
  snprintf(b, sizeof b, "long ret=%d tail=%s", r, big + 500);
  line(b);
  for (int w = 0; w < 30; w += 3) {
    snprintf(b, sizeof b, "w%d [%*.*f] [%*.*e] [%-*x]", w, w, w / 3, -123.456, w, w / 4, 98765.4321, w, 0xbeefu);
    line(b);
  }
}

static void scanf_cases(void) {
  printf("-- sscanf\n");
  char b[256];
  int a = -1, c = -1, d = -1, n = -1;
  unsigned u = 0;
  long l = 0;
  double x = 0;
  float f = 0;
  char s1[32] = "", s2[32] = "";
  int r = sscanf("  12 0x1f 017 -0", "%d %i %i %i", &a, &c, &d, &n);
  snprintf(b, sizeof b, "r=%d %d %d %d %d", r, a, c, d, n);
  line(b);
  r = sscanf("ff 777 1010", "%x %o %ld", &u, &a, &l);
  snprintf(b, sizeof b, "r=%d %u %d %ld", r, u, a, l);
  line(b);
  r = sscanf("3.25e2 -1.5 inf", "%lf %f %s", &x, &f, s1);
  snprintf(b, sizeof b, "r=%d %g %g %s", r, x, (double)f, s1);
  line(b);
  r = sscanf("key=value;rest", "%31[^=]=%31[^;];%n", s1, s2, &n);
  snprintf(b, sizeof b, "r=%d key=%s value=%s consumed=%d", r, s1, s2, n);
  line(b);
  r = sscanf("abcdefghij", "%3s%2s", s1, s2);
  snprintf(b, sizeof b, "r=%d %s %s", r, s1, s2);
  line(b);
  r = sscanf("10 skip 20", "%d %*s %d", &a, &c);
  snprintf(b, sizeof b, "r=%d %d %d", r, a, c);
  line(b);
  r = sscanf("2024-02-29T13:45:07", "%4d-%2d-%2dT%2d:%2d:%2d", &a, &c, &d, &n, (int *)&u, (int *)&l);
  snprintf(b, sizeof b, "r=%d %d/%d/%d %d:%d:%d", r, a, c, d, n, (int)u, (int)l);
  line(b);
  r = sscanf("abc", "%d", &a);
  snprintf(b, sizeof b, "no match r=%d", r);
  line(b);
  r = sscanf("", "%d", &a);
  snprintf(b, sizeof b, "empty r=%d", r);
  line(b);
  r = sscanf("99999999999999999999", "%d", &a);
  snprintf(b, sizeof b, "overflow r=%d", r);
  line(b);
  char c1 = 0, c2 = 0;
  r = sscanf("x  y", "%c %c", &c1, &c2);
  snprintf(b, sizeof b, "chars r=%d %c%c", r, c1, c2);
  line(b);
  r = sscanf("[[ab]]", "[[%[a-z]]]", s1);
  snprintf(b, sizeof b, "brackets r=%d %s", r, s1);
  line(b);
}

static void strtol_cases(void) {
  printf("-- strtol\n");
  static const struct {
    const char *s;
    int base;
  } in[] = {{"123", 10},  {"-0x7f", 16}, {"0x7f", 0},  {"0777", 0}, {"z", 36},   {"9223372036854775807", 10},
            {"9223372036854775808", 10}, {"-9223372036854775809", 10}, {"  +42abc", 10}, {"", 10}, {"0b101", 0},
            {"18446744073709551615", 10}, {"18446744073709551616", 10}, {"-1", 10}};
  char b[256];
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    char *end;
    errno = 0;
    long v = strtol(in[i].s, &end, in[i].base);
    int e1 = errno;
    errno = 0;
    unsigned long long uv = strtoull(in[i].s, NULL, in[i].base);
    int e2 = errno;
    snprintf(b, sizeof b, "strtol(\"%s\",%d)=%ld end=%td errno=%s strtoull=%llu errno=%s", in[i].s, in[i].base, v,
             end - in[i].s, e1 == ERANGE ? "ERANGE" : e1 ? "other" : "0", uv, e2 == ERANGE ? "ERANGE" : e2 ? "other" : "0");
    line(b);
  }
  snprintf(b, sizeof b, "atoi=%d atol=%ld atoll=%lld", atoi("  -17x"), atol("2147483648"), atoll("-9000000000"));
  line(b);
}

int main(void) {
  printf_cases();
  scanf_cases();
  strtol_cases();
  printf("formatting checksum %016llx\n", (unsigned long long)H);
  return 0;
}
