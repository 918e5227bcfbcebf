/*
 * Host reference for the x87 differential tests: runs one real x87 instruction
 * per record on the host CPU and reports the complete FPU state afterwards.
 *
 * Protocol (binary, little endian, records back to back):
 *   stdin  record (80 bytes)
 *     0  u16 op        index into OPS below (`x87ref --list` prints "index name")
 *     2  u16 cw        control word loaded before the operands are pushed
 *     4  u16 sw        C0..C3 and exception bits to preset (via fnstenv/fldenv)
 *     6  u8  depth     values pushed before the op: st[2], st[1], st[0] on top,
 *                      with 1.0 fillers below them when depth > 3
 *     7  u8  flags     EFLAGS.CF/PF/ZF image for FCMOVcc (bit 0 CF, 2 PF, 6 ZF)
 *     8  8 bytes       unused
 *    16  16 bytes mem  the memory operand (m16/m32/m64/m80/BCD, low bytes first)
 *    32  3 x 16 bytes  st[0], st[1], st[2] as 10-byte 80-bit values
 *   stdout record (144 bytes; with --fxsave, the 512-byte FXSAVE64 image instead,
 *   XMM registers zeroed)
 *     0  16 bytes mem  the memory operand after the op (stores write here)
 *    16  u32 eflags    after the op (FCOMI family), masked to CF PF AF ZF SF OF
 *    20  u16 ax        AX after FNSTSW AX
 *    22  u16 pad
 *    24  108 bytes     FNSAVE image taken right after the op
 *   132  12 bytes pad
 *
 * Every physical register is zeroed first, so empty registers compare too.
 * FNSAVE and PUSHF do not wait, so an unmasked exception pending after the op
 * is recorded rather than delivered.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  uint16_t op, cw, sw;
  uint8_t depth, flags;
  uint8_t unused[8];
  uint8_t mem[16];
  uint8_t st[3][16];
} In;

typedef struct {
  uint8_t mem[16];
  uint32_t eflags;
  uint16_t ax, pad;
  uint8_t save[108];
  uint8_t pad2[12];
} Out;

_Static_assert(sizeof(In) == 80, "input record");
_Static_assert(sizeof(Out) == 144, "output record");

/* One instruction per op; M is the memory operand, E the EFLAGS result. */
#define BYTES(b) asm volatile(".byte " b ::: "memory")
#define MEMOP(insn) asm volatile(insn " %0" : "+m"(*(uint8_t(*)[16])mem)::"memory")

#define OPS(X)                                                        \
  X(FLD_M32, MEMOP("flds"))                                           \
  X(FLD_M64, MEMOP("fldl"))                                           \
  X(FLD_M80, MEMOP("fldt"))                                           \
  X(FILD_M16, MEMOP("filds"))                                         \
  X(FILD_M32, MEMOP("fildl"))                                         \
  X(FILD_M64, MEMOP("fildll"))                                        \
  X(FBLD, MEMOP("fbld"))                                              \
  X(FLD_ST1, BYTES("0xd9,0xc1"))                                      \
  X(FLD_ST0, BYTES("0xd9,0xc0"))                                      \
  X(FLD1, BYTES("0xd9,0xe8"))                                         \
  X(FLDL2T, BYTES("0xd9,0xe9"))                                       \
  X(FLDL2E, BYTES("0xd9,0xea"))                                       \
  X(FLDPI, BYTES("0xd9,0xeb"))                                        \
  X(FLDLG2, BYTES("0xd9,0xec"))                                       \
  X(FLDLN2, BYTES("0xd9,0xed"))                                       \
  X(FLDZ, BYTES("0xd9,0xee"))                                         \
  X(FST_M32, MEMOP("fsts"))                                           \
  X(FSTP_M32, MEMOP("fstps"))                                         \
  X(FST_M64, MEMOP("fstl"))                                           \
  X(FSTP_M64, MEMOP("fstpl"))                                         \
  X(FSTP_M80, MEMOP("fstpt"))                                         \
  X(FIST_M16, MEMOP("fists"))                                         \
  X(FISTP_M16, MEMOP("fistps"))                                       \
  X(FIST_M32, MEMOP("fistl"))                                         \
  X(FISTP_M32, MEMOP("fistpl"))                                       \
  X(FISTP_M64, MEMOP("fistpll"))                                      \
  X(FISTTP_M16, MEMOP("fisttps"))                                     \
  X(FISTTP_M32, MEMOP("fisttpl"))                                     \
  X(FISTTP_M64, MEMOP("fisttpll"))                                    \
  X(FBSTP, MEMOP("fbstp"))                                            \
  X(FST_ST2, BYTES("0xdd,0xd2"))                                      \
  X(FSTP_ST2, BYTES("0xdd,0xda"))                                     \
  X(FSTP_ST0, BYTES("0xdd,0xd8"))                                     \
  X(FADD_M32, MEMOP("fadds"))                                         \
  X(FMUL_M32, MEMOP("fmuls"))                                         \
  X(FCOM_M32, MEMOP("fcoms"))                                         \
  X(FCOMP_M32, MEMOP("fcomps"))                                       \
  X(FSUB_M32, MEMOP("fsubs"))                                         \
  X(FSUBR_M32, MEMOP("fsubrs"))                                       \
  X(FDIV_M32, MEMOP("fdivs"))                                         \
  X(FDIVR_M32, MEMOP("fdivrs"))                                       \
  X(FADD_M64, MEMOP("faddl"))                                         \
  X(FMUL_M64, MEMOP("fmull"))                                         \
  X(FCOM_M64, MEMOP("fcoml"))                                         \
  X(FCOMP_M64, MEMOP("fcompl"))                                       \
  X(FSUB_M64, MEMOP("fsubl"))                                         \
  X(FSUBR_M64, MEMOP("fsubrl"))                                       \
  X(FDIV_M64, MEMOP("fdivl"))                                         \
  X(FDIVR_M64, MEMOP("fdivrl"))                                       \
  X(FIADD_M16, MEMOP("fiadds"))                                       \
  X(FIMUL_M16, MEMOP("fimuls"))                                       \
  X(FICOM_M16, MEMOP("ficoms"))                                       \
  X(FICOMP_M16, MEMOP("ficomps"))                                     \
  X(FISUB_M16, MEMOP("fisubs"))                                       \
  X(FISUBR_M16, MEMOP("fisubrs"))                                     \
  X(FIDIV_M16, MEMOP("fidivs"))                                       \
  X(FIDIVR_M16, MEMOP("fidivrs"))                                     \
  X(FIADD_M32, MEMOP("fiaddl"))                                       \
  X(FIMUL_M32, MEMOP("fimull"))                                       \
  X(FICOM_M32, MEMOP("ficoml"))                                       \
  X(FICOMP_M32, MEMOP("ficompl"))                                     \
  X(FISUB_M32, MEMOP("fisubl"))                                       \
  X(FISUBR_M32, MEMOP("fisubrl"))                                     \
  X(FIDIV_M32, MEMOP("fidivl"))                                       \
  X(FIDIVR_M32, MEMOP("fidivrl"))                                     \
  /* D8 C0+i .. F8+i: ST(0) = ST(0) op ST(1) */                       \
  X(FADD_ST0_ST1, BYTES("0xd8,0xc1"))                                 \
  X(FMUL_ST0_ST1, BYTES("0xd8,0xc9"))                                 \
  X(FCOM_ST1, BYTES("0xd8,0xd1"))                                     \
  X(FCOMP_ST1, BYTES("0xd8,0xd9"))                                    \
  X(FSUB_ST0_ST1, BYTES("0xd8,0xe1"))                                 \
  X(FSUBR_ST0_ST1, BYTES("0xd8,0xe9"))                                \
  X(FDIV_ST0_ST1, BYTES("0xd8,0xf1"))                                 \
  X(FDIVR_ST0_ST1, BYTES("0xd8,0xf9"))                                \
  X(FADD_ST0_ST0, BYTES("0xd8,0xc0"))                                 \
  X(FSUB_ST0_ST2, BYTES("0xd8,0xe2"))                                 \
  /* DC C0+i .. F8+i: ST(i) = ST(i) op ST(0) (E0 is FSUBR, E8 FSUB) */ \
  X(FADD_ST1_ST0, BYTES("0xdc,0xc1"))                                 \
  X(FMUL_ST1_ST0, BYTES("0xdc,0xc9"))                                 \
  X(FSUBR_ST1_ST0, BYTES("0xdc,0xe1"))                                \
  X(FSUB_ST1_ST0, BYTES("0xdc,0xe9"))                                 \
  X(FDIVR_ST1_ST0, BYTES("0xdc,0xf1"))                                \
  X(FDIV_ST1_ST0, BYTES("0xdc,0xf9"))                                 \
  X(FCOM2_ST1, BYTES("0xdc,0xd1"))                                    \
  X(FCOMP3_ST1, BYTES("0xdc,0xd9"))                                   \
  /* DE: the same with a pop */                                       \
  X(FADDP_ST1, BYTES("0xde,0xc1"))                                    \
  X(FMULP_ST1, BYTES("0xde,0xc9"))                                    \
  X(FSUBRP_ST1, BYTES("0xde,0xe1"))                                   \
  X(FSUBP_ST1, BYTES("0xde,0xe9"))                                    \
  X(FDIVRP_ST1, BYTES("0xde,0xf1"))                                   \
  X(FDIVP_ST1, BYTES("0xde,0xf9"))                                    \
  X(FADDP_ST2, BYTES("0xde,0xc2"))                                    \
  X(FCOMP5_ST1, BYTES("0xde,0xd1"))                                   \
  X(FCOMPP, BYTES("0xde,0xd9"))                                       \
  X(FUCOM_ST1, BYTES("0xdd,0xe1"))                                    \
  X(FUCOMP_ST1, BYTES("0xdd,0xe9"))                                   \
  X(FUCOMPP, BYTES("0xda,0xe9"))                                      \
  X(FCOMI_ST1, asm volatile(".byte 0xdb,0xf1\n pushfq\n pop %%rax\n mov %%eax,%0" : "=m"(*eflags)::"rax", "memory")) \
  X(FCOMIP_ST1, asm volatile(".byte 0xdf,0xf1\n pushfq\n pop %%rax\n mov %%eax,%0" : "=m"(*eflags)::"rax", "memory")) \
  X(FUCOMI_ST1, asm volatile(".byte 0xdb,0xe9\n pushfq\n pop %%rax\n mov %%eax,%0" : "=m"(*eflags)::"rax", "memory")) \
  X(FUCOMIP_ST1, asm volatile(".byte 0xdf,0xe9\n pushfq\n pop %%rax\n mov %%eax,%0" : "=m"(*eflags)::"rax", "memory")) \
  X(FXCH_ST1, BYTES("0xd9,0xc9"))                                     \
  X(FXCH_ST3, BYTES("0xd9,0xcb"))                                     \
  X(FCHS, BYTES("0xd9,0xe0"))                                         \
  X(FABS, BYTES("0xd9,0xe1"))                                         \
  X(FTST, BYTES("0xd9,0xe4"))                                         \
  X(FXAM, BYTES("0xd9,0xe5"))                                         \
  X(F2XM1, BYTES("0xd9,0xf0"))                                        \
  X(FYL2X, BYTES("0xd9,0xf1"))                                        \
  X(FPTAN, BYTES("0xd9,0xf2"))                                        \
  X(FPATAN, BYTES("0xd9,0xf3"))                                       \
  X(FXTRACT, BYTES("0xd9,0xf4"))                                      \
  X(FPREM1, BYTES("0xd9,0xf5"))                                       \
  X(FDECSTP, BYTES("0xd9,0xf6"))                                      \
  X(FINCSTP, BYTES("0xd9,0xf7"))                                      \
  X(FPREM, BYTES("0xd9,0xf8"))                                        \
  X(FYL2XP1, BYTES("0xd9,0xf9"))                                      \
  X(FSQRT, BYTES("0xd9,0xfa"))                                        \
  X(FSINCOS, BYTES("0xd9,0xfb"))                                      \
  X(FRNDINT, BYTES("0xd9,0xfc"))                                      \
  X(FSCALE, BYTES("0xd9,0xfd"))                                       \
  X(FSIN, BYTES("0xd9,0xfe"))                                         \
  X(FCOS, BYTES("0xd9,0xff"))                                         \
  X(FNOP, BYTES("0xd9,0xd0"))                                         \
  X(FFREE_ST1, BYTES("0xdd,0xc1"))                                    \
  X(FFREEP_ST1, BYTES("0xdf,0xc1"))                                   \
  X(FNCLEX, BYTES("0xdb,0xe2"))                                       \
  X(FNINIT, BYTES("0xdb,0xe3"))                                       \
  X(FLDCW, MEMOP("fldcw"))                                            \
  X(FNSTCW, MEMOP("fnstcw"))                                          \
  X(FNSTSW_M16, MEMOP("fnstsw"))                                      \
  X(FNSTSW_AX, asm volatile("fnstsw %%ax\n mov %%ax,%0" : "=m"(*ax)::"rax", "memory")) \
  X(FNSTENV, STORE_ENV())                                             \
  X(FLDENV, LOAD_ENV())                                               \
  X(FRSTOR, LOAD_SAVE())                                              \
  X(FXRSTOR64, LOAD_FXSAVE())                                         \
  X(FCMOVB_ST1, FLAGS_THEN(".byte 0xda,0xc1"))                        \
  X(FCMOVE_ST1, FLAGS_THEN(".byte 0xda,0xc9"))                        \
  X(FCMOVBE_ST1, FLAGS_THEN(".byte 0xda,0xd1"))                       \
  X(FCMOVU_ST1, FLAGS_THEN(".byte 0xda,0xd9"))                        \
  X(FCMOVNB_ST1, FLAGS_THEN(".byte 0xdb,0xc1"))                       \
  X(FCMOVNE_ST1, FLAGS_THEN(".byte 0xdb,0xc9"))                       \
  X(FCMOVNBE_ST1, FLAGS_THEN(".byte 0xdb,0xd1"))                      \
  X(FCMOVNU_ST1, FLAGS_THEN(".byte 0xdb,0xd9"))

/*
 * The state loads take the current state's image and patch it from the memory
 * operand: bytes 0-1 control word, 2-3 status word, 4-5 tag word (FXRSTOR:
 * byte 4 is the abridged tag), 6-15 the 10-byte ST(0). FNSTENV keeps the first
 * 12 bytes of its image (control, status and tag words with their padding).
 */
#define STORE_ENV()                                                 \
  do {                                                              \
    uint8_t img[28];                                                \
    asm volatile("fnstenv %0" : "=m"(img)::"memory");               \
    memcpy(mem, img, 12);                                           \
  } while (0)
#define LOAD_ENV()                                                  \
  do {                                                              \
    uint8_t img[28];                                                \
    asm volatile("fnstenv %0" : "=m"(img)::"memory");               \
    memcpy(img, mem, 2);                                            \
    memcpy(img + 4, mem + 2, 2);                                    \
    memcpy(img + 8, mem + 4, 2);                                    \
    asm volatile("fldenv %0" ::"m"(img) : "memory");                \
  } while (0)
#define LOAD_SAVE()                                                 \
  do {                                                              \
    uint8_t img[108];                                               \
    asm volatile("fnsave %0" : "=m"(img)::"memory");                \
    memcpy(img, mem, 2);                                            \
    memcpy(img + 4, mem + 2, 2);                                    \
    memcpy(img + 8, mem + 4, 2);                                    \
    memcpy(img + 28, mem + 6, 10);                                  \
    asm volatile("frstor %0" ::"m"(img) : "memory");                \
  } while (0)
#define LOAD_FXSAVE()                                               \
  do {                                                              \
    static uint8_t img[512] __attribute__((aligned(16)));           \
    asm volatile("fxsave64 %0" : "=m"(img)::"memory");              \
    memcpy(img, mem, 4);                                            \
    img[4] = mem[4];                                                \
    memcpy(img + 32, mem + 6, 10);                                  \
    asm volatile("fxrstor64 %0" ::"m"(img) : "memory");             \
  } while (0)

/* EFLAGS comes from the record; everything else in RFLAGS stays as it is. */
#define FLAGS_THEN(insn)                                                             \
  asm volatile("pushfq\n andq $~0x45,(%%rsp)\n or %0,(%%rsp)\n popfq\n" insn ::"r"(fl) \
               : "memory", "cc")

enum {
#define ENUM(name, body) OP_##name,
  OPS(ENUM)
#undef ENUM
  OP_COUNT
};

static const char *const names[] = {
#define NAME(name, body) #name,
    OPS(NAME)
#undef NAME
};

static const uint8_t filler[16] = {0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f}; /* 1.0 */

static void run(const In *in, Out *out, uint8_t *fx) {
  uint8_t mem[16];
  uint32_t eflags_v = 0;
  uint32_t *eflags = &eflags_v;
  uint16_t ax_v = 0;
  uint16_t *ax = &ax_v;
  uint64_t fl = in->flags & 0x45;
  uint8_t env[28];
  memcpy(mem, in->mem, 16);
  /* Zero every physical register, then start from a clean state. */
  asm volatile("fninit\n fldz\n fldz\n fldz\n fldz\n fldz\n fldz\n fldz\n fldz\n fninit" ::: "memory");
  asm volatile("fldcw %0" ::"m"(in->cw) : "memory");
  for (int k = in->depth; k > 0; k--) {
    const uint8_t *v = k > 3 ? filler : in->st[k - 1];
    asm volatile("fldt %0" ::"m"(*(const uint8_t(*)[10])v) : "memory");
  }
  /* Preset the status word's flags and condition codes (TOP is kept). */
  asm volatile("fnstenv %0" : "=m"(env)::"memory");
  uint16_t sw = (uint16_t)(env[4] | env[5] << 8);
  sw = (uint16_t)((sw & 0x3800) | (in->sw & 0x477f));
  env[4] = (uint8_t)sw;
  env[5] = (uint8_t)(sw >> 8);
  env[0] = (uint8_t)in->cw; /* fnstenv masked all exceptions; restore the control word */
  env[1] = (uint8_t)(in->cw >> 8);
  asm volatile("fldenv %0" ::"m"(env) : "memory");

  switch (in->op) {
#define CASE(name, body) \
  case OP_##name:        \
    body;                \
    break;
    OPS(CASE)
#undef CASE
  }

  if (fx != NULL) {
    asm volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])fx)::"memory");
    memset(fx + 160, 0, 256); /* XMM registers: the host's, not part of the test */
  }
  asm volatile("fnsave %0" : "=m"(out->save)::"memory");
  asm volatile("fninit" ::: "memory");
  memcpy(out->mem, mem, 16);
  out->eflags = eflags_v & 0x8d5;
  out->ax = ax_v;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--list") == 0) {
    for (int i = 0; i < OP_COUNT; i++) printf("%d %s\n", i, names[i]);
    return 0;
  }
  /* --fxsave: output the 512-byte FXSAVE64 image taken after each op instead. */
  int fxsave = argc > 1 && strcmp(argv[1], "--fxsave") == 0;
  static In in[4096];
  static Out out[4096];
  static uint8_t fx[4096][512] __attribute__((aligned(16)));
  size_t n;
  while ((n = fread(in, sizeof(In), 4096, stdin)) > 0) {
    for (size_t i = 0; i < n; i++) {
      memset(&out[i], 0, sizeof(Out));
      memset(fx[i], 0xaa, 512);
      if (in[i].op >= OP_COUNT || in[i].depth > 8) {
        fprintf(stderr, "x87ref: bad record (op %u, depth %u)\n", in[i].op, in[i].depth);
        return 2;
      }
      run(&in[i], &out[i], fxsave ? fx[i] : NULL);
    }
    if (fxsave ? fwrite(fx, 512, n, stdout) != n : fwrite(out, sizeof(Out), n, stdout) != n) return 3;
  }
  return 0;
}
