/*
 * Runs x86-64 instruction sequences natively, for the CPU's differential tests.
 *
 * stdin: records of
 *   u32 code length, code bytes (placed at CODE_BASE, followed by a jump back here)
 *   16 x u64 initial rax..r15, u64 initial rflags
 *   u32 data length, data bytes (placed at DATA_BASE, the rest of the area zeroed)
 * stdout: per record
 *   16 x u64 final registers, u64 rflags, u64 rip, u32 signal (0 = ran to the end),
 *   u64 trapno, u64 error code, u64 cr2, then the data area (data length bytes).
 * A fault is caught with a signal handler; its ucontext gives the registers at
 * the faulting instruction.
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
#include <unistd.h>

#define CODE_BASE 0x60000000UL
#define CODE_SIZE 0x10000UL
#define DATA_BASE 0x70000000UL
#define DATA_SIZE 0x4000UL

uint64_t g_in[18];   /* regs[16], rflags, code entry */
uint64_t g_out[18];  /* regs[16], rflags */
uint64_t g_host_rsp;
static sigjmp_buf g_env;
static volatile int g_sig;
static uint64_t g_fault_regs[17], g_fault_rip, g_trapno, g_err, g_cr2;
static char g_altstack[65536];
static uint64_t g_private_stack[512] __attribute__((aligned(16)));
uint64_t *g_private_top = &g_private_stack[510];

void enter_guest(void);
void exit_guest(void);

/* enter_guest: save host callee-saved state, load the guest registers and flags, jump.
   exit_guest: store every guest register and the flags, restore the host, return. */
__asm__(
  ".text\n"
  ".globl enter_guest\n"
  "enter_guest:\n"
  "  push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
  "  mov %rsp, g_host_rsp(%rip)\n"
  "  pushq g_in+128(%rip)\n"
  "  popfq\n"
  "  mov g_in+0(%rip), %rax\n"
  "  mov g_in+8(%rip), %rcx\n"
  "  mov g_in+16(%rip), %rdx\n"
  "  mov g_in+24(%rip), %rbx\n"
  "  mov g_in+40(%rip), %rbp\n"
  "  mov g_in+48(%rip), %rsi\n"
  "  mov g_in+56(%rip), %rdi\n"
  "  mov g_in+64(%rip), %r8\n"
  "  mov g_in+72(%rip), %r9\n"
  "  mov g_in+80(%rip), %r10\n"
  "  mov g_in+88(%rip), %r11\n"
  "  mov g_in+96(%rip), %r12\n"
  "  mov g_in+104(%rip), %r13\n"
  "  mov g_in+112(%rip), %r14\n"
  "  mov g_in+120(%rip), %r15\n"
  "  mov g_in+32(%rip), %rsp\n"
  "  jmp *g_in+136(%rip)\n"
  ".globl exit_guest\n"
  "exit_guest:\n"
  "  mov %rax, g_out+0(%rip)\n"
  "  mov %rcx, g_out+8(%rip)\n"
  "  mov %rdx, g_out+16(%rip)\n"
  "  mov %rbx, g_out+24(%rip)\n"
  "  mov %rsp, g_out+32(%rip)\n"
  "  mov %rbp, g_out+40(%rip)\n"
  "  mov %rsi, g_out+48(%rip)\n"
  "  mov %rdi, g_out+56(%rip)\n"
  "  mov %r8, g_out+64(%rip)\n"
  "  mov %r9, g_out+72(%rip)\n"
  "  mov %r10, g_out+80(%rip)\n"
  "  mov %r11, g_out+88(%rip)\n"
  "  mov %r12, g_out+96(%rip)\n"
  "  mov %r13, g_out+104(%rip)\n"
  "  mov %r14, g_out+112(%rip)\n"
  "  mov %r15, g_out+120(%rip)\n"
  "  mov g_private_top(%rip), %rsp\n"
  "  pushfq\n"
  "  popq g_out+128(%rip)\n"
  "  cld\n"
  "  mov g_host_rsp(%rip), %rsp\n"
  "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
  "  ret\n");

static void on_fault(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = (ucontext_t *)ctx;
  greg_t *g = uc->uc_mcontext.gregs;
  static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
  (void)si;
  for (int k = 0; k < 16; k++) g_fault_regs[k] = (uint64_t)g[order[k]];
  g_fault_regs[16] = (uint64_t)g[REG_EFL];
  g_fault_rip = (uint64_t)g[REG_RIP];
  g_trapno = (uint64_t)g[REG_TRAPNO];
  g_err = (uint64_t)g[REG_ERR];
  g_cr2 = (uint64_t)uc->uc_mcontext.gregs[REG_CR2];
  g_sig = sig;
  siglongjmp(g_env, 1);
}

static int read_all(void *p, size_t n) {
  return fread(p, 1, n, stdin) == n;
}

int main(void) {
  unsigned char *code = mmap((void *)CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  unsigned char *data = mmap((void *)DATA_BASE, DATA_SIZE, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (code == MAP_FAILED || data == MAP_FAILED) { perror("mmap"); return 1; }
  stack_t ss = {.ss_sp = g_altstack, .ss_size = sizeof g_altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGTRAP, &sa, NULL);
  for (;;) {
    uint32_t codeLen, dataLen;
    if (!read_all(&codeLen, 4)) break;
    if (codeLen > CODE_SIZE - 16) return 2;
    if (!read_all(code, codeLen)) return 3;
    /* jmp *0(%rip); .quad exit_guest */
    code[codeLen] = 0xff; code[codeLen + 1] = 0x25;
    memset(code + codeLen + 2, 0, 4);
    uint64_t target = (uint64_t)&exit_guest;
    memcpy(code + codeLen + 6, &target, 8);
    if (!read_all(g_in, 17 * 8)) return 4;
    if (!read_all(&dataLen, 4) || dataLen > DATA_SIZE) return 5;
    memset(data, 0, DATA_SIZE);
    if (!read_all(data, dataLen)) return 6;
    g_in[17] = CODE_BASE;
    uint64_t regs[17], rip, trapno = 0, err = 0, cr2 = 0;
    uint32_t sig = 0;
    g_sig = 0;
    if (sigsetjmp(g_env, 1) == 0) {
      enter_guest();
      memcpy(regs, g_out, sizeof regs);
      rip = CODE_BASE + codeLen;
    } else {
      memcpy(regs, g_fault_regs, sizeof regs);
      rip = g_fault_rip;
      sig = (uint32_t)g_sig;
      trapno = g_trapno;
      err = g_err;
      cr2 = g_cr2;
    }
    fwrite(regs, 8, 17, stdout);
    fwrite(&rip, 8, 1, stdout);
    fwrite(&sig, 4, 1, stdout);
    fwrite(&trapno, 8, 1, stdout);
    fwrite(&err, 8, 1, stdout);
    fwrite(&cr2, 8, 1, stdout);
    fwrite(data, 1, dataLen, stdout);
  }
  fflush(stdout);
  return 0;
}
