/* MMX on edge values, and its aliasing with the x87.
 *
 * GCC 12 implements __m64 intrinsics with xmm registers whenever SSE2 is on (as
 * it always is on x86-64), so the intrinsic part is compiled without SSE2 (the
 * pragma below) to get real MMX instructions: wrapping and saturating
 * arithmetic, multiplies, compares, packs, unpacks, logic, shifts by immediate
 * and by register (counts in and beyond range), and the SSE additions on mm
 * registers (averages, min/max, sums of differences, shuffles, masks,
 * conversions to and from floats). The SSE2/SSSE3 forms on mm registers and the
 * mm <-> xmm moves need SSE2, so they are inline assembly. Then the aliasing:
 * mm registers are the significands of the x87 registers; an MMX instruction
 * sets TOP = 0 and tags every register valid, writing one sets its exponent to
 * all ones; x87 code without EMMS overflows the stack; after _mm_empty() long
 * double arithmetic works again. Every value is printed in hex. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static uint64_t H = FNV_INIT;

static void show(const char *name, uint64_t v) {
  printf("%-10s %016llx\n", name, (unsigned long long)v);
  H = mix64(H, v);
}

static volatile uint64_t vals[] = {
    0, 0xffffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0123456789abcdefull,
    0x7f80017f00ff8001ull, 0x80007fffffff0001ull, 0x00ff00ff7fff8000ull, 0xfedcba9876543210ull, 0x0000000f00000021ull,
};
#define NV (int)(sizeof vals / sizeof vals[0])

/* ---- intrinsics, compiled as MMX ------------------------------------------------------------- */
#pragma GCC push_options
#pragma GCC target("no-sse2")
#include <mmintrin.h>
#include <xmmintrin.h>

#define M(x) _mm_cvtsi64_m64((long long)(x))
#define U(x) ((uint64_t)_mm_cvtm64_si64(x))

static __attribute__((noinline)) void mmx_pair(uint64_t x, uint64_t y, int count) {
  __m64 a = M(x), b = M(y), c = M((uint64_t)count);
  uint64_t r[64];
  int n = 0;
  r[n++] = U(_mm_add_pi8(a, b));
  r[n++] = U(_mm_add_pi16(a, b));
  r[n++] = U(_mm_add_pi32(a, b));
  r[n++] = U(_mm_adds_pi8(a, b));
  r[n++] = U(_mm_adds_pi16(a, b));
  r[n++] = U(_mm_adds_pu8(a, b));
  r[n++] = U(_mm_adds_pu16(a, b));
  r[n++] = U(_mm_sub_pi8(a, b));
  r[n++] = U(_mm_sub_pi16(a, b));
  r[n++] = U(_mm_sub_pi32(a, b));
  r[n++] = U(_mm_subs_pi8(a, b));
  r[n++] = U(_mm_subs_pi16(a, b));
  r[n++] = U(_mm_subs_pu8(a, b));
  r[n++] = U(_mm_subs_pu16(a, b));
  r[n++] = U(_mm_mullo_pi16(a, b));
  r[n++] = U(_mm_mulhi_pi16(a, b));
  r[n++] = U(_mm_mulhi_pu16(a, b));
  r[n++] = U(_mm_madd_pi16(a, b));
  r[n++] = U(_mm_cmpeq_pi8(a, b));
  r[n++] = U(_mm_cmpeq_pi16(a, b));
  r[n++] = U(_mm_cmpeq_pi32(a, b));
  r[n++] = U(_mm_cmpgt_pi8(a, b));
  r[n++] = U(_mm_cmpgt_pi16(a, b));
  r[n++] = U(_mm_cmpgt_pi32(a, b));
  r[n++] = U(_mm_packs_pi16(a, b));
  r[n++] = U(_mm_packs_pi32(a, b));
  r[n++] = U(_mm_packs_pu16(a, b));
  r[n++] = U(_mm_unpacklo_pi8(a, b));
  r[n++] = U(_mm_unpacklo_pi16(a, b));
  r[n++] = U(_mm_unpacklo_pi32(a, b));
  r[n++] = U(_mm_unpackhi_pi8(a, b));
  r[n++] = U(_mm_unpackhi_pi16(a, b));
  r[n++] = U(_mm_unpackhi_pi32(a, b));
  r[n++] = U(_mm_andnot_si64(a, b));
  r[n++] = U(_mm_xor_si64(_mm_or_si64(a, b), _mm_and_si64(a, b)));
  r[n++] = U(_mm_slli_pi16(a, 3));
  r[n++] = U(_mm_srli_pi32(a, 7));
  r[n++] = U(_mm_srai_pi16(a, 15));
  r[n++] = U(_mm_srai_pi32(a, 40));
  r[n++] = U(_mm_slli_si64(a, 63));
  r[n++] = U(_mm_srli_si64(a, 64));
  r[n++] = U(_mm_sll_pi16(a, c));
  r[n++] = U(_mm_srl_pi32(a, c));
  r[n++] = U(_mm_sra_pi16(a, c));
  r[n++] = U(_mm_sra_pi32(a, c));
  r[n++] = U(_mm_sll_si64(a, c));
  r[n++] = U(_mm_srl_si64(a, c));
  r[n++] = U(_mm_avg_pu8(a, b));
  r[n++] = U(_mm_avg_pu16(a, b));
  r[n++] = U(_mm_max_pi16(a, b));
  r[n++] = U(_mm_max_pu8(a, b));
  r[n++] = U(_mm_min_pi16(a, b));
  r[n++] = U(_mm_min_pu8(a, b));
  r[n++] = U(_mm_sad_pu8(a, b));
  r[n++] = U(_mm_shuffle_pi16(a, 0x1b));
  r[n++] = U(_mm_insert_pi16(a, (int)y, 2));
  r[n++] = (uint64_t)_mm_extract_pi16(b, 3) << 8 | (uint64_t)_mm_movemask_pi8(a);
  uint64_t stored = 0;
  _mm_stream_pi((__m64 *)&stored, _mm_sub_pi32(b, a));
  r[n++] = stored;
  _mm_empty();
  static const char *const names[] = {
      "paddb", "paddw", "paddd", "paddsb", "paddsw", "paddusb", "paddusw", "psubb", "psubw", "psubd",
      "psubsb", "psubsw", "psubusb", "psubusw", "pmullw", "pmulhw", "pmulhuw", "pmaddwd", "pcmpeqb", "pcmpeqw",
      "pcmpeqd", "pcmpgtb", "pcmpgtw", "pcmpgtd", "packsswb", "packssdw", "packuswb", "punpcklbw", "punpcklwd", "punpckldq",
      "punpckhbw", "punpckhwd", "punpckhdq", "pandn", "por^pand", "psllw 3", "psrld 7", "psraw 15", "psrad 40", "psllq 63",
      "psrlq 64", "psllw c", "psrld c", "psraw c", "psrad c", "psllq c", "psrlq c", "pavgb", "pavgw", "pmaxsw",
      "pmaxub", "pminsw", "pminub", "psadbw", "pshufw", "pinsrw", "pextrw|msk", "movntq",
  };
  if (n != (int)(sizeof names / sizeof names[0])) printf("BUG: %d results, %d names\n", n, (int)(sizeof names / sizeof names[0]));
  for (int k = 0; k < n; k++) show(names[k], r[k]);
}

/* CVTPI2PS, CVTPS2PI (current rounding) and CVTTPS2PI; printed by ps_conversions (no doubles here). */
static __attribute__((noinline)) void mmx_floats(uint64_t x, float f0, float f1, float out[4], uint64_t int_out[2]) {
  __m128 v = _mm_setr_ps(f0, f1, -0.5f, 7.0f);
  _mm_storeu_ps(out, _mm_cvtpi32_ps(v, M(x)));
  int_out[0] = U(_mm_cvtps_pi32(v));
  int_out[1] = U(_mm_cvtt_ps2pi(v));
  _mm_empty();
}
#pragma GCC pop_options

/* ---- SSE2 and SSSE3 forms on mm registers, as inline assembly -------------------------------- */

/* mm0 = a, mm1 = b, then INSN, then the result from mm0 and EMMS, all in one block. */
#define MM_OP(fn, insn)                                                                                  \
  static uint64_t fn(uint64_t a, uint64_t b) {                                                           \
    uint64_t r;                                                                                          \
    __asm__ volatile("movq %1, %%mm0\n\tmovq %2, %%mm1\n\t" insn "\n\tmovq %%mm0, %0\n\temms"           \
                     : "=r"(r) : "r"(a), "r"(b) : "mm0", "mm1");                                         \
    return r;                                                                                            \
  }
MM_OP(op_paddq, "paddq %%mm1, %%mm0")
MM_OP(op_psubq, "psubq %%mm1, %%mm0")
MM_OP(op_pmuludq, "pmuludq %%mm1, %%mm0")
MM_OP(op_pshufb, "pshufb %%mm1, %%mm0")
MM_OP(op_palignr, "palignr $3, %%mm1, %%mm0")
MM_OP(op_palignr13, "palignr $13, %%mm1, %%mm0")
MM_OP(op_phaddw, "phaddw %%mm1, %%mm0")
MM_OP(op_phaddd, "phaddd %%mm1, %%mm0")
MM_OP(op_phaddsw, "phaddsw %%mm1, %%mm0")
MM_OP(op_phsubw, "phsubw %%mm1, %%mm0")
MM_OP(op_phsubd, "phsubd %%mm1, %%mm0")
MM_OP(op_phsubsw, "phsubsw %%mm1, %%mm0")
MM_OP(op_pmaddubsw, "pmaddubsw %%mm1, %%mm0")
MM_OP(op_pmulhrsw, "pmulhrsw %%mm1, %%mm0")
MM_OP(op_psignb, "psignb %%mm1, %%mm0")
MM_OP(op_psignw, "psignw %%mm1, %%mm0")
MM_OP(op_psignd, "psignd %%mm1, %%mm0")
MM_OP(op_pabsb, "pabsb %%mm1, %%mm0")
MM_OP(op_pabsw, "pabsw %%mm1, %%mm0")
MM_OP(op_pabsd, "pabsd %%mm1, %%mm0")
/* MASKMOVQ mm0, mm1: the bytes of a whose byte in b has its top bit set, over a pattern. */
static uint64_t op_maskmovq(uint64_t a, uint64_t b) {
  uint64_t out = 0x1111111111111111ull;
  __asm__ volatile("movq %1, %%mm0\n\tmovq %2, %%mm1\n\tmaskmovq %%mm1, %%mm0\n\temms"
                   : "+m"(out) : "r"(a), "r"(b), "D"(&out) : "mm0", "mm1", "memory");
  return out;
}
/* MOVQ2DQ both into xmm, join them, shift by 4 bytes, MOVDQ2Q back: the middle 8 bytes of b:a. */
static uint64_t op_movdq2q(uint64_t a, uint64_t b) {
  uint64_t r;
  __asm__ volatile("movq %1, %%mm0\n\tmovq %2, %%mm1\n\tmovq2dq %%mm1, %%xmm7\n\tmovq2dq %%mm0, %%xmm6\n\t"
                   "punpcklqdq %%xmm6, %%xmm7\n\tpsrldq $4, %%xmm7\n\tmovdq2q %%xmm7, %%mm0\n\tmovq %%mm0, %0\n\temms"
                   : "=r"(r) : "r"(a), "r"(b) : "mm0", "mm1", "xmm6", "xmm7");
  return r;
}

static const struct { const char *name; uint64_t (*fn)(uint64_t, uint64_t); } MM_OPS[] = {
    {"paddq", op_paddq}, {"psubq", op_psubq}, {"pmuludq", op_pmuludq}, {"pshufb", op_pshufb},
    {"palignr3", op_palignr}, {"palignr13", op_palignr13}, {"phaddw", op_phaddw}, {"phaddd", op_phaddd},
    {"phaddsw", op_phaddsw}, {"phsubw", op_phsubw}, {"phsubd", op_phsubd}, {"phsubsw", op_phsubsw},
    {"pmaddubsw", op_pmaddubsw}, {"pmulhrsw", op_pmulhrsw}, {"psignb", op_psignb}, {"psignw", op_psignw},
    {"psignd", op_psignd}, {"pabsb", op_pabsb}, {"pabsw", op_pabsw}, {"pabsd", op_pabsd}, {"mov2q/dq", op_movdq2q}, {"maskmovq", op_maskmovq},
};

static void ps_conversions(uint64_t x, float f0, float f1) {
  float out[4];
  uint64_t ints[2];
  mmx_floats(x, f0, f1, out, ints);
  printf("cvtpi2ps   %a %a %a %a\n", (double)out[0], (double)out[1], (double)out[2], (double)out[3]);
  H = fnv_bytes(H, out, sizeof out);
  show("cvtps2pi", ints[0]);
  show("cvttps2pi", ints[1]);
}

/* CVTPI2PD, CVTPD2PI (current rounding) and CVTTPD2PI. */
static void pd_conversions(uint64_t x, double d0, double d1) {
  double in[2] __attribute__((aligned(16))) = {d0, d1}, out[2];
  uint64_t rounded, truncated;
  __asm__ volatile("movq %3, %%mm0\n\tcvtpi2pd %%mm0, %%xmm0\n\tmovupd %%xmm0, %0\n\t"
                   "cvtpd2pi %4, %%mm1\n\tmovq %%mm1, %1\n\tcvttpd2pi %4, %%mm2\n\tmovq %%mm2, %2\n\temms"
                   : "=m"(out), "=r"(rounded), "=r"(truncated) : "r"(x), "m"(in) : "mm0", "mm1", "mm2", "xmm0");
  printf("cvtpi2pd   %a %a\n", out[0], out[1]);
  H = fnv_bytes(H, out, sizeof out);
  show("cvtpd2pi", rounded);
  show("cvttpd2pi", truncated);
}

/* ---- aliasing with the x87 -------------------------------------------------------------------- */

struct fx {
  uint16_t fcw, fsw;
  uint8_t ftw, pad0;
  uint16_t fop;
  uint64_t fip, fdp;
  uint32_t mxcsr, mxcsr_mask;
  uint8_t st[8][16];
  uint8_t rest[512 - 160];
} __attribute__((aligned(16)));

/* Control, status and abridged tag words and the eight registers (FOP/FIP/FDP are left out). */
static void show_fx(const char *what, const struct fx *f) {
  printf("%s: fcw=%04x fsw=%04x ftw=%02x\n", what, f->fcw, f->fsw, f->ftw);
  for (int i = 0; i < 8; i++) {
    printf("  st%d %02x%02x:", i, f->st[i][9], f->st[i][8]);
    for (int k = 7; k >= 0; k--) printf("%02x", f->st[i][k]);
    printf("\n");
    H = fnv_bytes(H, f->st[i], 10);
  }
  H = mix64(H, (uint64_t)f->fsw << 16 | f->ftw);
}

static void aliasing(void) {
  printf("-- x87 aliasing\n");
  static struct fx f;
  /* Eight zeros fill the stack (TOP back at 0); FLDPI then FLD1 sit in R7 and R6. Reading
   * mm6/mm7 gives their significands; writing mm2/mm5 gives exponent 0xffff. */
  uint64_t m6, m7;
  __asm__ volatile("fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\t"
                   "fninit\n\tfldpi\n\tfld1\n\tmovq %%mm6, %0\n\tmovq %%mm7, %1\n\t"
                   "movq %3, %%mm2\n\tpaddsw %%mm2, %%mm5\n\tfxsave64 %2\n\t"
                   : "=r"(m6), "=r"(m7), "=m"(f) : "r"(vals[4]) : "mm2", "mm5", "st", "st(1)");
  show("mm6", m6);
  show("mm7", m7);
  show_fx("after MMX", &f);
  __asm__ volatile("emms\n\tfxsave64 %0" : "=m"(f));
  show_fx("after EMMS", &f);

  /* x87 code without EMMS: every register is valid, so FLD1 overflows the stack (the masked
   * response pushes the indefinite), and ST(0) is mm0 with its exponent of ones. */
  unsigned char over[10], st0[10];
  uint16_t sw;
  __asm__ volatile("fninit\n\tmovq %3, %%mm0\n\tfstpt %1\n\tmovq %3, %%mm0\n\tfld1\n\tfnstsw %2\n\tfstpt %0\n\tfninit"
                   : "=m"(over), "=m"(st0), "=m"(sw) : "r"(vals[8]) : "mm0", "st");
  uint64_t a, b;
  memcpy(&a, st0, 8);
  memcpy(&b, over, 8);
  printf("fstp mm0   %02x%02x:%016llx\n", st0[9], st0[8], (unsigned long long)a);
  printf("fld1 no emms sw=%04x %02x%02x:%016llx\n", sw, over[9], over[8], (unsigned long long)b);
  H = fnv_bytes(fnv_bytes(H, st0, 10), over, 10);

  /* With the registers handed back, long double arithmetic is exact again. */
  volatile long double third = 1.0L / 3.0L, root = sqrtl(2.0L);
  long double v = third * 3.0L - 1.0L + root * root;
  unsigned char img[16] = {0};
  memcpy(img, &v, 10);
  memcpy(&a, img, 8);
  printf("long double %02x%02x:%016llx %.21Lg\n", img[9], img[8], (unsigned long long)a, v);
  H = fnv_bytes(H, img, 10);
}

int main(void) {
  printf("-- MMX pairs\n");
  for (int i = 0; i < NV; i++) {
    for (int j = 0; j < NV; j += 3) {
      uint64_t x = vals[i], y = vals[(i + j + 1) % NV];
      printf("a=%016llx b=%016llx\n", (unsigned long long)x, (unsigned long long)y);
      mmx_pair(x, y, (int)((y >> 3) % 70));
      for (unsigned k = 0; k < sizeof MM_OPS / sizeof MM_OPS[0]; k++) show(MM_OPS[k].name, MM_OPS[k].fn(x, y));
    }
  }
  printf("-- conversions\n");
  static const float fs[] = {2.5f, -2.5f, 3.5f, 2147483520.0f, 2147483648.0f, -2147483904.0f, 1e-9f, -0.0f};
  static const double ds[] = {-1.5, 0.5, 2147483647.4, 2147483647.6, -2147483648.9, 1e300};
  for (int i = 0; i < NV; i++) {
    ps_conversions(vals[i], fs[i % 8], fs[(i + 3) % 8]);
    pd_conversions(vals[i], ds[i % 6], ds[(i + 1) % 6]);
  }
  aliasing();
  printf("checksum %016llx\n", (unsigned long long)H);
  return 0;
}
