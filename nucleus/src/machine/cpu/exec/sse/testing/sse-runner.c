/*
 * Runs one register-only SSE instruction per record natively, for the SSE
 * oracle tests (many FP cases per second, with every MXCSR setting).
 *
 * stdin: records of
 *   u8 code length (<= 15), 15 code bytes (the instruction; a `ret` follows it)
 *   u32 mxcsr, 3 x 16 bytes xmm0..xmm2, u64 rax, u64 rcx, u64 rdx
 * stdout: per record
 *   u32 vector (0 = completed, 19 = #XM), u32 mxcsr (at the trap for #XM),
 *   3 x 16 bytes xmm0..xmm2, u64 rax, u64 rcx, u64 rdx, u64 rflags
 * The instruction may only use xmm0-xmm2, rax, rcx and rdx. A SIMD exception
 * arrives as SIGFPE; its ucontext holds MXCSR as the faulting instruction left it.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

struct state {
  uint32_t mxcsr, pad;
  uint8_t xmm[3][16];
  uint64_t rax, rcx, rdx, rflags;
};

static struct state st;
static sigjmp_buf env;
static volatile uint32_t trap_mxcsr;

static void on_fpe(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)si;
  ucontext_t *uc = ctx;
  trap_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
  uc->uc_mcontext.fpregs->mxcsr = 0x1f80;
  siglongjmp(env, 1);
}

/* Loads the state, calls the code, stores the state (rdi = &st, rsi = code). */
static void run(uint8_t *code) {
  __asm__ volatile(
      "ldmxcsr 0(%0)\n"
      "movdqu 8(%0), %%xmm0\n"
      "movdqu 24(%0), %%xmm1\n"
      "movdqu 40(%0), %%xmm2\n"
      "mov 56(%0), %%rax\n"
      "mov 64(%0), %%rcx\n"
      "mov 72(%0), %%rdx\n"
      "push %0\n"
      "call *%1\n"
      "pop %0\n"
      "pushfq\n"
      "pop 80(%0)\n"
      "stmxcsr 0(%0)\n"
      "movdqu %%xmm0, 8(%0)\n"
      "movdqu %%xmm1, 24(%0)\n"
      "movdqu %%xmm2, 40(%0)\n"
      "mov %%rax, 56(%0)\n"
      "mov %%rcx, 64(%0)\n"
      "mov %%rdx, 72(%0)\n"
      "ldmxcsr default_mxcsr(%%rip)\n"
      :
      : "r"(&st), "r"(code)
      : "rax", "rcx", "rdx", "xmm0", "xmm1", "xmm2", "memory", "cc");
}

__asm__(".section .rodata\ndefault_mxcsr: .long 0x1f80\n.text\n");

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fpe;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGFPE, &sa, NULL);
  uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return 2;
  static uint8_t in[1 + 15 + 4 + 48 + 24];
  static uint8_t out[4 + 4 + 48 + 32];
  while (fread(in, sizeof in, 1, stdin) == 1) {
    memset(code, 0xcc, 64);
    memcpy(code, in + 1, in[0]);
    code[in[0]] = 0xc3;
    memcpy(&st.mxcsr, in + 16, 4);
    memcpy(st.xmm, in + 20, 48);
    memcpy(&st.rax, in + 68, 24);
    uint32_t vector = 0;
    if (sigsetjmp(env, 1) == 0) {
      run(code);
    } else {
      vector = 19;
      st.mxcsr = trap_mxcsr;
    }
    memcpy(out, &vector, 4);
    memcpy(out + 4, &st.mxcsr, 4);
    memcpy(out + 8, st.xmm, 48);
    memcpy(out + 56, &st.rax, 32);
    if (fwrite(out, sizeof out, 1, stdout) != 1) return 3;
  }
  return 0;
}
