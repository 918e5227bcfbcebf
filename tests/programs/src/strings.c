/* string.h at many lengths and alignments. glibc picks SSE2/SSSE3/SSE4.2/AVX2
 * variants by CPUID, so this exercises whichever vector paths the CPU advertises.
 * Each function is checked against a byte-at-a-time reference (mismatches are
 * counted and printed) and its results are folded into a checksum. Strings also
 * end right before an inaccessible page, where an over-reading vector loop faults. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "common.h"

#define BUF 1024
static unsigned char srcbuf[BUF + 64] __attribute__((aligned(64)));
static unsigned char dstbuf[BUF + 64] __attribute__((aligned(64)));
static unsigned char refbuf[BUF + 64] __attribute__((aligned(64)));

static const size_t lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65,
                              95, 96, 127, 128, 129, 200, 255, 256, 257, 511, 512, 700, 900};
#define NLEN (sizeof lens / sizeof lens[0])

/* References: volatile accesses stop gcc from turning them back into libc calls. */
static void ref_copy(volatile unsigned char *d, const volatile unsigned char *s, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = s[i];
}
static size_t ref_strlen(const volatile char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}
static int sign(int x) { return (x > 0) - (x < 0); }

static void fill(unsigned char *p, size_t n, unsigned seed) {
  rng_seed(seed);
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(rng_below(255) + 1);
}

static int mismatches;
static void check(const char *what, size_t a, size_t b, size_t len, size_t off) {
  if (a != b) {
    if (mismatches < 20) printf("MISMATCH %s len=%zu off=%zu got=%zu want=%zu\n", what, len, off, a, b);
    mismatches++;
  }
}

static void copies(void) {
  uint64_t h = FNV_INIT;
  for (size_t li = 0; li < NLEN; li++) {
    size_t n = lens[li];
    for (size_t so = 0; so < 16; so++) {
      for (size_t d = 0; d < 16; d += 5) {
        size_t span = n + 32; /* everything a call may touch, plus guard bytes */
        fill(srcbuf, span, (unsigned)(n * 131 + so));
        memset(dstbuf, 0xa5, span);
        memset(refbuf, 0xa5, span);
        memcpy(dstbuf + d, srcbuf + so, n);
        ref_copy(refbuf + d, srcbuf + so, n);
        check("memcpy", (size_t)memcmp(dstbuf, refbuf, span) != 0, 0, n, so * 100 + d);
        /* Overlapping moves in both directions. */
        memcpy(refbuf, srcbuf, span);
        memcpy(dstbuf, srcbuf, span);
        memmove(dstbuf + d, dstbuf + so, n);
        unsigned char tmp[BUF];
        ref_copy(tmp, refbuf + so, n);
        ref_copy(refbuf + d, tmp, n);
        check("memmove", (size_t)memcmp(dstbuf, refbuf, span) != 0, 0, n, so * 100 + d);
        h = fnv_bytes(h, dstbuf, n + 32);
        /* memset with every alignment and a non-trivial byte. */
        memset(dstbuf + so, (int)(n + d), n);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) bad += dstbuf[so + i] != (unsigned char)(n + d);
        check("memset", bad, 0, n, so);
        h = fnv_bytes(h, dstbuf, n + 32);
      }
    }
  }
  printf("copies checksum %016llx\n", (unsigned long long)h);
}

static void compares(void) {
  uint64_t h = FNV_INIT;
  for (size_t li = 0; li < NLEN; li++) {
    size_t n = lens[li];
    for (size_t so = 0; so < 16; so += 1) {
      fill(srcbuf, n + 32, (unsigned)(n + so));
      memcpy(dstbuf + (15 - so), srcbuf + so, n + 1);
      unsigned char *a = srcbuf + so, *b = dstbuf + (15 - so);
      check("memcmp-eq", (size_t)memcmp(a, b, n), 0, n, so);
      if (n) {
        size_t pos = (n * 7 + so) % n;
        b[pos] = (unsigned char)(a[pos] + 1 + (so & 1) * 128);
        int want = a[pos] < b[pos] ? -1 : 1;
        check("memcmp-ne", (size_t)sign(memcmp(a, b, n)), (size_t)want, n, so);
        h = mix64(h, (uint64_t)sign(memcmp(a, b, n)) + pos);
        /* strcmp/strncmp on NUL-terminated copies */
        a[n] = 0;
        b[n] = 0;
        check("strcmp", (size_t)sign(strcmp((char *)a, (char *)b)), (size_t)want, n, so);
        check("strncmp", (size_t)sign(strncmp((char *)a, (char *)b, pos + 1)), (size_t)want, n, so);
        check("strncmp-pre", (size_t)strncmp((char *)a, (char *)b, pos), 0, n, so);
        b[pos] = a[pos];
        check("strcmp-eq", (size_t)strcmp((char *)a, (char *)b), 0, n, so);
      }
    }
  }
  printf("compares checksum %016llx\n", (unsigned long long)h);
}

static void searches(void) {
  uint64_t h = FNV_INIT;
  for (size_t li = 0; li < NLEN; li++) {
    size_t n = lens[li];
    for (size_t so = 0; so < 16; so++) {
      char *s = (char *)srcbuf + so;
      fill((unsigned char *)s, n, (unsigned)(n * 3 + so));
      s[n] = 0;
      check("strlen", strlen(s), ref_strlen(s), n, so);
      check("strnlen", strnlen(s, n / 2), n / 2, n, so);
      int c = n ? (unsigned char)s[(n * 5) / 7] : 'x';
      char *p = strchr(s, c), *q = strrchr(s, c);
      size_t first = n, last = n;
      for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] == c) {
          if (first == n) first = i;
          last = i;
        }
      check("strchr", p ? (size_t)(p - s) : n, first, n, so);
      check("strrchr", q ? (size_t)(q - s) : n, last, n, so);
      check("strchr-nul", (size_t)(strchr(s, 0) - s), n, n, so);
      void *m = memchr(s, c, n);
      check("memchr", m ? (size_t)((char *)m - s) : n, first, n, so);
      void *r = memrchr(s, c, n);
      check("memrchr", r ? (size_t)((char *)r - s) : n, last, n, so);
      check("rawmemchr", (size_t)((char *)rawmemchr(s, 0) - s), n, n, so);
      size_t sp = strspn(s, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20\x21\x22\x23\x24\x25\x26\x27\x28\x29\x2a\x2b\x2c\x2d\x2e\x2f\x30\x31\x32\x33\x34\x35\x36\x37\x38\x39\x3a\x3b\x3c\x3d\x3e\x3f\x40\x41\x42\x43\x44\x45\x46\x47\x48\x49\x4a\x4b\x4c\x4d\x4e\x4f\x50\x51\x52\x53\x54\x55\x56\x57\x58\x59\x5a\x5b\x5c\x5d\x5e\x5f\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f\x70\x71\x72\x73\x74\x75\x76\x77\x78\x79\x7a\x7b\x7c\x7d\x7e\x7f");
      size_t wantsp = 0;
      while (wantsp < n && (unsigned char)s[wantsp] < 0x80) wantsp++;
      check("strspn", sp, wantsp, n, so);
      size_t cs = strcspn(s, "\xf0\xf1\xf2\xf3");
      size_t wantcs = 0;
      while (wantcs < n && ((unsigned char)s[wantcs] & 0xfc) != 0xf0) wantcs++;
      check("strcspn", cs, wantcs, n, so);
      char *pb = strpbrk(s, "\xf0\xf1\xf2\xf3");
      check("strpbrk", pb ? (size_t)(pb - s) : n, wantcs, n, so);
      /* strstr with a needle taken from the haystack (found) and a mutated one. */
      if (n >= 4) {
        size_t at = (n * 2) / 3, nl = (n - at) < 9 ? (n - at) : 9;
        char needle[16];
        memcpy(needle, s + at, nl);
        needle[nl] = 0;
        char *f = strstr(s, needle);
        size_t want = n;
        for (size_t i = 0; i + nl <= n; i++)
          if (memcmp(s + i, needle, nl) == 0) {
            want = i;
            break;
          }
        check("strstr", f ? (size_t)(f - s) : n, want, n, so);
        void *mm = memmem(s, n, needle, nl);
        check("memmem", mm ? (size_t)((char *)mm - s) : n, want, n, so);
        needle[0] = (char)0xff;
        needle[nl - 1] = 0x01;
        f = strstr(s, needle);
        h = mix64(h, f ? (uint64_t)(f - s) : 12345);
      }
      h = mix64(h, sp * 1000003 + cs * 31 + first);
    }
  }
  printf("searches checksum %016llx\n", (unsigned long long)h);
}

static void builders(void) {
  uint64_t h = FNV_INIT;
  for (size_t li = 0; li < NLEN && lens[li] < 400; li++) {
    size_t n = lens[li];
    for (size_t so = 0; so < 16; so += 5) {
      char *s = (char *)srcbuf + so;
      fill((unsigned char *)s, n, (unsigned)(n + 17 * so));
      s[n] = 0;
      char *d = (char *)dstbuf + (so * 3) % 16;
      memset(dstbuf, 'Z', 2 * n + 48);
      char *e = strcpy(d, s);
      check("strcpy", (size_t)(e - d), 0, n, so);
      check("strcpy-len", strlen(d), n, n, so);
      e = stpcpy(d, s);
      check("stpcpy", (size_t)(e - d), n, n, so);
      strcat(d, "-tail-");
      strcat(d, s + n / 2);
      check("strcat", strlen(d), n + 6 + (n - n / 2), n, so);
      strncat(d, "0123456789", n % 10);
      check("strncat", strlen(d), n + 6 + (n - n / 2) + n % 10, n, so);
      memset(dstbuf, 'Z', n + 32);
      strncpy(d, s, n + 5);
      size_t zeros = 0;
      for (size_t i = n; i < n + 5; i++) zeros += d[i] == 0;
      check("strncpy-pad", zeros, 5, n, so);
      check("strncpy-next", (size_t)(unsigned char)d[n + 5], 'Z', n, so);
      h = fnv_bytes(h, dstbuf, 2 * n + 40);
    }
  }
  printf("builders checksum %016llx\n", (unsigned long long)h);
}

/* Strings that end on the last byte of a page whose successor is PROT_NONE. */
static void page_edges(void) {
  long pg = sysconf(_SC_PAGESIZE);
  unsigned char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) {
    printf("mmap failed\n");
    return;
  }
  if (mprotect(map + pg, (size_t)pg, PROT_NONE) != 0) printf("mprotect failed\n");
  uint64_t h = FNV_INIT;
  for (size_t n = 0; n < 80; n++) {
    char *s = (char *)map + pg - 1 - n;
    memset(map, 'q', (size_t)pg);
    for (size_t i = 0; i < n; i++) s[i] = (char)('a' + (i % 26));
    s[n] = 0;
    check("edge-strlen", strlen(s), n, n, 0);
    check("edge-strchr", strchr(s, '#') == NULL, 1, n, 0);
    check("edge-strrchr", strrchr(s, 'a') ? (size_t)(strrchr(s, 'a') - s) : 999, n ? ((n - 1) / 26) * 26 : 999, n, 0);
    check("edge-memchr", memchr(s, '#', n + 1) == NULL, 1, n, 0);
    check("edge-strcmp", (size_t)sign(strcmp(s, s)), 0, n, 0);
    char copy[128];
    strcpy(copy, s);
    check("edge-strcpy", (size_t)strcmp(copy, s), 0, n, 0);
    check("edge-strcspn", strcspn(s, "#"), n, n, 0);
    check("edge-strstr", strstr(s, "zz") == NULL, 1, n, 0);
    /* memcmp/memcpy ending exactly at the page end */
    unsigned char *t = map + pg - n;
    memcpy(copy, t, n);
    check("edge-memcmp", (size_t)memcmp(copy, t, n), 0, n, 0);
    h = mix64(h, strlen(s) + strspn(s, "abcdefgh"));
  }
  munmap(map, (size_t)pg * 2);
  printf("page edges checksum %016llx\n", (unsigned long long)h);
}

static void readable(void) {
  const char *text = "the quick brown fox jumps over the lazy dog; THE QUICK BROWN FOX";
  printf("strlen=%zu\n", strlen(text));
  printf("strchr(q)=%s\n", strchr(text, 'q'));
  printf("strrchr(o)=%s\n", strrchr(text, 'o'));
  printf("strstr(lazy)=%s\n", strstr(text, "lazy"));
  printf("strstr(BROWN)=%s\n", strstr(text, "BROWN"));
  printf("strspn(a-z )=%zu\n", strspn(text, "abcdefghijklmnopqrstuvwxyz "));
  printf("strcspn(;)=%zu\n", strcspn(text, ";"));
  printf("strcasecmp=%d strncasecmp=%d\n", sign(strcasecmp("Hello", "hELLO")), sign(strncasecmp("abcX", "ABCy", 4)));
  printf("strcasestr=%s\n", strcasestr(text, "the quick brown fox"));
  char buf[128];
  char *p = stpcpy(buf, "alpha");
  p = stpcpy(p, "-beta");
  strcat(buf, "-gamma");
  printf("built=%s len=%zu end=%td\n", buf, strlen(buf), p - buf);
  char *save = NULL;
  char tok[] = "a,b,,c;d e";
  for (char *t = strtok_r(tok, ",; ", &save); t; t = strtok_r(NULL, ",; ", &save)) printf("tok=%s\n", t);
}

int main(void) {
  readable();
  copies();
  compares();
  searches();
  builders();
  page_edges();
  printf("mismatches %d\n", mismatches);
  return mismatches != 0;
}
