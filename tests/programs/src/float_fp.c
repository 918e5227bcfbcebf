/* Single precision: SSE scalar float arithmetic, float<->double<->int conversions,
 * denormals, NaN signs, float libm (expf/logf/powf/sinf/cosf have their own glibc
 * implementations and CPU-dependent variants), strtof, and a float-heavy kernel
 * (an n-body step) whose rounding accumulates. */
#define _GNU_SOURCE
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static volatile float fv[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 1.0f / 3.0f, 16777216.0f, 16777217.0f,
                              FLT_MAX, FLT_MIN, 1e-45f, 3.4e38f, -2.5f, 1e10f, 123.456f, 0.75f};
#define NF (int)(sizeof fv / sizeof fv[0])

static uint32_t bits_of(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static void arithmetic(void) {
  printf("-- float arithmetic\n");
  uint64_t h = FNV_INIT;
  for (int i = 0; i < NF; i++) {
    float a = fv[i];
    printf("%a bits=%08x double=%.9g int=%d sqrt=%a recip=%a\n", (double)a, bits_of(a), (double)a,
           fabsf(a) < 2e9f ? (int)a : -1, (double)sqrtf(fabsf(a)), (double)(1.0f / a));
    for (int j = 0; j < NF; j++) {
      float b = fv[j];
      float r[6] = {a + b, a - b, a * b, a / b, fmaxf(a, b), a * b + a};
      for (int k = 0; k < 6; k++) h = mix64(h, bits_of(r[k]));
      h = mix64(h, (uint64_t)((a < b) | (a <= b) << 1 | (a == b) << 2 | isunordered(a, b) << 3));
    }
  }
  volatile float z = 0.0f;
  float n = z / z;
  printf("0/0 bits=%08x inf-inf bits=%08x nan*2 bits=%08x\n", bits_of(n), bits_of((1 / z) - (1 / z)),
         bits_of(n * 2));
  float d = fv[9];
  for (int k = 0; k < 30; k++) d *= 0.5f;
  printf("denormal chain %a bits=%08x\n", (double)d, bits_of(d));
  printf("float arithmetic checksum %016llx\n", (unsigned long long)h);
}

static void conversions(void) {
  printf("-- conversions\n");
  static const double dv[] = {0.1, 1e40, -1e40, 1e-50, 3.4028235677973366e38, 16777217.0, 0.5000000298023224,
                              -0.0, 2147483647.0, -2147483649.0, 4294967296.0};
  for (size_t i = 0; i < sizeof dv / sizeof dv[0]; i++) {
    volatile double d = dv[i];
    float f = (float)d;
    printf("(float)%.17g = %a bits=%08x; (int)f=%d (long)f=%ld (unsigned)f=%u\n", d, (double)f, bits_of(f),
           (int)f, (long)f, fabsf(f) < 4e9f && f >= 0 ? (unsigned)f : 0u);
  }
  static const char *strs[] = {"0.1", "1e-46", "1.4e-45", "3.40282347e38", "3.40282357e38", "nanf", "-inf", "0x1.fffffep127", "16777217"};
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
    float f = strtof(strs[i], NULL);
    printf("strtof(%s) = %a bits=%08x\n", strs[i], (double)f, bits_of(f));
  }
  uint64_t h = FNV_INIT;
  rng_seed(8);
  int bad = 0;
  char buf[48];
  for (int i = 0; i < 3000; i++) {
    uint32_t u = (uint32_t)rng_next();
    float f;
    memcpy(&f, &u, 4);
    if (!isfinite(f)) continue;
    snprintf(buf, sizeof buf, "%.9g", (double)f);
    float back = strtof(buf, NULL);
    bad += bits_of(back) != u;
    h = fnv_bytes(h, buf, strlen(buf));
    int64_t i64 = (int64_t)f;
    h = mix64(h, fabsf(f) < 9e18f ? (uint64_t)i64 : 1);
    h = mix64(h, bits_of((float)(int32_t)u));
    h = mix64(h, bits_of((float)(uint32_t)u));
    h = mix64(h, bits_of((float)(int64_t)rng_next()));
    h = mix64(h, bits_of((float)rng_next()));
  }
  printf("conversion failures %d checksum %016llx\n", bad, (unsigned long long)h);
}

static void libmf(void) {
  printf("-- float libm\n");
  static const float in[] = {0.0f, 0.5f, 1.0f, -1.0f, 2.0f, 3.14159f, 10.0f, 0.001f, 88.0f, -87.0f, 1000.5f};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    volatile float x = in[i];
    printf("x=%g expf=%a logf=%a powf=%a sinf=%a cosf=%a tanf=%a atanf=%a sqrtf=%a\n", (double)x,
           (double)expf(x), (double)logf(fabsf(x) + 1), (double)powf(fabsf(x), 0.75f), (double)sinf(x),
           (double)cosf(x), (double)tanf(x), (double)atanf(x), (double)sqrtf(fabsf(x)));
    printf("   floorf=%g ceilf=%g roundf=%g truncf=%g rintf=%g fmodf=%a exp2f=%a log2f=%a\n", (double)floorf(x * 1.3f),
           (double)ceilf(x * 1.3f), (double)roundf(x * 1.3f), (double)truncf(x * 1.3f), (double)rintf(x * 1.3f),
           (double)fmodf(x, 0.3f), (double)exp2f(x / 4), (double)log2f(fabsf(x) + 0.5f));
  }
}

/* A few steps of a small n-body simulation in float. */
static void nbody(void) {
  enum { N = 24 };
  float px[N], py[N], vx[N], vy[N], m[N];
  rng_seed(77);
  for (int i = 0; i < N; i++) {
    px[i] = (float)rng_below(1000) / 10.0f;
    py[i] = (float)rng_below(1000) / 10.0f;
    vx[i] = vy[i] = 0.0f;
    m[i] = 1.0f + (float)rng_below(10);
  }
  for (int step = 0; step < 200; step++) {
    for (int i = 0; i < N; i++) {
      float ax = 0, ay = 0;
      for (int j = 0; j < N; j++) {
        if (i == j) continue;
        float dx = px[j] - px[i], dy = py[j] - py[i];
        float d2 = dx * dx + dy * dy + 0.01f;
        float inv = 1.0f / (d2 * sqrtf(d2));
        ax += m[j] * dx * inv;
        ay += m[j] * dy * inv;
      }
      vx[i] += ax * 0.01f;
      vy[i] += ay * 0.01f;
    }
    for (int i = 0; i < N; i++) {
      px[i] += vx[i] * 0.01f;
      py[i] += vy[i] * 0.01f;
    }
  }
  printf("nbody p0=(%a,%a) v0=(%a,%a) pN=(%.6f,%.6f)\n", (double)px[0], (double)py[0], (double)vx[0], (double)vy[0],
         (double)px[N - 1], (double)py[N - 1]);
  printf("nbody checksum %016llx\n",
         (unsigned long long)fnv_bytes(fnv_bytes(FNV_INIT, px, sizeof px), vy, sizeof vy));
}

int main(void) {
  arithmetic();
  conversions();
  libmf();
  nbody();
  return 0;
}
