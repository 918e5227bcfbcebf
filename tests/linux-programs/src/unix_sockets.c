/* AF_UNIX sockets, the OS half of a Wayland connection.
 *   pair    socketpair (stream, seqpacket, dgram): bytes both ways, message
 *           boundaries, SCM_RIGHTS passing a memfd whose MAP_SHARED mapping the
 *           receiver maps and sees written after the pass, read() sees the
 *           sender's stores, SO_PEERCRED/SO_TYPE, shutdown, EOF and EPIPE.
 *   server  a fork-based server on a path socket: bind, listen, connect,
 *           accept4, poll for readiness, getsockname/getpeername, hang-ups.
 *   errors  ECONNREFUSED, ENOENT, EADDRINUSE, ENOTSOCK, EBADF in SCM_RIGHTS,
 *           MSG_CTRUNC with a short control buffer, EISCONN, ENOTCONN, EINVAL.
 *   connect PATH  connect, send, hang up.
 *   client PATH  the guest half of the service-listener test (a Wayland
 *           client's shape): connect, pass a memfd pool, draw into it after the
 *           pass, read a file the service passed back. */
#include "suite.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_status(pid_t pid) {
  int status;
  MUST(waitpid(pid, &status, 0));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Send bytes with up to `n` fds in SCM_RIGHTS. */
static ssize_t send_fds(int sock, const void *buf, size_t len, const int *fds, int n) {
  struct iovec iov = {(void *)buf, len};
  union { char b[CMSG_SPACE(sizeof(int) * 8)]; struct cmsghdr align; } u;
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
  if (n > 0) {
    memset(&u, 0, sizeof u);
    m.msg_control = u.b;
    m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  }
  return sendmsg(sock, &m, 0);
}

/* Receive bytes and fds (into fds[], *n in: capacity, out: count) with a control buffer of `ctl` bytes. */
static ssize_t recv_fds(int sock, void *buf, size_t len, int *fds, int *n, size_t ctl, int *flags) {
  struct iovec iov = {buf, len};
  union { char b[512]; struct cmsghdr align; } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl ? u.b : NULL, .msg_controllen = ctl};
  ssize_t r = recvmsg(sock, &m, 0);
  int got = 0;
  if (r >= 0)
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (int i = 0; i < k && got < *n; i++) memcpy(&fds[got++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      }
  *n = got;
  if (flags) *flags = m.msg_flags;
  return r;
}

static void pair_basics(int type, const char *name) {
  int sv[2];
  MUST(socketpair(AF_UNIX, type, 0, sv));
  MUST(write(sv[0], "hello", 5));
  MUST(write(sv[0], "world", 5));
  char buf[64] = {0};
  ssize_t n = read(sv[1], buf, sizeof buf);
  say("%s: first read %zd '%.*s'\n", name, n, (int)(n > 0 ? n : 0), buf);
  if (type != SOCK_STREAM) {
    n = recv(sv[1], buf, 3, 0);
    say("%s: short recv of a 5-byte message %zd '%.*s'\n", name, n, (int)(n > 0 ? n : 0), buf);
    MUST(write(sv[1], "", 0));
    n = recv(sv[0], buf, sizeof buf, MSG_DONTWAIT);
    say("%s: empty message %zd\n", name, n);
  }
  n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
  say("%s: nothing left: %zd %s\n", name, n, outcome(n));
  int v = 0;
  socklen_t len = sizeof v;
  MUST(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
  say("%s: SO_TYPE %d len %u\n", name, v, len);
  struct ucred cred;
  len = sizeof cred;
  MUST(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len));
  say("%s: SO_PEERCRED pid is mine %d, uid %u gid %u, len %u\n", name, cred.pid == getpid(), cred.uid, cred.gid, len);
  struct stat st;
  MUST(fstat(sv[0], &st));
  say("%s: fstat is a socket %d\n", name, S_ISSOCK(st.st_mode));
  MUST(close(sv[0]));
  if (type != SOCK_DGRAM) {
    n = read(sv[1], buf, sizeof buf);
    say("%s: read after the peer closed %zd\n", name, n);
    signal(SIGPIPE, SIG_IGN);
    n = write(sv[1], "x", 1);
    say("%s: write after the peer closed %zd %s\n", name, n, outcome(n));
  }
  close(sv[1]);
}

static void pair_memfd(void) {
  int sv[2];
  MUST(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  pid_t pid = MUST(fork());
  if (pid == 0) {
    /* The receiver (like a compositor): gets the fd, maps it shared, waits for the sender's go. */
    close(sv[0]);
    char buf[16];
    int fds[4], n = 4;
    ssize_t r = recv_fds(sv[1], buf, sizeof buf, fds, &n, 512, NULL);
    say("child: got %zd bytes '%.*s' and %d fd(s)\n", r, (int)(r > 0 ? r : 0), buf, n);
    if (n != 1) _exit(1);
    struct stat st;
    MUST(fstat(fds[0], &st));
    say("child: passed fd is a regular file of %lld bytes\n", (long long)st.st_size);
    unsigned char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
    if (map == MAP_FAILED) return say("child: mmap %s\n", outcome(-1)), _exit(1);
    say("child: before: %u %u\n", map[0], map[5000]);
    MUST(write(sv[1], "mapped", 6));
    r = read(sv[1], buf, 2);
    say("child: sender says %.*s; after: %u %u\n", (int)(r > 0 ? r : 0), buf, map[0], map[5000]);
    map[1] = 77; /* the sender must see this through its own mapping and read() */
    MUST(write(sv[1], "k", 1));
    r = read(sv[1], buf, 1);
    say("child: the sender's pwrite through my mapping %u, its ftruncate cleared %u\n", map[3], map[4096]);
    _exit(0);
  }
  close(sv[1]);
  int fd = MUST(memfd_create("pool", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  MUST(ftruncate(fd, 8192));
  unsigned char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return (void)say("parent: mmap %s\n", outcome(-1));
  map[0] = 1;
  map[5000] = 2;
  MUST(send_fds(sv[0], "pool", 4, &fd, 1));
  char buf[16];
  ssize_t r = read(sv[0], buf, 6);
  say("parent: child says %.*s\n", (int)(r > 0 ? r : 0), buf);
  map[0] = 200; /* written after the pass: the receiver's mapping sees it */
  map[5000] = 201;
  MUST(write(sv[0], "go", 2));
  r = read(sv[0], buf, 1);
  unsigned char b = 0;
  MUST(pread(fd, &b, 1, 1));
  say("parent: the child's store through my mapping %u, through pread %u\n", map[1], b);
  MUST(pread(fd, &b, 1, 5000));
  say("parent: pread sees my own store %u\n", b);
  b = 99;
  MUST(pwrite(fd, &b, 1, 3)); /* write() reaches every mapping */
  map[4096] = 5;
  MUST(ftruncate(fd, 4096)); /* the second page goes: zeros when it comes back */
  MUST(ftruncate(fd, 8192));
  MUST(write(sv[0], "x", 1));
  say("parent: child status %d\n", child_status(pid));
  say("parent: seals %d\n", fcntl(fd, F_GET_SEALS));
  MUST(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL));
  int e = ftruncate(fd, 10);
  say("parent: seals %d, shrink %s\n", fcntl(fd, F_GET_SEALS), outcome(e));
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  char link[128] = {0};
  MUST(readlink(path, link, sizeof link - 1));
  say("parent: %s\n", link);
}

static void pair_rights_many(void) {
  int sv[2], p[2];
  MUST(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
  MUST(pipe(p));
  int fds[2] = {p[0], p[1]};
  MUST(send_fds(sv[0], "two", 3, fds, 2));
  MUST(close(p[0]));
  MUST(close(p[1]));
  char buf[8];
  int got[4], n = 4;
  ssize_t r = recv_fds(sv[1], buf, sizeof buf, got, &n, 512, NULL);
  say("rights: %zd bytes, %d fds, distinct %d\n", r, n, n == 2 && got[0] != got[1]);
  MUST(write(got[1], "through", 7));
  MUST(close(got[1]));
  r = read(got[0], buf, sizeof buf);
  say("rights: the passed pipe carries '%.*s'\n", (int)(r > 0 ? r : 0), buf);
  close(got[0]);
  close(sv[0]);
  close(sv[1]);
}

static void unlink_dir(const char *dir, const char *path) {
  unlink(path);
  rmdir(dir);
}

static void server(void) {
  char dir[] = "/tmp/unixsock-XXXXXX";
  if (!mkdtemp(dir)) return (void)say("mkdtemp failed\n");
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s/sock", dir);
  int l = MUST(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  MUST(bind(l, (struct sockaddr *)&a, sizeof a));
  MUST(listen(l, 4));
  struct stat st;
  MUST(stat(a.sun_path, &st));
  say("server: the path is a socket %d\n", S_ISSOCK(st.st_mode));
  int acc = 0;
  socklen_t len = sizeof acc;
  MUST(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len));
  say("server: SO_ACCEPTCONN %d\n", acc);
  struct pollfd pf = {l, POLLIN, 0};
  say("server: poll before any client %d\n", poll(&pf, 1, 0));
  pid_t pids[3];
  for (int i = 0; i < 3; i++) {
    pids[i] = MUST(fork());
    if (pids[i] == 0) {
      int c = MUST(socket(AF_UNIX, SOCK_STREAM, 0));
      MUST(connect(c, (struct sockaddr *)&a, sizeof a));
      char msg[32];
      int k = snprintf(msg, sizeof msg, "client %d", i);
      MUST(write(c, msg, k));
      char buf[64];
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0 || strncmp(buf, "re:", 3)) _exit(2);
      n = read(c, buf, sizeof buf); /* end of file: the server closed */
      _exit(n == 0 ? 10 + i : 3);
    }
  }
  int conns[3];
  for (int i = 0; i < 3; i++) {
    pf = (struct pollfd){l, POLLIN, 0};
    MUST(poll(&pf, 1, -1));
    struct sockaddr_un peer;
    len = sizeof peer;
    conns[i] = MUST(accept4(l, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC));
    say("server: accepted (revents %#x), peer address length %u\n", pf.revents, len);
  }
  /* Read each connection when poll says it has data; order by content, not arrival. */
  int seen = 0;
  char names[3][32] = {{0}};
  while (seen < 3) {
    struct pollfd fds[3];
    for (int i = 0; i < 3; i++) fds[i] = (struct pollfd){conns[i], names[i][0] ? 0 : POLLIN, 0};
    MUST(poll(fds, 3, -1));
    for (int i = 0; i < 3; i++)
      if (fds[i].revents & POLLIN) {
        ssize_t n = MUST(read(conns[i], names[i], sizeof names[i] - 1));
        names[i][n] = 0;
        seen++;
      }
  }
  int sum = 0;
  for (int i = 0; i < 3; i++) {
    sum += names[i][7] - '0';
    char reply[64];
    int k = snprintf(reply, sizeof reply, "re:%s", names[i]);
    MUST(write(conns[i], reply, k));
    struct sockaddr_un me;
    len = sizeof me;
    MUST(getsockname(conns[i], (struct sockaddr *)&me, &len));
    if (i == 0) say("server: getsockname of an accepted socket: same path %d (len %u)\n", strcmp(me.sun_path, a.sun_path) == 0, len);
    len = sizeof me;
    int e = getpeername(conns[i], (struct sockaddr *)&me, &len);
    if (i == 0) say("server: getpeername of an unbound client: %s, len %u\n", outcome(e), len);
    MUST(close(conns[i]));
  }
  say("server: client numbers sum %d\n", sum);
  int st_sum = 0;
  for (int i = 0; i < 3; i++) st_sum += child_status(pids[i]);
  say("server: client statuses sum %d\n", st_sum);

  /* A client that hangs up: the server's poll sees POLLIN|POLLHUP and read gives 0. */
  pid_t pid = MUST(fork());
  if (pid == 0) {
    int c = MUST(socket(AF_UNIX, SOCK_STREAM, 0));
    MUST(connect(c, (struct sockaddr *)&a, sizeof a));
    _exit(0);
  }
  int c = MUST(accept(l, NULL, NULL));
  say("server: hang-up client status %d\n", child_status(pid));
  pf = (struct pollfd){c, POLLIN, 0};
  MUST(poll(&pf, 1, -1));
  char b;
  say("server: after the hang-up poll %#x, read %zd\n", pf.revents, read(c, &b, 1));
  close(c);
  close(l);
  unlink_dir(dir, a.sun_path);
}

static void errors(void) {
  char dir[] = "/tmp/unixsock-XXXXXX";
  if (!mkdtemp(dir)) return (void)say("mkdtemp failed\n");
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s/sock", dir);
  int s = MUST(socket(AF_UNIX, SOCK_STREAM, 0));
  int e = connect(s, (struct sockaddr *)&a, sizeof a);
  say("connect to a missing path: %s\n", outcome(e));
  int b = MUST(socket(AF_UNIX, SOCK_STREAM, 0));
  MUST(bind(b, (struct sockaddr *)&a, sizeof a));
  e = connect(s, (struct sockaddr *)&a, sizeof a);
  say("connect to a bound socket that does not listen: %s\n", outcome(e));
  int b2 = MUST(socket(AF_UNIX, SOCK_STREAM, 0));
  e = bind(b2, (struct sockaddr *)&a, sizeof a);
  say("bind to a taken path: %s\n", outcome(e));
  e = bind(b, (struct sockaddr *)&a, sizeof a);
  say("bind twice: %s\n", outcome(e));
  close(b);
  e = connect(s, (struct sockaddr *)&a, sizeof a);
  say("connect after the listener closed (the file stays): %s\n", outcome(e));
  unlink(a.sun_path);
  char file[64];
  snprintf(file, sizeof file, "%s/file", dir);
  int f = MUST(open(file, O_CREAT | O_RDWR, 0600));
  struct sockaddr_un fa = {.sun_family = AF_UNIX};
  snprintf(fa.sun_path, sizeof fa.sun_path, "%s", file);
  e = connect(s, (struct sockaddr *)&fa, sizeof fa);
  say("connect to a regular file: %s\n", outcome(e));
  e = listen(f, 1);
  say("listen on a file: %s\n", outcome(e));
  char buf[8];
  e = recv(f, buf, 1, 0);
  say("recv on a file: %s\n", outcome(e));
  e = send(9999, buf, 1, 0);
  say("send on a closed fd: %s\n", outcome(e));
  e = socket(AF_INET6 + 100, SOCK_STREAM, 0);
  say("socket of an unknown family: %s\n", outcome(e));
  e = socket(AF_UNIX, 77, 0);
  say("socket of an unknown type: %s\n", outcome(e));
  e = listen(s, 1);
  say("listen on an unbound socket: %s\n", outcome(e));
  e = write(s, "x", 1);
  say("write on an unconnected stream socket: %s\n", outcome(e));
  e = recv(s, buf, 1, 0);
  say("recv on an unconnected stream socket: %s\n", outcome(e));
  struct sockaddr_un peer;
  socklen_t len = sizeof peer;
  e = getpeername(s, (struct sockaddr *)&peer, &len);
  say("getpeername unconnected: %s\n", outcome(e));
  e = getsockopt(s, SOL_SOCKET, 12345, buf, &len);
  say("getsockopt of an unknown option: %s\n", outcome(e));
  int one = 1;
  e = setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
  say("setsockopt SO_PASSCRED: %s\n", outcome(e));

  int sv[2];
  MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  int bad = 9999;
  e = send_fds(sv[0], "x", 1, &bad, 1);
  say("SCM_RIGHTS with a closed fd: %s\n", outcome(e));
  e = connect(sv[0], (struct sockaddr *)&a, sizeof a);
  say("connect on a connected socket: %s\n", outcome(e));
  int three[3] = {0, 1, 2};
  MUST(send_fds(sv[0], "y", 1, three, 3));
  int got[4], n = 4, flags = 0;
  ssize_t r = recv_fds(sv[1], buf, sizeof buf, got, &n, CMSG_SPACE(sizeof(int)), &flags);
  say("three fds into room for one: %zd bytes, %d fd, MSG_CTRUNC %d\n", r, n, (flags & MSG_CTRUNC) != 0);
  for (int i = 0; i < n; i++) close(got[i]);
  MUST(send_fds(sv[0], "z", 1, three, 2));
  n = 4;
  r = recv_fds(sv[1], buf, sizeof buf, got, &n, 0, &flags);
  say("fds with no control buffer: %zd bytes, %d fds, MSG_CTRUNC %d\n", r, n, (flags & MSG_CTRUNC) != 0);
  MUST(send_fds(sv[0], "w", 1, three, 1));
  r = read(sv[1], buf, sizeof buf);
  say("read() of a message with fds: %zd\n", r);
  e = shutdown(sv[0], SHUT_WR);
  r = read(sv[1], buf, sizeof buf);
  say("shutdown(SHUT_WR) %s: the peer reads %zd\n", outcome(e), r);
  signal(SIGPIPE, SIG_IGN);
  e = write(sv[0], "x", 1);
  say("write after SHUT_WR: %s\n", outcome(e));
  e = shutdown(sv[0], 7);
  say("shutdown with a bad how: %s\n", outcome(e));
  int fl = fcntl(sv[1], F_GETFL);
  MUST(fcntl(sv[1], F_SETFL, fl | O_NONBLOCK));
  MUST(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
  e = read(sv[0], buf, 1);
  say("nonblocking read with nothing: %s\n", outcome(e));
  e = memfd_create("x", MFD_HUGETLB << 1 | 0x1000);
  say("memfd_create with bad flags: %s\n", outcome(e));
  int m = MUST(memfd_create("noseal", 0));
  say("memfd without MFD_ALLOW_SEALING: seals %d, add %s\n", fcntl(m, F_GET_SEALS), outcome(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE)));
  /* (F_GET_SEALS on an ordinary file depends on what /tmp is: EINVAL on disk filesystems,
   * the seals on tmpfs; a case compared across machines leaves it out.) */
  unlink(file);
  rmdir(dir);
}

/* Read until `want` bytes came (a stream may split them). */
static int read_exact(int fd, char *buf, size_t want) {
  size_t got = 0;
  while (got < want) {
    ssize_t n = read(fd, buf + got, want - got);
    if (n <= 0) return -1;
    got += n;
  }
  return 0;
}

static int client(const char *path) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
  int s = MUST(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  MUST(connect(s, (struct sockaddr *)&a, sizeof a));
  const size_t size = 64 * 64 * 4;
  int pool = MUST(memfd_create("wl_shm", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  MUST(ftruncate(pool, size));
  unsigned char *px = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, pool, 0);
  if (px == MAP_FAILED) return say("mmap %s\n", outcome(-1)), 1;
  MUST(send_fds(s, "hello", 5, &pool, 1));
  MUST(close(pool)); /* the mapping and the service's handle keep it alive */
  char buf[64];
  int fds[4], n = 4;
  ssize_t r = recv_fds(s, buf, 2, fds, &n, 512, NULL);
  say("client: service says %.*s with %d fd(s)\n", (int)(r > 0 ? r : 0), buf, n);
  if (n == 1) {
    char km[64] = {0};
    ssize_t k = pread(fds[0], km, sizeof km - 1, 0);
    say("client: passed file holds '%s' (%zd bytes)\n", km, k);
  }
  for (size_t i = 0; i < size; i++) px[i] = (unsigned char)(i * 7 + 3); /* drawn after the pass */
  MUST(write(s, "drawn", 5));
  if (read_exact(s, buf, 3)) return say("client: no bye\n"), 1;
  say("client: service says %.3s\n", buf);
  r = read(s, buf, 1);
  say("client: then end of file %zd\n", r);
  return 0;
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "pair")) {
    pair_basics(SOCK_STREAM, "stream");
    pair_basics(SOCK_SEQPACKET, "seqpacket");
    pair_basics(SOCK_DGRAM, "dgram");
    pair_rights_many();
    pair_memfd();
  } else if (!strcmp(what, "server")) {
    server();
  } else if (!strcmp(what, "errors")) {
    errors();
  } else if (!strcmp(what, "client") && argc > 2) {
    return client(argv[2]);
  } else if (!strcmp(what, "connect") && argc > 2) {
    /* Connect, say one thing, hang up. */
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[2]);
    int s = MUST(socket(AF_UNIX, SOCK_STREAM, 0));
    MUST(connect(s, (struct sockaddr *)&a, sizeof a));
    MUST(write(s, "short visit", 11));
    return close(s) < 0;
  } else {
    fprintf(stderr, "usage: unix_sockets pair|server|errors\n");
    return 2;
  }
  return 0;
}
