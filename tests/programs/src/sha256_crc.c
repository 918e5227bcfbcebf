/* SHA-256 (FIPS 180-4) and CRC-32 (IEEE, reflected, table-driven and bitwise) plus
 * Adler-32, over the standard test vectors and over generated data at many lengths
 * (every padding boundary around 55/56/64 bytes). Rotates, shifts and 32-bit
 * wrap-around dominate. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

struct sha256 {
  uint32_t h[8];
  unsigned char buf[64];
  size_t fill;
  uint64_t total;
};

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void block(struct sha256 *s, const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
  s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha_init(struct sha256 *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->fill = 0;
  s->total = 0;
}
static void sha_update(struct sha256 *s, const void *data, size_t n) {
  const unsigned char *p = data;
  s->total += n;
  while (n) {
    size_t take = 64 - s->fill < n ? 64 - s->fill : n;
    memcpy(s->buf + s->fill, p, take);
    s->fill += take;
    p += take;
    n -= take;
    if (s->fill == 64) {
      block(s, s->buf);
      s->fill = 0;
    }
  }
}
static void sha_final(struct sha256 *s, char hex[65]) {
  uint64_t bits = s->total * 8;
  unsigned char pad = 0x80;
  sha_update(s, &pad, 1);
  pad = 0;
  while (s->fill != 56) sha_update(s, &pad, 1);
  unsigned char len[8];
  for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
  sha_update(s, len, 8);
  for (int i = 0; i < 8; i++) snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

static uint32_t crc_table[256];
static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}
static uint32_t crc32_table(uint32_t crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  while (n--) crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}
static uint32_t crc32_bitwise(uint32_t crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}
static uint32_t adler32(const unsigned char *p, size_t n) {
  uint32_t a = 1, b = 0;
  while (n--) {
    a = (a + *p++) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

int main(void) {
  crc_init();
  char hex[65];
  struct sha256 s;
  static const char *vectors[] = {"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                                  "The quick brown fox jumps over the lazy dog"};
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    sha_init(&s);
    sha_update(&s, vectors[i], strlen(vectors[i]));
    sha_final(&s, hex);
    const unsigned char *v = (const unsigned char *)vectors[i];
    printf("sha256(\"%s\") = %s crc32=%08x adler32=%08x\n", vectors[i], hex, crc32_table(0, v, strlen(vectors[i])),
           adler32(v, strlen(vectors[i])));
  }
  printf("crc32(123456789) = %08x (check cbf43926)\n", crc32_table(0, (const unsigned char *)"123456789", 9));
  /* 100000 times 'a': many full blocks through the update path. */
  static unsigned char data[1 << 15];
  memset(data, 'a', 1000);
  sha_init(&s);
  for (int i = 0; i < 100; i++) sha_update(&s, data, 1000);
  sha_final(&s, hex);
  printf("sha256(a x 1e5) = %s\n", hex);
  rng_seed(65537);
  for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(rng_next() >> 56);
  uint64_t h = FNV_INIT;
  int disagree = 0;
  for (size_t n = 0; n < 200; n++) {
    sha_init(&s);
    sha_update(&s, data + n, n);
    sha_final(&s, hex);
    uint32_t c1 = crc32_table(0, data + n, n), c2 = crc32_bitwise(0, data + n, n);
    disagree += c1 != c2;
    h = fnv_bytes(h, hex, 64);
    h = mix64(h, c1);
    h = mix64(h, adler32(data, n));
    if (n == 55 || n == 56 || n == 63 || n == 64 || n == 119 || n == 120) printf("n=%zu sha=%s crc=%08x\n", n, hex, c1);
  }
  sha_init(&s);
  for (size_t off = 0; off < sizeof data; off += 1000) sha_update(&s, data + off, sizeof data - off < 1000 ? sizeof data - off : 1000);
  sha_final(&s, hex);
  printf("sha256(32K generated) = %s crc32=%08x adler32=%08x\n", hex, crc32_table(0, data, sizeof data),
         adler32(data, sizeof data));
  printf("table/bitwise disagreements %d checksum %016llx\n", disagree, (unsigned long long)h);
  return 0;
}
