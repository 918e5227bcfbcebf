/*
 * Runs an unmodified program natively with some of its syscalls answered by
 * someone else (vfsd, in tests/src/linux/vfsd/traced.ts): a ptrace tracer that
 * stops the program at each syscall in the given set, hands it over on stdout,
 * serves reads and writes of the program's memory while it is answered, skips
 * the real syscall and makes the answer its result. Other syscalls run natively.
 *
 * usage: vfsd-trace <program> <args>...   (stdin/stdout carry the protocol)
 *   in : "F <nr> <nr>..."          the syscalls to hand over (first line)
 *   out: "P <pid>"                 the program is ready; wait for "G"
 *   in : "G"
 *   out: "C <nr> <a0> ... <a5>"    a syscall; then any number of:
 *   in : "R <addr> <len>"          -> "D <hex>" or "E"   (read its memory)
 *   in : "W <addr> <hex>"          -> "K" or "E"         (write its memory)
 *   in : "V <value>"               the syscall's result; the program goes on
 *   out: "E"                       it executed a new program (close-on-exec time)
 *   out: "X <status>"              it exited (wait status)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static char forwarded[1024];
static pid_t child;

static int hexval(char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

static void serve(long *result) {
  static char line[1 << 22];
  for (;;) {
    if (!fgets(line, sizeof line, stdin)) exit(3);
    if (line[0] == 'V') {
      *result = strtol(line + 2, NULL, 10);
      return;
    }
    if (line[0] == 'R') {
      char *end;
      unsigned long addr = strtoul(line + 2, &end, 10);
      size_t len = strtoul(end, NULL, 10);
      unsigned char *buf = malloc(len ? len : 1);
      struct iovec local = { buf, len }, remote = { (void *)addr, len };
      ssize_t got = len ? process_vm_readv(child, &local, 1, &remote, 1, 0) : 0;
      if (got != (ssize_t)len) {
        fputs("E\n", stdout);
      } else {
        fputs("D ", stdout);
        for (size_t i = 0; i < len; i++) printf("%02x", buf[i]);
        fputc('\n', stdout);
      }
      free(buf);
    } else if (line[0] == 'W') {
      char *end;
      unsigned long addr = strtoul(line + 2, &end, 10);
      end++;
      size_t n = strcspn(end, "\n") / 2;
      unsigned char *buf = malloc(n ? n : 1);
      for (size_t i = 0; i < n; i++) buf[i] = (unsigned char)(hexval(end[2 * i]) << 4 | hexval(end[2 * i + 1]));
      struct iovec local = { buf, n }, remote = { (void *)addr, n };
      ssize_t put = n ? process_vm_writev(child, &local, 1, &remote, 1, 0) : 0;
      fputs(put == (ssize_t)n ? "K\n" : "E\n", stdout);
      free(buf);
    }
    fflush(stdout);
  }
}

int main(int argc, char **argv) {
  char line[65536];
  if (argc < 2 || !fgets(line, sizeof line, stdin) || line[0] != 'F') return 2;
  for (char *p = line + 1; *p;) {
    char *end;
    long nr = strtol(p, &end, 10);
    if (end == p) break;
    if (nr >= 0 && nr < 1024) forwarded[nr] = 1;
    p = end;
  }
  child = fork();
  if (child == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    execv(argv[1], argv + 1);
    _exit(127);
  }
  int status;
  waitpid(child, &status, 0);
  ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC);
  printf("P %d\n", child);
  fflush(stdout);
  if (!fgets(line, sizeof line, stdin) || line[0] != 'G') return 3;
  int executed = 0, skipped = 0, sig = 0;
  long answer = 0;
  for (;;) {
    ptrace(PTRACE_SYSCALL, child, 0, sig);
    sig = 0;
    if (waitpid(child, &status, 0) < 0) return 4;
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      printf("X %d\n", status);
      fflush(stdout);
      return 0;
    }
    if (!WIFSTOPPED(status)) continue;
    if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
      if (executed) {
        fputs("E\n", stdout);
        fflush(stdout);
      }
      executed = 1;
      continue;
    }
    if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
      sig = WSTOPSIG(status);
      continue;
    }
    struct __ptrace_syscall_info info;
    if (ptrace(PTRACE_GET_SYSCALL_INFO, child, sizeof info, &info) <= 0) continue;
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
      long nr = (long)info.entry.nr;
      if (!executed || nr < 0 || nr >= 1024 || !forwarded[nr]) continue;
      printf("C %ld", nr);
      for (int i = 0; i < 6; i++) printf(" %lld", (long long)info.entry.args[i]);
      fputc('\n', stdout);
      fflush(stdout);
      serve(&answer);
      struct user_regs_struct regs;
      ptrace(PTRACE_GETREGS, child, 0, &regs);
      regs.orig_rax = -1; /* the kernel skips it */
      ptrace(PTRACE_SETREGS, child, 0, &regs);
      skipped = 1;
    } else if (info.op == PTRACE_SYSCALL_INFO_EXIT && skipped) {
      struct user_regs_struct regs;
      ptrace(PTRACE_GETREGS, child, 0, &regs);
      regs.rax = (unsigned long long)answer;
      ptrace(PTRACE_SETREGS, child, 0, &regs);
      skipped = 0;
    }
  }
}
