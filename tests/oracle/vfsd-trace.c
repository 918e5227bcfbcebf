/*
 * Runs an unmodified program — and every process it forks — natively, with some
 * of their syscalls answered by someone else (vfsd, in
 * tests/src/linux/vfsd/traced.ts): a ptrace tracer that stops each process at a
 * syscall in the given set and reports it on stdout, leaves it stopped (others
 * run on) until the answer comes, serves reads and writes of the processes'
 * memory meanwhile, skips the real syscall and makes the answer its result.
 * Other syscalls run natively.
 *
 * usage: vfsd-trace <program> <args>...   (stdin/stdout carry the protocol)
 *   in : "F <nr> <nr>..."             the syscalls to hand over (first line)
 *   out: "P <pid>"                    the program is ready; wait for "G"
 *   in : "G"
 *   out: "C <pid> <nr> <a0> ... <a5>" a process stopped in a syscall
 *   in : "R <id> <pid> <addr> <len>"  -> "D <id> <hex>" or "D <id> !" (fault)
 *   in : "W <id> <pid> <addr> <hex>"  -> "D <id> ok" or "D <id> !"
 *   in : "V <pid> <value>"            that process's syscall result; it goes on
 *   out: "K <parent> <child>"         a fork (before the child's first syscall)
 *   out: "E <pid>"                    it executed a new program
 *   out: "X <pid> <status>"           it exited (wait status); the last one ends the run
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PROCS 256

static char forwarded[1024];

struct proc {
  pid_t pid;
  int executed;   /* past its first exec (forked ones are): its syscalls are handed over */
  int started;    /* its first stop (a new child's SIGSTOP) was seen */
  int announced;  /* "K" was printed for it: it may run */
  int waiting;    /* stopped at a handed-over syscall's entry, answer not yet come */
  int skipped;    /* the answer came; set it at the syscall's exit */
  long answer;
};
static struct proc procs[MAX_PROCS];
static int live;

static struct proc *find(pid_t pid, int make) {
  for (int i = 0; i < MAX_PROCS; i++) if (procs[i].pid == pid) return &procs[i];
  if (!make) return NULL;
  for (int i = 0; i < MAX_PROCS; i++) if (procs[i].pid == 0) {
    memset(&procs[i], 0, sizeof procs[i]);
    procs[i].pid = pid;
    procs[i].executed = 1;
    live++;
    return &procs[i];
  }
  return NULL;
}

static int hexval(char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

static void resume(pid_t pid, int sig) { ptrace(PTRACE_SYSCALL, pid, 0, sig); }

/** One command from the answering side. */
static void command(char *line) {
  char *p = line + 2;
  if (line[0] == 'V') {
    pid_t pid = (pid_t)strtol(p, &p, 10);
    struct proc *pr = find(pid, 0);
    if (!pr || !pr->waiting) return;
    pr->answer = strtol(p, NULL, 10);
    pr->waiting = 0;
    struct user_regs_struct regs;
    ptrace(PTRACE_GETREGS, pid, 0, &regs);
    regs.orig_rax = -1; /* the kernel skips it */
    ptrace(PTRACE_SETREGS, pid, 0, &regs);
    pr->skipped = 1;
    resume(pid, 0);
    return;
  }
  long id = strtol(p, &p, 10);
  pid_t pid = (pid_t)strtol(p, &p, 10);
  unsigned long addr = strtoul(p, &p, 10);
  if (line[0] == 'R') {
    size_t len = strtoul(p, NULL, 10);
    unsigned char *buf = malloc(len ? len : 1);
    struct iovec local = { buf, len }, remote = { (void *)addr, len };
    ssize_t got = len ? process_vm_readv(pid, &local, 1, &remote, 1, 0) : 0;
    printf("D %ld ", id);
    if (got != (ssize_t)len) fputc('!', stdout);
    else for (size_t i = 0; i < len; i++) printf("%02x", buf[i]);
    fputc('\n', stdout);
    free(buf);
  } else if (line[0] == 'W') {
    p++;
    size_t n = strcspn(p, "\n") / 2;
    unsigned char *buf = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) buf[i] = (unsigned char)(hexval(p[2 * i]) << 4 | hexval(p[2 * i + 1]));
    struct iovec local = { buf, n }, remote = { (void *)addr, n };
    ssize_t put = n ? process_vm_writev(pid, &local, 1, &remote, 1, 0) : 0;
    printf("D %ld %s\n", id, put == (ssize_t)n ? "ok" : "!");
    free(buf);
  }
}

/** A tracee stopped (or ended). */
static void stopped(pid_t pid, int status) {
  struct proc *pr = find(pid, 1);
  if (!pr) return;
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    printf("X %d %d\n", pid, status);
    pr->pid = 0;
    live--;
    return;
  }
  if (!WIFSTOPPED(status)) return;
  int event = status >> 16;
  if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
    unsigned long child;
    ptrace(PTRACE_GETEVENTMSG, pid, 0, &child);
    struct proc *c = find((pid_t)child, 1);
    printf("K %d %lu\n", pid, child);
    /* The child runs only once its fork was announced, so its syscalls come after. */
    if (c) {
      c->announced = 1;
      if (c->started) resume(c->pid, 0);
    }
    resume(pid, 0);
    return;
  }
  if (event == PTRACE_EVENT_EXEC) {
    if (pr->executed) printf("E %d\n", pid);
    pr->executed = 1;
    resume(pid, 0);
    return;
  }
  if (!pr->started && WSTOPSIG(status) == SIGSTOP) {
    /* A new child's first stop: it waits for its fork to be announced. */
    pr->started = 1;
    if (pr->announced) resume(pid, 0);
    return;
  }
  if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
    resume(pid, WSTOPSIG(status));
    return;
  }
  struct __ptrace_syscall_info info;
  if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) <= 0) {
    resume(pid, 0);
    return;
  }
  if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
    long nr = (long)info.entry.nr;
    if (pr->executed && nr >= 0 && nr < 1024 && forwarded[nr]) {
      printf("C %d %ld", pid, nr);
      for (int i = 0; i < 6; i++) printf(" %lld", (long long)info.entry.args[i]);
      fputc('\n', stdout);
      pr->waiting = 1; /* stays stopped until "V" */
      return;
    }
  } else if (info.op == PTRACE_SYSCALL_INFO_EXIT && pr->skipped) {
    struct user_regs_struct regs;
    ptrace(PTRACE_GETREGS, pid, 0, &regs);
    regs.rax = (unsigned long long)pr->answer;
    ptrace(PTRACE_SETREGS, pid, 0, &regs);
    pr->skipped = 0;
  }
  resume(pid, 0);
}

int main(int argc, char **argv) {
  static char line[1 << 22];
  if (argc < 2 || !fgets(line, sizeof line, stdin) || line[0] != 'F') return 2;
  for (char *p = line + 1; *p;) {
    char *end;
    long nr = strtol(p, &end, 10);
    if (end == p) break;
    if (nr >= 0 && nr < 1024) forwarded[nr] = 1;
    p = end;
  }
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  pid_t first = fork();
  if (first == 0) {
    sigprocmask(SIG_UNBLOCK, &mask, NULL);
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
  waitpid(first, &status, 0);
  ptrace(PTRACE_SETOPTIONS, first, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC
    | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE);
  struct proc *f = find(first, 1);
  f->executed = 0;
  f->started = f->announced = 1;
  printf("P %d\n", first);
  fflush(stdout);
  if (!fgets(line, sizeof line, stdin) || line[0] != 'G') return 3;
  resume(first, 0);
  /* Commands arrive on stdin, stops as SIGCHLD: wait for either. */
  FILE *in = stdin;
  setvbuf(in, NULL, _IONBF, 0);
  size_t have = 0;
  while (live > 0) {
    struct pollfd fds[2] = { { 0, POLLIN, 0 }, { sigfd, POLLIN, 0 } };
    poll(fds, 2, 100);
    if (fds[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) == sizeof si) {}
    }
    pid_t pid;
    while ((pid = waitpid(-1, &status, __WALL | WNOHANG)) > 0) stopped(pid, status);
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(0, line + have, sizeof line - have - 1);
      if (n <= 0) return 0;
      have += (size_t)n;
      char *start = line;
      char *nl;
      while ((nl = memchr(start, '\n', have - (size_t)(start - line)))) {
        *nl = 0;
        command(start);
        start = nl + 1;
      }
      have -= (size_t)(start - line);
      memmove(line, start, have);
    }
    fflush(stdout);
  }
  fflush(stdout);
  return 0;
}
