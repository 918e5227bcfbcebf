/* Signals, one scenario per argument:
 *   self     SIGUSR1 to self by raise and by kill: handler, siginfo (signo, code,
 *            pid), SIG_IGN, a child killed by the default action, kill's errors
 *   mask     sigprocmask: blocked signals stay pending (sigpending), standard
 *            signals collapse, real-time signals queue, delivery order on unblock
 *   chld     SIGCHLD with SA_SIGINFO while waiting in sigsuspend; CLD_EXITED/KILLED
 *   alarm    alarm() and SIGALRM interrupting pause(); alarm's remaining seconds
 *   restart  a read() on an empty pipe interrupted by SIGALRM: restarted with
 *            SA_RESTART, EINTR without
 *   fpu      a handler starts with a clean FPU (default MXCSR and control word,
 *            an empty x87 stack) and the interrupted code gets its own back */
#include "suite.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t count;
static volatile sig_atomic_t last_code, last_pid_ok, last_signo;
static volatile sig_atomic_t order[16], n_order;
static int wake_pipe[2];

static void on_info(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  count++;
  last_signo = si->si_signo == sig ? sig : -1;
  last_code = si->si_code;
  last_pid_ok = si->si_pid == getpid();
  if (n_order < 16) order[n_order++] = sig;
}

static void on_alarm(int sig) {
  (void)sig;
  count++;
  if (wake_pipe[1] > 0) (void)!write(wake_pipe[1], "w", 1);
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int mask_all) {
  struct sigaction sa = {0};
  sa.sa_sigaction = fn;
  sa.sa_flags = SA_SIGINFO | flags;
  if (mask_all) sigfillset(&sa.sa_mask);
  MUST(sigaction(sig, &sa, NULL));
}

static const char *code_name(int code) {
  switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    default: return "other";
  }
}

static int child_status(pid_t pid) {
  int status;
  MUST(waitpid(pid, &status, 0));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void self(void) {
  handle(SIGUSR1, on_info, 0, 0);
  raise(SIGUSR1);
  say("raise: handler ran %d time(s), signo ok %d, code %s, pid ok %d\n", count, last_signo == SIGUSR1,
      code_name(last_code), last_pid_ok);
  kill(getpid(), SIGUSR1);
  say("kill: handler ran %d time(s), code %s, pid ok %d\n", count, code_name(last_code), last_pid_ok);
  union sigval v = {.sival_int = 7};
  sigqueue(getpid(), SIGUSR1, v);
  say("sigqueue: handler ran %d time(s), code %s\n", count, code_name(last_code));
  signal(SIGUSR1, SIG_IGN);
  raise(SIGUSR1);
  say("ignored: handler count still %d\n", count);
  struct sigaction old;
  MUST(sigaction(SIGUSR1, NULL, &old));
  say("disposition reads back as SIG_IGN: %d\n", old.sa_handler == SIG_IGN);
  signal(SIGUSR1, SIG_DFL);
  pid_t pid = MUST(fork());
  if (pid == 0) { raise(SIGUSR1); _exit(0); }
  say("child raising SIGUSR1 with the default action: status %d\n", child_status(pid));
  say("kill(self, 0): %s\n", outcome(kill(getpid(), 0)));
  say("kill with signal 1000: %s\n", outcome(kill(getpid(), 1000)));
  say("sigaction(SIGKILL): %s\n", outcome(sigaction(SIGKILL, &old, NULL)));
}

static void mask(void) {
  handle(SIGUSR1, on_info, 0, 1);
  handle(SIGUSR2, on_info, 0, 1);
  handle(SIGRTMIN, on_info, 0, 1);
  sigset_t block, old, pending;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGUSR2);
  sigaddset(&block, SIGRTMIN);
  MUST(sigprocmask(SIG_BLOCK, &block, &old));
  raise(SIGUSR2);
  raise(SIGUSR1);
  raise(SIGUSR1);
  for (int i = 0; i < 3; i++) raise(SIGRTMIN);
  sigpending(&pending);
  say("while blocked: handler ran %d, pending USR1 %d USR2 %d RTMIN %d TERM %d\n", count, sigismember(&pending, SIGUSR1),
      sigismember(&pending, SIGUSR2), sigismember(&pending, SIGRTMIN), sigismember(&pending, SIGTERM));
  sigset_t now;
  MUST(sigprocmask(SIG_SETMASK, NULL, &now));
  say("mask reads back: USR1 %d INT %d\n", sigismember(&now, SIGUSR1), sigismember(&now, SIGINT));
  MUST(sigprocmask(SIG_SETMASK, &old, NULL));
  say("after unblock: handler ran %d times, in order:", count);
  for (int i = 0; i < n_order; i++) say(" %s", order[i] == SIGUSR1 ? "USR1" : order[i] == SIGUSR2 ? "USR2" : order[i] == SIGRTMIN ? "RTMIN" : "?");
  say("\n");
  sigset_t kill_stop;
  sigemptyset(&kill_stop);
  sigaddset(&kill_stop, SIGKILL);
  MUST(sigprocmask(SIG_BLOCK, &kill_stop, NULL));
  MUST(sigprocmask(SIG_SETMASK, NULL, &now));
  say("SIGKILL cannot be blocked: %d\n", !sigismember(&now, SIGKILL));
  say("sigprocmask with a bad how: %s\n", outcome(sigprocmask(99, &block, NULL)));
}

static void chld(void) {
  handle(SIGCHLD, on_info, 0, 0);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  MUST(sigprocmask(SIG_BLOCK, &block, &old));
  pid_t pid = MUST(fork());
  if (pid == 0) _exit(5);
  while (count == 0) sigsuspend(&old);
  say("SIGCHLD: count %d, code %s\n", count, code_name(last_code));
  say("child status %d\n", child_status(pid));
  int gate[2];
  MUST(pipe(gate));
  pid = MUST(fork());
  if (pid == 0) { char c; close(gate[1]); (void)!read(gate[0], &c, 1); _exit(0); }
  close(gate[0]);
  MUST(kill(pid, SIGTERM));
  while (count == 1) sigsuspend(&old);
  say("SIGCHLD for a killed child: count %d, code %s\n", count, code_name(last_code));
  say("child status %d\n", child_status(pid));
}

static void alarms(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  MUST(sigaction(SIGALRM, &sa, NULL));
  say("alarm(5) returns %u\n", alarm(5));
  say("alarm(0) then returns %u\n", alarm(0));
  say("alarm(1) returns %u\n", alarm(1));
  int r = pause();
  say("pause returned %d (%s), handler ran %d\n", r, outcome(r), count);
  say("alarm(0) afterwards returns %u\n", alarm(0));
}

static void restart(void) {
  MUST(pipe(wake_pipe));
  for (int with_restart = 1; with_restart >= 0; with_restart--) {
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = with_restart ? SA_RESTART : 0;
    MUST(sigaction(SIGALRM, &sa, NULL));
    count = 0;
    alarm(1);
    char c = 0;
    ssize_t r = read(wake_pipe[0], &c, 1);
    say("%s: read returned %zd (%s), byte '%c', handler ran %d\n", with_restart ? "SA_RESTART" : "no SA_RESTART", r,
        outcome(r), r == 1 ? c : '-', count);
    if (r < 0) {
      r = read(wake_pipe[0], &c, 1);
      say("  read again: %zd, byte '%c'\n", r, c);
    }
  }
}

static unsigned seen_mxcsr, seen_fcw, seen_tags;

static void fpu_handler(int sig) {
  (void)sig;
  unsigned short env[14];
  __asm__ volatile("stmxcsr %0" : "=m"(seen_mxcsr));
  __asm__ volatile("fnstenv %0" : "=m"(env));
  seen_fcw = env[0], seen_tags = env[4];
}

static void fpu(void) {
  signal(SIGUSR1, fpu_handler);
  unsigned mine = 0x7f80; /* round toward zero, every exception masked */
  __asm__ volatile("ldmxcsr %0" ::"m"(mine));
  unsigned short cw = 0x0f7f;      /* 64-bit precision, round toward zero */
  __asm__ volatile("fldcw %0\n\tfld1\n\tfldpi\n\tfldl2e" ::"m"(cw));
  raise(SIGUSR1);
  double e, pi, one;
  unsigned after;
  __asm__ volatile("fstpl %0\n\tfstpl %1\n\tfstpl %2" : "=m"(e), "=m"(pi), "=m"(one));
  __asm__ volatile("stmxcsr %0" : "=m"(after));
  say("in the handler: mxcsr %#x, control word %#x, tag word %#x\n", seen_mxcsr, seen_fcw, seen_tags);
  say("after it: mxcsr %#x, the x87 stack %.6f %.6f %.6f\n", after, e, pi, one);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "self")) self();
  else if (!strcmp(mode, "mask")) mask();
  else if (!strcmp(mode, "chld")) chld();
  else if (!strcmp(mode, "alarm")) alarms();
  else if (!strcmp(mode, "restart")) restart();
  else if (!strcmp(mode, "fpu")) fpu();
  else return fprintf(stderr, "usage: signals self|mask|chld|alarm|restart|fpu\n"), 2;
  return 0;
}
