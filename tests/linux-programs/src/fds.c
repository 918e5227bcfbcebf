/* File descriptors: lowest-free numbering, dup/dup2/dup3/F_DUPFD sharing one
 * offset, close-on-exec flags (FD_CLOEXEC, O_CLOEXEC, dup3) and which fds survive
 * an exec, offsets shared with a child after fork, O_APPEND through a dup,
 * /dev/null and /dev/zero, and EBADF. Invoked as "fds probe FD..." it reports which
 * of those fds are open (the exec target). */
#include "suite.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static void probe(int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    int fd = atoi(argv[i]);
    int flags = fcntl(fd, F_GETFD);
    say("  after exec fd %d: %s\n", fd, flags < 0 ? outcome(flags) : "open");
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "probe")) return probe(argc, argv), 0;
  int fd = MUST(open("f.txt", O_CREAT | O_RDWR | O_TRUNC, 0644));
  say("first free fd: %d\n", fd);
  MUST(write(fd, "0123456789abcdef", 16));
  MUST(lseek(fd, 4, SEEK_SET));
  int d = MUST(dup(fd));
  say("dup: %d, offset through dup: %lld\n", d, (long long)lseek(d, 0, SEEK_CUR));
  char c;
  MUST(read(d, &c, 1));
  say("read '%c' through dup, original now at %lld\n", c, (long long)lseek(fd, 0, SEEK_CUR));
  say("dup2 to 10: %ld\n", MUST(dup2(fd, 10)));
  say("dup2 onto itself: %ld\n", MUST(dup2(10, 10)));
  say("dup3 onto itself: %s\n", outcome(dup3(10, 10, 0)));
  say("F_DUPFD from 20: %ld\n", MUST(fcntl(fd, F_DUPFD, 20)));
  int cx = MUST(fcntl(fd, F_DUPFD_CLOEXEC, 30));
  say("F_DUPFD_CLOEXEC: %d, FD_CLOEXEC set: %d\n", cx, (MUST(fcntl(cx, F_GETFD)) & FD_CLOEXEC) != 0);
  say("dup3 O_CLOEXEC to 11: %ld\n", MUST(dup3(fd, 11, O_CLOEXEC)));
  int oc = MUST(open("f.txt", O_RDONLY | O_CLOEXEC));
  say("open O_CLOEXEC: %d\n", oc);
  MUST(fcntl(10, F_SETFD, FD_CLOEXEC));
  MUST(fcntl(10, F_SETFD, 0));
  say("F_GETFL of the O_RDWR fd has O_RDWR: %d\n", (MUST(fcntl(fd, F_GETFL)) & O_ACCMODE) == O_RDWR);
  say("close 20: %s, close 20 again: ", outcome(close(20)));
  say("%s\n", outcome(close(20)));
  say("read from fd 99: %s\n", outcome(read(99, &c, 1)));
  say("dup2 from 99: %s\n", outcome(dup2(99, 12)));

  pid_t pid = MUST(fork());
  if (pid == 0) {
    MUST(lseek(fd, 12, SEEK_SET));
    _exit(0);
  }
  int status;
  MUST(waitpid(pid, &status, 0));
  say("offset after the child's lseek: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));

  int ap = MUST(open("f.txt", O_WRONLY | O_APPEND));
  int apd = MUST(dup(ap));
  MUST(lseek(apd, 0, SEEK_SET));
  MUST(write(apd, "XY", 2));
  struct { char b[32]; } content = {{0}};
  MUST(pread(fd, content.b, sizeof content.b - 1, 0));
  say("O_APPEND through a dup: %s\n", content.b);

  int null = MUST(open("/dev/null", O_RDWR));
  say("write to /dev/null: %zd\n", write(null, "abc", 3));
  say("read from /dev/null: %zd\n", read(null, &c, 1));
  int zero = MUST(open("/dev/zero", O_RDONLY));
  char zeros[100];
  memset(zeros, 1, sizeof zeros);
  ssize_t got = read(zero, zeros, sizeof zeros);
  int all = 1;
  for (int i = 0; i < 100; i++) all &= zeros[i] == 0;
  say("read /dev/zero: %zd bytes, all zero %d\n", got, all);

  say("exec with fds %d %d 10 11 %d %d open:\n", fd, d, cx, oc);
  fflush(stdout);
  char a[6][8];
  int probe_fds[6] = {fd, d, 10, 11, cx, oc};
  char *args[9] = {argv[0], "probe"};
  for (int i = 0; i < 6; i++) snprintf(a[i], sizeof a[i], "%d", probe_fds[i]), args[i + 2] = a[i];
  args[8] = NULL;
  pid = MUST(fork());
  if (pid == 0) {
    execvp(argv[0], args);
    _exit(127);
  }
  MUST(waitpid(pid, &status, 0));
  say("probe status %d\n", WEXITSTATUS(status));
  MUST(unlink("f.txt"));
  return 0;
}
