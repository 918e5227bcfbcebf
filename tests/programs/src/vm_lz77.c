/* A mixed workload: a small stack-based bytecode VM (switch dispatch through a jump
 * table, a call stack, memory loads/stores) running a few programs, and an LZ77
 * compressor/decompressor with a hash chain, round-tripped over generated text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, LT, EQ, JMP, JZ, CALL, RET, DUP, DROP, SWAP, PRINT, HALT, LOADI, STOREI };

struct vm {
  int64_t stack[256];
  int sp;
  int calls[64];
  int csp;
  int64_t mem[4096];
  uint64_t steps;
  uint64_t out_hash;
  int printed;
};

static int64_t run(struct vm *m, const int64_t *code) {
  int pc = 0;
  for (;;) {
    m->steps++;
    int64_t a, b;
    switch ((enum op)code[pc++]) {
    case PUSH: m->stack[m->sp++] = code[pc++]; break;
    case LOAD: m->stack[m->sp++] = m->mem[code[pc++]]; break;
    case STORE: m->mem[code[pc++]] = m->stack[--m->sp]; break;
    case LOADI: a = m->stack[--m->sp]; m->stack[m->sp++] = m->mem[a & 4095]; break;
    case STOREI: a = m->stack[--m->sp]; b = m->stack[--m->sp]; m->mem[a & 4095] = b; break;
    case ADD: b = m->stack[--m->sp]; m->stack[m->sp - 1] += b; break;
    case SUB: b = m->stack[--m->sp]; m->stack[m->sp - 1] -= b; break;
    case MUL: b = m->stack[--m->sp]; m->stack[m->sp - 1] *= b; break;
    case DIV: b = m->stack[--m->sp]; m->stack[m->sp - 1] /= b; break;
    case MOD: b = m->stack[--m->sp]; m->stack[m->sp - 1] %= b; break;
    case LT: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] < b; break;
    case EQ: b = m->stack[--m->sp]; m->stack[m->sp - 1] = m->stack[m->sp - 1] == b; break;
    case JMP: pc = (int)code[pc]; break;
    case JZ: a = m->stack[--m->sp]; pc = a ? pc + 1 : (int)code[pc]; break;
    case CALL: m->calls[m->csp++] = pc + 1; pc = (int)code[pc]; break;
    case RET: pc = m->calls[--m->csp]; break;
    case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
    case DROP: m->sp--; break;
    case SWAP: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; break;
    case PRINT:
      a = m->stack[--m->sp];
      m->out_hash = mix64(m->out_hash, (uint64_t)a);
      if (m->printed++ < 12) printf(" %lld", (long long)a);
      break;
    case HALT: return m->sp ? m->stack[m->sp - 1] : 0;
    default: printf("bad opcode\n"); return -1;
    }
  }
}

/* Sieve of Eratosthenes below 4000 in VM memory (mem[i] != 0: composite); prints
 * the primes and leaves their count. The numbers on the left are code offsets. */
static const int64_t sieve[] = {
    PUSH, 0, STORE, 0,                        /* 0: count = 0 */
    PUSH, 2, STORE, 1,                        /* 4: i = 2 */
    LOAD, 1, PUSH, 4000, LT, JZ, 68,          /* 8: while i < 4000 */
    LOAD, 1, LOADI, JZ, 22,                   /* 15: mem[i] == 0 -> prime */
    JMP, 59,                                  /* 20: composite -> next */
    LOAD, 0, PUSH, 1, ADD, STORE, 0,          /* 22: count++ */
    LOAD, 1, PRINT,                           /* 29 */
    LOAD, 1, DUP, ADD, STORE, 2,              /* 32: j = 2i */
    LOAD, 2, PUSH, 4000, LT, JZ, 59,          /* 38: while j < 4000 */
    PUSH, 1, LOAD, 2, STOREI,                 /* 45: mem[j] = 1 */
    LOAD, 2, LOAD, 1, ADD, STORE, 2, JMP, 38, /* 50: j += i */
    LOAD, 1, PUSH, 1, ADD, STORE, 1, JMP, 8,  /* 59: i++ */
    LOAD, 0, HALT,                            /* 68 */
};

/* Recursive fibonacci through CALL/RET: fib(n) with n on the stack. */
static const int64_t fib[] = {
    PUSH, 22, CALL, 5, HALT,         /* 0 */
    DUP, PUSH, 2, LT, JZ, 12, RET,   /* 5: if n < 2 return n */
    DUP, PUSH, 1, SUB, CALL, 5,      /* 12: fib(n-1) */
    SWAP, PUSH, 2, SUB, CALL, 5,     /* 18: fib(n-2) */
    ADD, RET,                        /* 24 */
};

static void vm_tests(void) {
  printf("-- vm\n");
  static struct vm m;
  memset(&m, 0, sizeof m);
  m.out_hash = FNV_INIT;
  printf("primes:");
  int64_t count = run(&m, sieve);
  printf(" ... count=%lld steps=%llu hash=%016llx\n", (long long)count, (unsigned long long)m.steps,
         (unsigned long long)m.out_hash);
  memset(&m, 0, sizeof m);
  int64_t f = run(&m, fib);
  printf("fib(22)=%lld steps=%llu\n", (long long)f, (unsigned long long)m.steps);
}

/* LZ77: literals and (distance, length) matches, 4-byte hash chain over a 32K window. */
#define WIN 32768
#define MINM 4
#define MAXM 258
#define HBITS 14
static int32_t head[1 << HBITS], prevpos[WIN];

static uint32_t h4(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return (v * 2654435761u) >> (32 - HBITS);
}

/* Token stream: flag byte per 8 tokens; literal = 1 byte; match = 2-byte distance + 1-byte (len-MINM). */
static size_t compress(const unsigned char *in, size_t n, unsigned char *out) {
  for (int i = 0; i < (1 << HBITS); i++) head[i] = -1;
  size_t o = 0, i = 0;
  while (i < n) {
    size_t flagpos = o++;
    unsigned char flags = 0;
    for (int t = 0; t < 8 && i < n; t++) {
      size_t best = 0, bestd = 0;
      if (i + MINM <= n) {
        uint32_t hv = h4(in + i);
        int32_t cand = head[hv];
        int chain = 0;
        while (cand >= 0 && i - (size_t)cand <= 65535 && i - (size_t)cand < WIN && chain++ < 16) {
          size_t l = 0, lim = n - i < MAXM ? n - i : MAXM;
          while (l < lim && in[cand + l] == in[i + l]) l++;
          if (l > best) {
            best = l;
            bestd = i - (size_t)cand;
          }
          cand = prevpos[cand % WIN];
        }
        prevpos[i % WIN] = head[hv];
        head[hv] = (int32_t)i;
      }
      if (best >= MINM) {
        flags |= (unsigned char)(1 << t);
        out[o++] = (unsigned char)bestd;
        out[o++] = (unsigned char)(bestd >> 8);
        out[o++] = (unsigned char)(best - MINM);
        for (size_t k = 1; k < best; k++)
          if (i + k + MINM <= n) {
            uint32_t hv = h4(in + i + k);
            prevpos[(i + k) % WIN] = head[hv];
            head[hv] = (int32_t)(i + k);
          }
        i += best;
      } else {
        out[o++] = in[i++];
      }
    }
    out[flagpos] = flags;
  }
  return o;
}

static size_t decompress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    unsigned char flags = in[i++];
    for (int t = 0; t < 8 && i < n; t++) {
      if (flags & (1 << t)) {
        size_t d = in[i] | (size_t)in[i + 1] << 8, l = (size_t)in[i + 2] + MINM;
        i += 3;
        for (size_t k = 0; k < l; k++, o++) out[o] = out[o - d]; /* overlapping copy on purpose */
      } else {
        out[o++] = in[i++];
      }
    }
  }
  return o;
}

static void lz_tests(void) {
  printf("-- lz77\n");
  static const char *words[] = {"the", "machine", "emulated", "kernel", "page", "table", "syscall", "trap",
                                "register", "memory", "of", "and", "a", "x86", "instruction", "\n"};
  enum { N = 60000 };
  static unsigned char text[N], packed[N + N / 8 + 16], unpacked[N];
  rng_seed(1977);
  size_t n = 0;
  while (n < N - 16) {
    const char *w = words[rng_below(16)];
    size_t l = strlen(w);
    memcpy(text + n, w, l);
    n += l;
    text[n++] = rng_below(10) ? ' ' : ',';
  }
  static const size_t sizes[] = {0, 1, 5, 100, 4096, 40000};
  for (int k = 0; k < 7; k++) {
    size_t len = k < 6 ? sizes[k] : n;
    size_t c = compress(text, len, packed);
    size_t d = decompress(packed, c, unpacked);
    printf("len=%zu packed=%zu unpacked=%zu equal=%d packed-hash=%016llx\n", len, c, d,
           d == len && memcmp(text, unpacked, len) == 0, (unsigned long long)fnv_bytes(FNV_INIT, packed, c));
  }
  /* Highly repetitive input exercises long overlapping matches. */
  memset(text, 'a', 50000);
  size_t c = compress(text, 50000, packed);
  size_t d = decompress(packed, c, unpacked);
  printf("run of a: packed=%zu equal=%d\n", c, d == 50000 && memcmp(text, unpacked, d) == 0);
}

int main(void) {
  vm_tests();
  lz_tests();
  return 0;
}
