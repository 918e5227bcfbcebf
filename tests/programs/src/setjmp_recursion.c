/* Control flow: setjmp/longjmp out of deep call chains (glibc mangles the saved
 * pointers with a guard read through %fs, so TLS must work), deep and mutual
 * recursion that grows the stack by megabytes, a recursive-descent parser, and
 * indirect calls through function-pointer tables. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static jmp_buf env;
static int depth_reached;

__attribute__((noinline)) static void dive(int n, int limit) {
  volatile char pad[64];
  pad[n % 64] = (char)n;
  depth_reached = n;
  if (n == limit) longjmp(env, n + pad[n % 64] * 0 + 1);
  dive(n + 1, limit);
  pad[0]++; /* not reached: keeps the frame from being a tail call */
}

static void jumps(void) {
  printf("-- setjmp/longjmp\n");
  static const int limits[] = {0, 1, 10, 1000, 20000};
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
    volatile int local = 100;
    int r = setjmp(env);
    if (r == 0) {
      local = 200;
      dive(0, limits[i]);
      printf("not reached\n");
    } else {
      printf("longjmp from depth %d returned %d, local=%d\n", depth_reached, r, local);
    }
  }
  /* longjmp(env, 0) must make setjmp return 1. */
  int r = setjmp(env);
  if (r == 0) longjmp(env, 0);
  printf("longjmp(0) -> %d\n", r);
  sigjmp_buf senv;
  r = sigsetjmp(senv, 0);
  if (r < 3) siglongjmp(senv, r + 1);
  printf("sigsetjmp loop ended at %d\n", r);
}

/* Deep plain recursion: ~200k frames of about 48 bytes (several MiB of stack). */
__attribute__((noinline)) static uint64_t sum_to(uint64_t n) {
  if (n == 0) return 0;
  return n + OPAQUE(sum_to(n - 1)) * 1;
}

static int is_even(unsigned n);
__attribute__((noinline)) static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
__attribute__((noinline)) static int is_even(unsigned n) { return n == 0 ? 1 : OPAQUE(is_odd(n - 1)); }

static uint64_t ackermann(uint64_t m, uint64_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static void recursion(void) {
  printf("-- recursion\n");
  printf("sum_to(200000)=%llu\n", (unsigned long long)sum_to(200000));
  printf("is_even(100001)=%d is_odd(77777)=%d\n", is_even(100001), is_odd(77777));
  printf("ackermann(2,300)=%llu ackermann(3,6)=%llu\n", (unsigned long long)ackermann(2, 300),
         (unsigned long long)ackermann(3, 6));
}

/* Recursive-descent evaluator for + - * / % ( ) and unary minus. */
static const char *P;
static jmp_buf parse_error;
static long expr(void);
static void skip(void) {
  while (*P == ' ') P++;
}
static long primary(void) {
  skip();
  if (*P == '(') {
    P++;
    long v = expr();
    skip();
    if (*P++ != ')') longjmp(parse_error, 1);
    return v;
  }
  if (*P == '-') {
    P++;
    return -primary();
  }
  if (*P < '0' || *P > '9') longjmp(parse_error, 2);
  long v = 0;
  while (*P >= '0' && *P <= '9') v = v * 10 + (*P++ - '0');
  return v;
}
static long term(void) {
  long v = primary();
  for (;;) {
    skip();
    char op = *P;
    if (op != '*' && op != '/' && op != '%') return v;
    P++;
    long r = primary();
    if ((op == '/' || op == '%') && r == 0) longjmp(parse_error, 3);
    v = op == '*' ? v * r : op == '/' ? v / r : v % r;
  }
}
static long expr(void) {
  long v = term();
  for (;;) {
    skip();
    char op = *P;
    if (op != '+' && op != '-') return v;
    P++;
    long r = term();
    v = op == '+' ? v + r : v - r;
  }
}

static void parser(void) {
  printf("-- parser\n");
  static const char *inputs[] = {"1+2*3", "(1+2)*3", "-(4-10)*-(2)", "100/7%4", "2*(3+(4*(5+(6*(7+8)))))",
                                 "1/0", "(1+2", "7 * x", "((((((((((42))))))))))"};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    P = inputs[i];
    int err = setjmp(parse_error);
    if (err == 0) {
      long v = expr();
      printf("%s = %ld\n", inputs[i], v);
    } else {
      printf("%s -> error %d at offset %td\n", inputs[i], err, P - inputs[i]);
    }
  }
  /* A deeply nested expression: 3000 levels of parentheses. */
  static char deep[3000 * 4 + 16];
  char *w = deep;
  for (int i = 0; i < 3000; i++) *w++ = '(';
  *w++ = '1';
  for (int i = 0; i < 3000; i++) {
    memcpy(w, "+1)", 3);
    w += 3;
  }
  *w = 0;
  P = deep;
  if (setjmp(parse_error) == 0) printf("deep = %ld\n", expr());
}

typedef uint64_t (*op_fn)(uint64_t, uint64_t);
static uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ b; }
static uint64_t op_mul(uint64_t a, uint64_t b) { return a * (b | 1); }
static uint64_t op_rot(uint64_t a, uint64_t b) { return (a << (b & 63)) | (a >> ((64 - (b & 63)) & 63)); }
static uint64_t op_sub(uint64_t a, uint64_t b) { return a - b; }

static void indirect(void) {
  printf("-- indirect calls\n");
  static op_fn const ops[] = {op_add, op_xor, op_mul, op_rot, op_sub};
  rng_seed(2024);
  uint64_t acc = 1;
  int counts[5] = {0};
  for (int i = 0; i < 200000; i++) {
    unsigned k = rng_below(5);
    counts[k]++;
    acc = ops[k](acc, rng_next());
  }
  printf("counts %d %d %d %d %d acc %016llx\n", counts[0], counts[1], counts[2], counts[3], counts[4],
         (unsigned long long)acc);
}

int main(void) {
  jumps();
  recursion();
  parser();
  indirect();
  return 0;
}
