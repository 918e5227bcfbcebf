/* The initial process state the loader builds: argc/argv/envp as main sees them,
 * the same through the stack layout (envp follows argv's NULL), getenv/setenv/
 * unsetenv on the inherited environment, and the auxiliary vector entries whose
 * values do not depend on the host (page size, uids, secure mode, platform). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv, char **envp) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=\"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is %s\n", argv[argc] ? "not NULL" : "NULL");
  printf("envp follows argv: %d, environ == envp: %d\n", envp == argv + argc + 1, environ == envp);
  int n = 0;
  for (char **e = envp; *e; e++) printf("env[%d]=%s\n", n++, *e);
  printf("envc=%d\n", n);
  const char *home = getenv("HOME");
  printf("HOME=%s PATH=%s MISSING=%s\n", home ? home : "(unset)", getenv("PATH") ? getenv("PATH") : "(unset)",
         getenv("MISSING") ? "set" : "(unset)");
  setenv("ADDED", "yes", 0);
  setenv("HOME", "/changed", 1);
  unsetenv("PATH");
  n = 0;
  for (char **e = environ; *e; e++) n++;
  printf("after edits: HOME=%s ADDED=%s PATH=%s envc=%d\n", getenv("HOME"), getenv("ADDED"),
         getenv("PATH") ? "set" : "(unset)", n);
  printf("AT_PAGESZ=%lu AT_UID ok=%d AT_EUID ok=%d AT_GID ok=%d AT_EGID ok=%d AT_SECURE=%lu\n", getauxval(AT_PAGESZ),
         getauxval(AT_UID) == getuid(), getauxval(AT_EUID) == geteuid(), getauxval(AT_GID) == getgid(),
         getauxval(AT_EGID) == getegid(), getauxval(AT_SECURE));
  const char *plat = (const char *)getauxval(AT_PLATFORM);
  printf("AT_PLATFORM=%s AT_CLKTCK=%lu AT_RANDOM present=%d AT_PHDR present=%d AT_ENTRY present=%d\n",
         plat ? plat : "(none)", getauxval(AT_CLKTCK), getauxval(AT_RANDOM) != 0, getauxval(AT_PHDR) != 0,
         getauxval(AT_ENTRY) != 0);
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  printf("AT_EXECFN basename=%s\n", execfn ? (strrchr(execfn, '/') ? strrchr(execfn, '/') + 1 : execfn) : "(none)");
  printf("sysconf pagesize=%ld clk_tck=%ld\n", sysconf(_SC_PAGESIZE), sysconf(_SC_CLK_TCK));
  /* The initial stack layout (binfmt_elf): facts that hold whatever the address
   * randomization, so native and emulated runs print the same thing. */
  const char *expect = argv[0];
  int contiguous = 1;
  for (char **v = argv; *v; v++) {
    contiguous &= *v == expect;
    expect = *v + strlen(*v) + 1;
  }
  for (char **e = envp; *e; e++) {
    contiguous &= *e == expect;
    expect = *e + strlen(*e) + 1;
  }
  unsigned long top = (unsigned long)expect + strlen(expect) + 1 + 8; /* execfn, then 8 zero bytes */
  printf("strings contiguous=%d execfn follows them=%d top page aligned=%d\n", contiguous,
         execfn == expect, top % 4096 == 0);
  unsigned long rnd = getauxval(AT_RANDOM), pl = (unsigned long)plat;
  char **env_end = envp;
  while (*env_end) env_end++;
  unsigned long *aux = (unsigned long *)(env_end + 1);
  while (aux[0] != AT_NULL) aux += 2;
  unsigned long aux_end = (unsigned long)(aux + 2);
  printf("argc slot 16-aligned=%d platform 16-aligned end=%d random right below platform=%d "
         "auxv ends within 16 bytes of random=%d\n",
         ((unsigned long)(argv - 1) & 15) == 0, ((pl + strlen(plat) + 1) & 15) == 0, rnd + 16 == pl,
         rnd >= aux_end && rnd - aux_end < 16);
  /* The stack pointer at entry is 16-byte aligned, so main's frame is too. */
  volatile __attribute__((aligned(16))) char probe[16];
  printf("aligned local ok=%d\n", ((unsigned long)probe & 15) == 0);
  return 0;
}
