/* Bad guest pointers: every call below hands the kernel memory that is not
 * mapped (or not writable) and must fail with EFAULT, the process going on.
 * The last line dereferences one itself and dies of SIGSEGV. */
#include "suite.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define BAD ((void *)16)

static void report(const char *what, long r) {
  say("%-28s %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

int main(void) {
  int fds[2];
  MUST(pipe(fds));
  MUST(write(fds[1], "x", 1));
  const char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("write from unmapped", write(1, BAD, 4));
  report("read into unmapped", read(fds[0], BAD, 1));
  report("read into read-only", read(fds[0], (void *)ro, 1));
  report("open unmapped path", open(BAD, O_RDONLY));
  struct stat st;
  report("stat unmapped path", stat(BAD, &st));
  report("fstat into unmapped", fstat(0, BAD));
  report("gettimeofday into unmapped", syscall(SYS_gettimeofday, BAD, NULL)); /* not the vDSO: the kernel answers */
  report("pipe into read-only", pipe((int *)ro));
  report("uname into unmapped", syscall(SYS_uname, BAD));
  say("still running\n");
  fflush(stdout);
  return *(volatile int *)BAD;
}
