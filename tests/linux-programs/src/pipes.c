/* Pipes between processes: a megabyte through a pipe (the writer blocks when it is
 * full), a co-process that answers line by line, EOF once every writer is closed,
 * EPIPE with SIGPIPE ignored and death by SIGPIPE without, O_NONBLOCK's EAGAIN,
 * FIONREAD, and a two-stage pipeline of exec'd busybox applets wired with dup2. */
#include "suite.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int status_of(pid_t pid) {
  int status;
  MUST(waitpid(pid, &status, 0));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static size_t read_all(int fd, unsigned long long *hash) {
  char buf[8192];
  size_t total = 0;
  ssize_t n;
  *hash = FNV_START;
  while ((n = read(fd, buf, sizeof buf)) > 0) total += n, *hash = fnv(*hash, buf, n);
  return total;
}

int main(void) {
  int p[2];
  MUST(pipe(p));
  pid_t pid = MUST(fork());
  if (pid == 0) {
    close(p[0]);
    static char chunk[3000];
    for (int i = 0; i < 350; i++) {
      for (size_t j = 0; j < sizeof chunk; j++) chunk[j] = (char)(i + j * 13);
      for (size_t off = 0; off < sizeof chunk;) off += MUST(write(p[1], chunk + off, sizeof chunk - off));
    }
    _exit(0);
  }
  close(p[1]);
  unsigned long long hash;
  size_t got = read_all(p[0], &hash);
  say("bulk: %zu bytes, fnv %016llx, writer status %d\n", got, hash, status_of(pid));
  char c;
  say("read after EOF: %zd\n", read(p[0], &c, 1));
  close(p[0]);

  int down[2], up[2];
  MUST(pipe(down));
  MUST(pipe(up));
  pid = MUST(fork());
  if (pid == 0) {
    close(down[1]);
    close(up[0]);
    FILE *in = fdopen(down[0], "r");
    char line[128];
    int n = 0;
    while (fgets(line, sizeof line, in)) {
      for (char *s = line; *s; s++) if (*s >= 'a' && *s <= 'z') *s -= 32;
      char out[160];
      int len = snprintf(out, sizeof out, "%d:%s", ++n, line);
      MUST(write(up[1], out, len));
    }
    _exit(n);
  }
  close(down[0]);
  close(up[1]);
  const char *words[] = {"alpha\n", "beta gamma\n", "delta\n", "the last line\n"};
  for (int i = 0; i < 4; i++) MUST(write(down[1], words[i], strlen(words[i])));
  close(down[1]);
  char answer[512] = {0};
  size_t have = 0;
  ssize_t n;
  while ((n = read(up[0], answer + have, sizeof answer - 1 - have)) > 0) have += n;
  say("co-process answered:\n%s", answer);
  say("co-process status %d\n", status_of(pid));
  close(up[0]);

  MUST(pipe(p));
  signal(SIGPIPE, SIG_IGN);
  close(p[0]);
  say("write with no reader, SIGPIPE ignored: %s\n", outcome(write(p[1], "x", 1)));
  close(p[1]);
  signal(SIGPIPE, SIG_DFL);
  MUST(pipe(p));
  close(p[0]); /* before the fork: no reader anywhere when the child writes */
  pid = MUST(fork());
  if (pid == 0) {
    (void)!write(p[1], "x", 1);
    _exit(0);
  }
  close(p[1]);
  say("writer with no reader, default SIGPIPE: status %d\n", status_of(pid));

  MUST(pipe2(p, O_NONBLOCK));
  say("non-blocking read of empty pipe: %s\n", outcome(read(p[0], &c, 1)));
  MUST(write(p[1], "0123456789", 10));
  int pending = -1;
  MUST(ioctl(p[0], FIONREAD, &pending));
  say("FIONREAD after 10 bytes: %d\n", pending);
  say("F_GETFL has O_NONBLOCK: %d\n", (MUST(fcntl(p[0], F_GETFL)) & O_NONBLOCK) != 0);
  size_t filled = 10;
  while ((n = write(p[1], answer, sizeof answer)) > 0) filled += n;
  /* Linux's capacity is 16 pages; how full it gets before EAGAIN depends on write sizes. */
  say("filling a non-blocking pipe ends with %s, between 60 and 64 KiB in: %d\n", outcome(n), filled > 60 * 1024 && filled <= 64 * 1024);
  close(p[0]);
  close(p[1]);

  /* busybox seq 1 2000 | busybox wc -l, the way a shell wires it. */
  MUST(pipe(p));
  pid_t left = MUST(fork());
  if (left == 0) {
    MUST(dup2(p[1], 1));
    close(p[0]);
    close(p[1]);
    execlp("busybox", "busybox", "seq", "1", "2000", (char *)NULL);
    _exit(127);
  }
  int result[2];
  MUST(pipe(result));
  pid_t right = MUST(fork());
  if (right == 0) {
    MUST(dup2(p[0], 0));
    MUST(dup2(result[1], 1));
    close(p[0]);
    close(p[1]);
    close(result[0]);
    close(result[1]);
    execlp("busybox", "busybox", "wc", "-l", (char *)NULL);
    _exit(127);
  }
  close(p[0]);
  close(p[1]);
  close(result[1]);
  char count[64] = {0};
  have = 0;
  while ((n = read(result[0], count + have, sizeof count - 1 - have)) > 0) have += n;
  say("seq 1 2000 | wc -l: %s", count);
  say("pipeline statuses %d %d\n", status_of(left), status_of(right));
  return 0;
}
