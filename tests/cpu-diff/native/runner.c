/*
 * Native side of the CPU differential harness: runs instruction snippets on the
 * host CPU from a fully specified initial state and reports the final state.
 *
 * Batch protocol (little endian, layout mirrored by tests/src/cpu-diff/case.ts):
 *   stdin : BatchHeader, then `count` x (CaseHeader, fxsave[512], data[DATA_SIZE], code[codeLen])
 *   stdout: BatchHeader (magic RESULT_MAGIC), then `count` x Result
 *
 * Every case ends in a signal: SIGTRAP from the int3 end marker or the fault the
 * snippet raised. The handler runs on an alternate stack with the kernel's clean
 * FPU/DF state, reads the trap state from the ucontext and siglongjmps back to the
 * batch loop, so libc never runs with the guest's registers or stack.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#define CASE_MAGIC 0x46494443u   /* "CDIF" */
#define RESULT_MAGIC 0x53524443u /* "CDRS" */
#define VERSION 1u
#define CODE_BASE 0x10000000ul
#define CODE_SIZE 0x1000ul
#define DATA_BASE 0x20000000ul
#define DATA_SIZE 0x3000ul
#define DATA_RO_OFFSET 0x2000ul /* the last data page is read-only */
/* Pseudo vectors for exits that are not CPU exceptions. */
#define VEC_TIMEOUT 0xfe
#define VEC_SETUP_FAULT 0xfd
/* RFLAGS bits a test may set: CF PF AF ZF SF DF OF (never TF, never AC: CR0.AM is on). */
#define RFLAGS_USER 0xcd5ul

struct BatchHeader {
  uint32_t magic, version, count, reserved;
  uint64_t codeBase, dataBase, dataSize, dataRoOffset;
};
struct CaseHeader {
  uint32_t codeLen, reserved;
  uint64_t gpr[16];
  uint64_t rflags;
};
struct Result {
  uint32_t vector, signal;
  uint64_t errorCode, faultAddress;
  uint64_t gpr[16];
  uint64_t ripOffset;
  uint64_t rflags;
  uint8_t fxsave[512];
  uint8_t data[DATA_SIZE];
};

/* The guest state the trampoline loads; offsets are hard-coded in the asm below. */
struct Guest {
  uint8_t fxsave[512]; /* offset 0, 16-byte aligned for fxrstor64 */
  uint64_t gpr[16];    /* offset 512, x86 encoding order rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
  uint64_t rflags;     /* offset 640 */
};
static struct Guest guest __attribute__((aligned(64)));
uint64_t codeEntry __attribute__((used)) = CODE_BASE; /* read by the trampoline */
static struct Result result;
static sigjmp_buf back;

void enterGuest(struct Guest *g) __attribute__((noreturn));
extern char enterGuestEnd[];
__asm__(
    ".text\n"
    ".globl enterGuest\n"
    "enterGuest:\n"
    "  fxrstor64 0(%rdi)\n"
    "  lea 640(%rdi), %rsp\n"
    "  popfq\n"
    "  mov 512+0*8(%rdi), %rax\n"
    "  mov 512+1*8(%rdi), %rcx\n"
    "  mov 512+2*8(%rdi), %rdx\n"
    "  mov 512+3*8(%rdi), %rbx\n"
    "  mov 512+4*8(%rdi), %rsp\n"
    "  mov 512+5*8(%rdi), %rbp\n"
    "  mov 512+6*8(%rdi), %rsi\n"
    "  mov 512+8*8(%rdi), %r8\n"
    "  mov 512+9*8(%rdi), %r9\n"
    "  mov 512+10*8(%rdi), %r10\n"
    "  mov 512+11*8(%rdi), %r11\n"
    "  mov 512+12*8(%rdi), %r12\n"
    "  mov 512+13*8(%rdi), %r13\n"
    "  mov 512+14*8(%rdi), %r14\n"
    "  mov 512+15*8(%rdi), %r15\n"
    "  mov 512+7*8(%rdi), %rdi\n"
    "  jmp *codeEntry(%rip)\n"
    ".globl enterGuestEnd\n"
    "enterGuestEnd:\n");

static void die(const char *what) {
  fprintf(stderr, "cpu-diff runner: %s\n", what);
  exit(2);
}

static void setTimer(long usec) {
  struct itimerval t = {{0, 0}, {usec / 1000000, usec % 1000000}};
  setitimer(ITIMER_VIRTUAL, &t, NULL); /* CPU time: a loaded machine must not turn a slow case into a timeout */
}

static void onSignal(int sig, siginfo_t *info, void *ucv) {
  (void)info;
  ucontext_t *uc = ucv;
  const greg_t *r = uc->uc_mcontext.gregs;
  uint64_t rip = (uint64_t)r[REG_RIP];
  /* A late alarm after the guest already left: nothing to report. */
  if (sig == SIGVTALRM && (rip < CODE_BASE || rip >= CODE_BASE + CODE_SIZE)) return;
  static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
  for (int i = 0; i < 16; i++) result.gpr[i] = (uint64_t)r[order[i]];
  result.signal = (uint32_t)sig;
  result.vector = (uint32_t)r[REG_TRAPNO];
  result.errorCode = (uint64_t)r[REG_ERR];
  result.faultAddress = result.vector == 14 ? (uint64_t)r[REG_CR2] : 0;
  if (sig == SIGVTALRM) result.vector = VEC_TIMEOUT, result.errorCode = 0;
  if (rip >= (uint64_t)(uintptr_t)enterGuest && rip < (uint64_t)(uintptr_t)enterGuestEnd)
    result.vector = VEC_SETUP_FAULT; /* e.g. fxrstor64 rejected the MXCSR */
  result.ripOffset = rip - CODE_BASE;
  result.rflags = (uint64_t)r[REG_EFL];
  memcpy(result.fxsave, uc->uc_mcontext.fpregs, 512);
  memcpy(result.data, (void *)DATA_BASE, DATA_SIZE);
  siglongjmp(back, 1);
}

static void installHandlers(void) {
  static uint8_t altStack[1 << 16];
  stack_t ss = {.ss_sp = altStack, .ss_size = sizeof altStack, .ss_flags = 0};
  if (sigaltstack(&ss, NULL)) die("sigaltstack failed");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = onSignal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigfillset(&sa.sa_mask);
  const int sigs[] = {SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGVTALRM};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    if (sigaction(sigs[i], &sa, NULL)) die("sigaction failed");
}

static void mapFixed(uint64_t va, uint64_t size, int prot) {
  void *p = mmap((void *)va, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != (void *)va) die("cannot map a fixed test page (address already in use?)");
}

static void readExact(void *dst, size_t n) {
  if (n && fread(dst, 1, n, stdin) != n) die("truncated input");
}

int main(void) {
  static char inBuf[1 << 20], outBuf[1 << 20];
  setvbuf(stdin, inBuf, _IOFBF, sizeof inBuf);
  setvbuf(stdout, outBuf, _IOFBF, sizeof outBuf);
  mapFixed(CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
  mapFixed(DATA_BASE, DATA_SIZE, PROT_READ | PROT_WRITE);
  installHandlers();

  struct BatchHeader h;
  readExact(&h, sizeof h);
  if (h.magic != CASE_MAGIC || h.version != VERSION) die("bad batch header (magic/version)");
  if (h.codeBase != CODE_BASE || h.dataBase != DATA_BASE || h.dataSize != DATA_SIZE || h.dataRoOffset != DATA_RO_OFFSET)
    die("batch layout differs from the runner's");
  struct BatchHeader out = h;
  out.magic = RESULT_MAGIC;
  fwrite(&out, sizeof out, 1, stdout);

  for (uint32_t n = 0; n < h.count; n++) {
    struct CaseHeader c;
    readExact(&c, sizeof c);
    if (c.codeLen > CODE_SIZE) die("code too long");
    readExact(guest.fxsave, 512);
    if (mprotect((void *)(DATA_BASE + DATA_RO_OFFSET), DATA_SIZE - DATA_RO_OFFSET, PROT_READ | PROT_WRITE)) die("mprotect");
    readExact((void *)DATA_BASE, DATA_SIZE);
    if (mprotect((void *)(DATA_BASE + DATA_RO_OFFSET), DATA_SIZE - DATA_RO_OFFSET, PROT_READ)) die("mprotect");
    memset((void *)CODE_BASE, 0xcc, CODE_SIZE);
    readExact((void *)CODE_BASE, c.codeLen);
    memcpy(guest.gpr, c.gpr, sizeof guest.gpr);
    guest.rflags = (c.rflags & RFLAGS_USER) | 2;
    memset(&result, 0, sizeof result);
    setTimer(200000);
    if (sigsetjmp(back, 1) == 0) enterGuest(&guest);
    setTimer(0);
    fwrite(&result, sizeof result, 1, stdout);
  }
  fflush(stdout);
  return ferror(stdout) ? 2 : 0;
}
