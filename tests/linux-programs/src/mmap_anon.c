/* Anonymous memory: fresh mappings read as zeros, partial munmap, mprotect with a
 * SIGSEGV handler that proves a write to a read-only page faults (and where),
 * mremap growing and moving, MADV_DONTNEED, copy-on-write across fork, and a large
 * sparse mapping. */
#include "suite.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
static sigjmp_buf back;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *ctx) {
  (void)sig, (void)ctx;
  fault_addr = (uintptr_t)si->si_addr;
  fault_code = si->si_code;
  siglongjmp(back, 1);
}

/* Writes one byte at p; says whether it faulted and whether the fault named p. */
static void try_write(const char *what, volatile char *p) {
  fault_addr = 0;
  if (sigsetjmp(back, 1) == 0) {
    *p = 7;
    say("%s: written\n", what);
  } else {
    say("%s: SIGSEGV, si_addr is the byte: %d, code %s\n", what, fault_addr == (uintptr_t)p,
        fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other");
  }
}

static unsigned long long sum(const unsigned char *p, size_t n) { return fnv(FNV_START, p, n); }

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  MUST(sigaction(SIGSEGV, &sa, NULL));

  size_t len = 256 * PAGE;
  unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return say("mmap failed\n"), 1;
  size_t nonzero = 0;
  for (size_t i = 0; i < len; i++) nonzero += m[i] != 0;
  say("fresh mapping: %zu non-zero bytes, page aligned %d\n", nonzero, ((uintptr_t)m & (PAGE - 1)) == 0);
  for (size_t i = 0; i < len; i++) m[i] = (unsigned char)(i * 31 + (i >> 12));
  say("pattern checksum %016llx\n", sum(m, len));

  say("munmap pages 10-19: %s\n", outcome(munmap(m + 10 * PAGE, 10 * PAGE)));
  try_write("write into the hole", (volatile char *)m + 12 * PAGE);
  say("pages around the hole intact: %d\n", m[9 * PAGE + 5] == (unsigned char)((9 * PAGE + 5) * 31 + 9) &&
                                              m[20 * PAGE] == (unsigned char)(20 * PAGE * 31 + 20));
  void *again = mmap(m + 10 * PAGE, 10 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  say("MAP_FIXED into the hole: at the hole %d, zeros %d\n", again == m + 10 * PAGE, m[12 * PAGE] == 0);

  say("mprotect read-only: %s\n", outcome(mprotect(m, 4 * PAGE, PROT_READ)));
  try_write("write to read-only page", (volatile char *)m + 2 * PAGE + 100);
  say("read of read-only page still works: %d\n", m[2 * PAGE + 100] == (unsigned char)((2 * PAGE + 100) * 31 + 2));
  say("mprotect back: %s\n", outcome(mprotect(m, 4 * PAGE, PROT_READ | PROT_WRITE)));
  try_write("write after mprotect back", (volatile char *)m + 2 * PAGE + 100);
  say("mprotect unaligned: %s\n", outcome(mprotect(m + 1, PAGE, PROT_READ)));
  say("munmap length 0: %s\n", outcome(munmap(m, 0)));

  unsigned char *small = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(small, 0x5a, PAGE);
  unsigned char *grown = mremap(small, PAGE, 64 * PAGE, MREMAP_MAYMOVE);
  if (grown == MAP_FAILED) return say("mremap failed: %s\n", outcome(-1)), 1;
  size_t kept = 0, zero = 0;
  for (size_t i = 0; i < PAGE; i++) kept += grown[i] == 0x5a;
  for (size_t i = PAGE; i < 64 * PAGE; i++) zero += grown[i] == 0;
  say("mremap grow: first page kept %zu/4096, new pages zero %zu/%d\n", kept, zero, 63 * PAGE);
  unsigned char *shrunk = mremap(grown, 64 * PAGE, 2 * PAGE, 0);
  say("mremap shrink in place: same address %d\n", shrunk == grown);

  memset(m + 30 * PAGE, 0xff, 2 * PAGE);
  say("madvise DONTNEED: %s\n", outcome(madvise(m + 30 * PAGE, 2 * PAGE, MADV_DONTNEED)));
  say("after DONTNEED reads zero: %d\n", m[30 * PAGE] == 0 && m[31 * PAGE + 4095] == 0);

  m[100 * PAGE] = 1;
  pid_t child = MUST(fork());
  if (child == 0) {
    m[100 * PAGE] = 2;
    _exit(m[100 * PAGE] == 2 ? 0 : 1);
  }
  int status;
  MUST(waitpid(child, &status, 0));
  say("copy-on-write: child saw its write %d, parent still sees %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0,
      m[100 * PAGE]);

  size_t big = (size_t)1 << 30;
  unsigned char *sparse = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (sparse == MAP_FAILED) return say("1 GiB mapping failed\n"), 1;
  unsigned long long s = 0;
  for (size_t off = 0; off < big; off += big / 64) sparse[off] = (unsigned char)(off >> 24), s += sparse[off];
  say("1 GiB sparse mapping, 64 touched pages sum %llu\n", s);
  say("munmap it: %s\n", outcome(munmap(sparse, big)));
  say("bad mmap (length 0): %s\n", outcome(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0));
  return 0;
}
