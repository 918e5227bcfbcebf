/* SSE through SSE4.2 intrinsics, built with -msse4.2: packed integer and FP
 * arithmetic, saturation, shuffles, packs/unpacks, compares and masks, blends,
 * dot products, rounding, string compares (pcmpistri/pcmpestri/pcmpistrm/
 * pcmpestrm in several modes) and crc32. Every result vector is printed in hex. */
#include <nmmintrin.h>
#include <smmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static uint64_t H = FNV_INIT;

static void show(const char *name, __m128i v) {
  uint32_t w[4];
  _mm_storeu_si128((__m128i *)w, v);
  printf("%-14s %08x %08x %08x %08x\n", name, w[3], w[2], w[1], w[0]);
  H = fnv_bytes(H, w, 16);
}
static void showps(const char *name, __m128 v) {
  float f[4];
  _mm_storeu_ps(f, v);
  printf("%-14s %a %a %a %a\n", name, (double)f[0], (double)f[1], (double)f[2], (double)f[3]);
  H = fnv_bytes(H, f, 16);
}
static void showpd(const char *name, __m128d v) {
  double d[2];
  _mm_storeu_pd(d, v);
  printf("%-14s %a %a\n", name, d[0], d[1]);
  H = fnv_bytes(H, d, 16);
}

static __m128i load(const void *p) { return _mm_loadu_si128((const __m128i *)p); }

static void integer_ops(void) {
  printf("-- packed integer\n");
  static const uint8_t a8[16] = {0, 1, 2, 127, 128, 129, 200, 255, 7, 64, 100, 250, 3, 90, 180, 33};
  static const uint8_t b8[16] = {255, 1, 254, 1, 128, 127, 100, 1, 9, 64, 200, 10, 0, 91, 179, 200};
  __m128i a = OPAQUE_X(load(a8)), b = OPAQUE_X(load(b8));
  show("paddb", _mm_add_epi8(a, b));
  show("paddusb", _mm_adds_epu8(a, b));
  show("paddsb", _mm_adds_epi8(a, b));
  show("psubusb", _mm_subs_epu8(a, b));
  show("psubsw", _mm_subs_epi16(a, b));
  show("paddw", _mm_add_epi16(a, b));
  show("paddd", _mm_add_epi32(a, b));
  show("paddq", _mm_add_epi64(a, b));
  show("psubq", _mm_sub_epi64(a, b));
  show("pmullw", _mm_mullo_epi16(a, b));
  show("pmulhw", _mm_mulhi_epi16(a, b));
  show("pmulhuw", _mm_mulhi_epu16(a, b));
  show("pmuludq", _mm_mul_epu32(a, b));
  show("pmuldq", _mm_mul_epi32(a, b));
  show("pmulld", _mm_mullo_epi32(a, b));
  show("pmaddwd", _mm_madd_epi16(a, b));
  show("pmaddubsw", _mm_maddubs_epi16(a, b));
  show("pmulhrsw", _mm_mulhrs_epi16(a, b));
  show("psadbw", _mm_sad_epu8(a, b));
  show("pavgb", _mm_avg_epu8(a, b));
  show("pavgw", _mm_avg_epu16(a, b));
  show("pminub", _mm_min_epu8(a, b));
  show("pmaxsb", _mm_max_epi8(a, b));
  show("pminsw", _mm_min_epi16(a, b));
  show("pmaxud", _mm_max_epu32(a, b));
  show("pminsd", _mm_min_epi32(a, b));
  show("pabsb", _mm_abs_epi8(a));
  show("pabsw", _mm_abs_epi16(b));
  show("psignb", _mm_sign_epi8(a, b));
  show("pand/pandn", _mm_xor_si128(_mm_and_si128(a, b), _mm_andnot_si128(a, b)));
  show("por", _mm_or_si128(a, b));
  show("pcmpeqb", _mm_cmpeq_epi8(a, b));
  show("pcmpgtb", _mm_cmpgt_epi8(a, b));
  show("pcmpgtw", _mm_cmpgt_epi16(a, b));
  show("pcmpgtd", _mm_cmpgt_epi32(a, b));
  show("pcmpeqq", _mm_cmpeq_epi64(a, a));
  show("pcmpgtq", _mm_cmpgt_epi64(a, b));
  printf("pmovmskb %04x  movmskps %x  movmskpd %x\n", _mm_movemask_epi8(a), _mm_movemask_ps(_mm_castsi128_ps(b)),
         _mm_movemask_pd(_mm_castsi128_pd(a)));
  printf("ptest z=%d c=%d nzc=%d\n", _mm_testz_si128(a, b), _mm_testc_si128(a, b), _mm_testnzc_si128(a, b));
  for (int c = 0; c < 70; c += 7) {
    __m128i cnt = _mm_cvtsi32_si128(c);
    char n[32];
    snprintf(n, sizeof n, "shifts %d", c);
    show(n, _mm_xor_si128(_mm_xor_si128(_mm_sll_epi16(a, cnt), _mm_srl_epi32(b, cnt)),
                          _mm_xor_si128(_mm_sra_epi16(b, cnt), _mm_sll_epi64(a, cnt))));
  }
  show("psllw imm", _mm_slli_epi16(a, 3));
  show("psrad imm", _mm_srai_epi32(b, 31));
  show("psrlq imm", _mm_srli_epi64(a, 13));
  show("pslldq", _mm_slli_si128(a, 5));
  show("psrldq", _mm_srli_si128(a, 11));
}

static void shuffles(void) {
  printf("-- shuffles\n");
  __m128i a = OPAQUE_X(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  __m128i b = OPAQUE_X(_mm_setr_epi8(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31));
  __m128i sel = OPAQUE_X(_mm_setr_epi8(15, 0, (char)0x80, 3, 7, 7, 1, (char)0x8f, 12, 11, 10, 9, 4, 5, 6, 2));
  show("pshufb", _mm_shuffle_epi8(b, sel));
  show("pshufd 1b", _mm_shuffle_epi32(a, 0x1b));
  show("pshuflw", _mm_shufflelo_epi16(a, 0x93));
  show("pshufhw", _mm_shufflehi_epi16(a, 0x4e));
  show("palignr 5", _mm_alignr_epi8(a, b, 5));
  show("palignr 20", _mm_alignr_epi8(a, b, 20));
  show("punpcklbw", _mm_unpacklo_epi8(a, b));
  show("punpckhwd", _mm_unpackhi_epi16(a, b));
  show("punpckldq", _mm_unpacklo_epi32(a, b));
  show("punpckhqdq", _mm_unpackhi_epi64(a, b));
  __m128i w = OPAQUE_X(_mm_setr_epi16(-300, -129, -128, 0, 127, 128, 255, 300));
  __m128i d = OPAQUE_X(_mm_setr_epi32(-70000, -32769, 32768, 70000));
  show("packsswb", _mm_packs_epi16(w, w));
  show("packuswb", _mm_packus_epi16(w, a));
  show("packssdw", _mm_packs_epi32(d, d));
  show("packusdw", _mm_packus_epi32(d, b));
  show("pmovsxbw", _mm_cvtepi8_epi16(_mm_sub_epi8(a, _mm_set1_epi8(8))));
  show("pmovzxwd", _mm_cvtepu16_epi32(w));
  show("pmovsxdq", _mm_cvtepi32_epi64(d));
  show("pblendw", _mm_blend_epi16(a, b, 0xa5));
  show("pblendvb", _mm_blendv_epi8(a, b, sel));
  show("pinsrb", _mm_insert_epi8(a, 0x77, 9));
  show("pinsrd", _mm_insert_epi32(a, (int)0xdeadbeef, 2));
  show("pinsrq", _mm_insert_epi64(a, 0x0123456789abcdefLL, 1));
  printf("pextrb %d pextrw %d pextrd %x pextrq %llx\n", _mm_extract_epi8(b, 13), _mm_extract_epi16(w, 1),
         _mm_extract_epi32(d, 3), (unsigned long long)_mm_extract_epi64(b, 1));
  show("phaddw", _mm_hadd_epi16(w, a));
  show("phsubd", _mm_hsub_epi32(d, b));
  show("phminposuw", _mm_minpos_epu16(w));
  show("mpsadbw", _mm_mpsadbw_epu8(a, b, 5));
}

static void float_ops(void) {
  printf("-- packed float\n");
  __m128 a = OPAQUE_X(_mm_setr_ps(1.5f, -2.25f, 1e30f, 0.1f));
  __m128 b = OPAQUE_X(_mm_setr_ps(-0.5f, 4.0f, 1e10f, 3.0f));
  __m128 z = OPAQUE_X(_mm_setzero_ps());
  showps("addps", _mm_add_ps(a, b));
  showps("subps", _mm_sub_ps(a, b));
  showps("mulps", _mm_mul_ps(a, b));
  showps("divps", _mm_div_ps(a, b));
  showps("sqrtps", _mm_sqrt_ps(b));
  showps("minps", _mm_min_ps(a, b));
  showps("maxps", _mm_max_ps(a, b));
  showps("div0", _mm_div_ps(a, z));
  showps("0/0", _mm_div_ps(z, z));
  showps("minps nan", _mm_min_ps(_mm_div_ps(z, z), a));
  showps("maxps nan2", _mm_max_ps(a, _mm_div_ps(z, z)));
  showps("addss", _mm_add_ss(a, b));
  showps("shufps", _mm_shuffle_ps(a, b, 0xb1));
  showps("unpcklps", _mm_unpacklo_ps(a, b));
  showps("movhlps", _mm_movehl_ps(a, b));
  showps("haddps", _mm_hadd_ps(a, b));
  showps("addsubps", _mm_addsub_ps(a, b));
  showps("dpps 0xf1", _mm_dp_ps(a, b, 0xf1));
  showps("dpps 0x3c", _mm_dp_ps(a, b, 0x3c));
  showps("blendps", _mm_blend_ps(a, b, 5));
  showps("blendvps", _mm_blendv_ps(a, b, a));
  showps("insertps", _mm_insert_ps(a, b, 0x9c));
  show("cmpltps", _mm_castps_si128(_mm_cmplt_ps(a, b)));
  show("cmpunordps", _mm_castps_si128(_mm_cmpunord_ps(_mm_div_ps(z, z), a)));
  show("cmpneqps", _mm_castps_si128(_mm_cmpneq_ps(a, a)));
  show("andps", _mm_castps_si128(_mm_and_ps(a, b)));
  show("cvtps2dq", _mm_cvtps_epi32(a));
  show("cvttps2dq", _mm_cvttps_epi32(_mm_mul_ps(a, _mm_set1_ps(3.7f))));
  showps("cvtdq2ps", _mm_cvtepi32_ps(_mm_setr_epi32(-1, 16777217, 0x7fffffff, 3)));
  __m128 rv = OPAQUE_X(_mm_setr_ps(2.5f, -2.5f, 1.49f, -0.51f));
  showps("roundps near", _mm_round_ps(rv, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  showps("roundps down", _mm_round_ps(rv, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
  showps("roundps up", _mm_round_ps(rv, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC));
  showps("roundps zero", _mm_round_ps(rv, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
  showps("roundss cur", _mm_round_ss(a, rv, _MM_FROUND_CUR_DIRECTION));
  printf("comiss lt=%d ucomiss eq=%d cvtss2si=%d cvttss2si=%d\n", _mm_comilt_ss(a, b), _mm_ucomieq_ss(a, a),
         _mm_cvtss_si32(_mm_set_ss(2.5f)), _mm_cvttss_si32(b));

  __m128d da = OPAQUE_X(_mm_setr_pd(1.0 / 3.0, -1e300));
  __m128d db = OPAQUE_X(_mm_setr_pd(3.0, 1e-300));
  showpd("addpd", _mm_add_pd(da, db));
  showpd("mulpd", _mm_mul_pd(da, db));
  showpd("divpd", _mm_div_pd(da, db));
  showpd("sqrtpd", _mm_sqrt_pd(db));
  showpd("maxpd", _mm_max_pd(da, db));
  showpd("haddpd", _mm_hadd_pd(da, db));
  showpd("dppd", _mm_dp_pd(da, db, 0x31));
  showpd("roundpd", _mm_round_pd(_mm_mul_pd(da, _mm_set1_pd(10.0)), _MM_FROUND_TO_NEAREST_INT));
  showpd("shufpd", _mm_shuffle_pd(da, db, 1));
  showpd("cvtps2pd", _mm_cvtps_pd(a));
  showps("cvtpd2ps", _mm_cvtpd_ps(da));
  show("cvtpd2dq", _mm_cvtpd_epi32(_mm_mul_pd(db, _mm_set1_pd(1e300))));
  showpd("cvtdq2pd", _mm_cvtepi32_pd(_mm_setr_epi32(-7, 1 << 30, 0, 0)));
  printf("cvtsd2si64 %lld cvttsd2si %d\n", (long long)_mm_cvtsd_si64(_mm_set_sd(-2.5)), _mm_cvttsd_si32(db));
}

static void strings(void) {
  printf("-- pcmpxstrx\n");
  static const char text[] = "Hello, World! 0123456789 abcdef";
  static const char ranges[16] = "azAZ";
  static const char set[16] = "lo, ";
  static const char word[16] = "World";
  __m128i t0 = load(text), t1 = load(text + 14);
  __m128i r = load(ranges), s = load(set), w = load(word);
  printf("equal_any idx %d %d\n", _mm_cmpistri(s, t0, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ANY),
         _mm_cmpistri(s, t0, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ANY | _SIDD_MOST_SIGNIFICANT));
  printf("ranges idx %d negated %d\n", _mm_cmpistri(r, t1, _SIDD_UBYTE_OPS | _SIDD_CMP_RANGES),
         _mm_cmpistri(r, t0, _SIDD_UBYTE_OPS | _SIDD_CMP_RANGES | _SIDD_NEGATIVE_POLARITY));
  printf("ordered idx %d equal_each idx %d\n", _mm_cmpistri(w, t0, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ORDERED),
         _mm_cmpistri(t0, t0, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_EACH | _SIDD_NEGATIVE_POLARITY));
  printf("flags: c=%d z=%d s=%d o=%d a=%d\n", _mm_cmpistrc(s, t0, _SIDD_CMP_EQUAL_ANY),
         _mm_cmpistrz(s, t0, _SIDD_CMP_EQUAL_ANY), _mm_cmpistrs(s, t0, _SIDD_CMP_EQUAL_ANY),
         _mm_cmpistro(s, t0, _SIDD_CMP_EQUAL_ANY), _mm_cmpistra(s, t0, _SIDD_CMP_EQUAL_ANY));
  show("istrm bitmask", _mm_cmpistrm(r, t0, _SIDD_CMP_RANGES));
  show("istrm bytemask", _mm_cmpistrm(r, t0, _SIDD_CMP_RANGES | _SIDD_UNIT_MASK));
  for (int la = 0; la <= 16; la += 4)
    for (int lb = 0; lb <= 16; lb += 8) {
      printf("estri la=%d lb=%d any=%d ord=%d each=%d masked-neg=%d\n", la, lb,
             _mm_cmpestri(s, la, t0, lb, _SIDD_CMP_EQUAL_ANY),
             _mm_cmpestri(w, la, t0, lb, _SIDD_CMP_EQUAL_ORDERED),
             _mm_cmpestri(t0, la, t0, lb, _SIDD_CMP_EQUAL_EACH),
             _mm_cmpestri(s, la, t0, lb, _SIDD_CMP_EQUAL_ANY | _SIDD_MASKED_NEGATIVE_POLARITY));
    }
  show("estrm words", _mm_cmpestrm(w, 3, t0, 8, _SIDD_UWORD_OPS | _SIDD_CMP_EQUAL_ANY | _SIDD_UNIT_MASK));
  printf("signed words ranges %d\n", _mm_cmpistri(_mm_setr_epi16(-100, 100, 0, 0, 0, 0, 0, 0),
                                                  _mm_setr_epi16(300, 200, -50, 7, 1, 0, 0, 0),
                                                  _SIDD_SWORD_OPS | _SIDD_CMP_RANGES));
  /* Scan a longer string with pcmpistri the way a strcspn would. */
  rng_seed(5150);
  char buf[4096 + 16];
  for (int i = 0; i < 4096; i++) buf[i] = (char)(' ' + rng_below(90));
  buf[4096] = 0;
  int hits = 0;
  for (int i = 0; i + 16 <= 4096; i += 16) hits += _mm_cmpistri(s, load(buf + i), _SIDD_CMP_EQUAL_ANY) < 16;
  printf("chunks with hits %d\n", hits);
}

static void crc_popcnt(void) {
  printf("-- crc32 and popcnt\n");
  uint32_t c = 0xffffffffu;
  c = _mm_crc32_u8(c, 0x31);
  printf("crc32c u8 %08x", c);
  c = _mm_crc32_u16(c, 0x3233);
  printf(" u16 %08x", c);
  c = _mm_crc32_u32(c, 0x34353637);
  printf(" u32 %08x", c);
  uint64_t c64 = _mm_crc32_u64(c, 0x38393a3b3c3d3e3full);
  printf(" u64 %08llx\n", (unsigned long long)c64);
  /* CRC-32C of "123456789" is the standard check value e3069283. */
  const char *check = "123456789";
  uint32_t k = 0xffffffffu;
  for (int i = 0; check[i]; i++) k = _mm_crc32_u8(k, (unsigned char)check[i]);
  printf("crc32c(123456789) = %08x\n", ~k);
  rng_seed(1);
  uint64_t pc = 0;
  uint32_t crc = 0;
  for (int i = 0; i < 10000; i++) {
    uint64_t v = rng_next();
    pc += (uint64_t)_mm_popcnt_u64(v) + (uint64_t)_mm_popcnt_u32((uint32_t)v);
    crc = (uint32_t)_mm_crc32_u64(crc, v);
  }
  printf("popcnt total %llu crc %08x\n", (unsigned long long)pc, crc);
}

int main(void) {
  integer_ops();
  shuffles();
  float_ops();
  strings();
  crc_popcnt();
  printf("sse checksum %016llx\n", (unsigned long long)H);
  return 0;
}
