/* AF_UNIX speed as a guest sees it (bench/src/unix-sockets.ts runs it natively
 * and on the system): a 64-byte ping-pong between two processes over a
 * socketpair (round trip p50/p99 in µs), a memfd passed and passed back with
 * SCM_RIGHTS (round trip p50), and a stream of `mb` MiB in 64 KiB writes
 * (MB/s), for comparison the same stream through a pipe.
 *   usage: unix_bench [rounds] [mb]   (default 500, 8) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void full(int fd, char *buf, size_t n) {
  for (size_t got = 0; got < n;) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) exit(3);
    got += r;
  }
}

static void send_fd(int s, int fd) {
  char c = 'f';
  struct iovec iov = {&c, 1};
  union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(h), &fd, sizeof fd);
  if (sendmsg(s, &m, 0) != 1) exit(4);
}

static int recv_fd(int s) {
  char c;
  struct iovec iov = {&c, 1};
  union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
  if (recvmsg(s, &m, 0) != 1) exit(5);
  int fd;
  memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
  return fd;
}

/* Stream `mb` MiB from a child to the parent through fds[1] -> fds[0]; MB/s. */
static double stream(int rfd, int wfd, int mb) {
  static char buf[65536];
  double t0 = now_us();
  pid_t pid = fork();
  if (pid == 0) {
    close(rfd);
    for (int i = 0; i < mb * 16; i++) if (write(wfd, buf, sizeof buf) != sizeof buf) _exit(1);
    _exit(0);
  }
  close(wfd);
  size_t total = 0;
  for (ssize_t r; (r = read(rfd, buf, sizeof buf)) > 0;) total += r;
  waitpid(pid, NULL, 0);
  close(rfd);
  if (total != (size_t)mb << 20) exit(6);
  return mb * 1048576.0 / (now_us() - t0); /* bytes per µs: MB/s */
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 500, mb = argc > 2 ? atoi(argv[2]) : 8;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return 2;
  pid_t pid = fork();
  if (pid == 0) {
    char b[64];
    close(sv[0]);
    for (int i = 0; i < rounds + rounds / 10; i++) { full(sv[1], b, 64); if (write(sv[1], b, 64) != 64) _exit(1); }
    for (int i = 0; i < rounds / 4; i++) { int fd = recv_fd(sv[1]); send_fd(sv[1], fd); close(fd); }
    _exit(0);
  }
  close(sv[1]);
  double *t = malloc(sizeof(double) * rounds);
  char b[64] = {0};
  for (int i = 0; i < rounds + rounds / 10; i++) {
    double t0 = now_us();
    if (write(sv[0], b, 64) != 64) return 7;
    full(sv[0], b, 64);
    if (i >= rounds / 10) t[i - rounds / 10] = now_us() - t0;
  }
  qsort(t, rounds, sizeof *t, cmp);
  printf("pingpong %.1f %.1f\n", t[rounds / 2], t[rounds * 99 / 100]);
  int mfd = memfd_create("bench", 0);
  int n = rounds / 4;
  for (int i = 0; i < n; i++) {
    double t0 = now_us();
    send_fd(sv[0], mfd);
    close(recv_fd(sv[0]));
    t[i] = now_us() - t0;
  }
  qsort(t, n, sizeof *t, cmp);
  printf("fdpass %.1f %.1f\n", t[n / 2], t[n * 99 / 100]);
  waitpid(pid, NULL, 0);
  int s2[2], p[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, s2) || pipe(p)) return 2;
  printf("stream %.1f\n", stream(s2[0], s2[1], mb));
  printf("pipe %.1f\n", stream(p[0], p[1], mb));
  return 0;
}
