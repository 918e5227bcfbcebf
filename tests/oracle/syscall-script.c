/*
 * The native side of vfsd's differential tests: runs a script of raw syscalls on
 * the host kernel and prints each result and the bytes each output buffer holds
 * afterwards. The same script runs through vfsd (tests/src/linux/script.ts), and
 * the two transcripts are compared.
 *
 * One call per line: "<nr> <arg>..." with up to six args, each one of
 *   i:<decimal>        an integer
 *   s:<hex>            a pointer to these bytes plus a NUL (a path)
 *   b:<hex>            a pointer to these bytes (an input)
 *   B:<hex>            the same, printed after the call (input and output)
 *   o:<n>              a pointer to n zero bytes, printed after the call
 *   v:<hex>,<hex>...   a pointer to iovecs over these chunks (writev)
 *   V:<n>,<n>...       a pointer to iovecs over zeroed chunks of these sizes, printed (readv)
 *   n                  NULL
 *   r:<k>              the result of line k
 *   f:<k>:<at>         the int32 at byte <at> of line k's first printed buffer (pipe fds)
 *   w:<ms>             (alone on a line) sleep, for timing tests
 * Output per line: "<k> <result or -errno>" then " <hex>" per printed buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINES 4096
#define MAX_BUFS 8

static long results[MAX_LINES];
static unsigned char *firstOut[MAX_LINES];

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

static unsigned char *unhex(const char *s, size_t n, size_t *len) {
  unsigned char *b = calloc(n / 2 + 1, 1);
  for (size_t i = 0; i + 1 < n; i += 2) b[i / 2] = (unsigned char)(hexval(s[i]) << 4 | hexval(s[i + 1]));
  *len = n / 2;
  return b;
}

static void hex(const unsigned char *b, size_t n) {
  putchar(' ');
  if (n == 0) putchar('-');
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
  static char line[1 << 20];
  int k = 0;
  /* EPIPE is the answer to check; the signal would end the run (vfsd asks the nucleus for it instead). */
  signal(SIGPIPE, SIG_IGN);
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    if (line[0] == 'w' && line[1] == ':') {
      struct timespec ts = { 0, atol(line + 2) * 1000000L };
      nanosleep(&ts, NULL);
      continue;
    }
    long args[6] = { 0 };
    unsigned char *show[MAX_BUFS];
    size_t showLen[MAX_BUFS];
    int nshow = 0;
    char *save = NULL;
    char *tok = strtok_r(line, " ", &save);
    long nr = atol(tok);
    int a = 0;
    while ((tok = strtok_r(NULL, " ", &save)) && a < 6) {
      char kind = tok[0];
      const char *val = tok + 2;
      size_t len;
      if (kind == 'i') {
        args[a] = strtol(val, NULL, 10);
      } else if (kind == 's') {
        unsigned char *b = unhex(val, strlen(val), &len);
        args[a] = (long)b;
      } else if (kind == 'b' || kind == 'B') {
        unsigned char *b = unhex(val, strlen(val), &len);
        args[a] = (long)b;
        if (kind == 'B') { show[nshow] = b; showLen[nshow++] = len; }
      } else if (kind == 'o') {
        len = (size_t)atol(val);
        unsigned char *b = calloc(len + 1, 1);
        args[a] = (long)b;
        show[nshow] = b; showLen[nshow++] = len;
      } else if (kind == 'v' || kind == 'V') {
        struct iovec *iov = calloc(64, sizeof *iov);
        int n = 0;
        char *s2 = NULL;
        char *copy = strdup(val);
        size_t total = 0;
        for (char *c = strtok_r(copy, ",", &s2); c; c = strtok_r(NULL, ",", &s2), n++) {
          if (kind == 'v') {
            iov[n].iov_base = unhex(c, strlen(c), &len);
            iov[n].iov_len = len;
          } else {
            iov[n].iov_len = (size_t)atol(c);
            iov[n].iov_base = calloc(iov[n].iov_len + 1, 1);
            total += iov[n].iov_len;
          }
        }
        args[a] = (long)iov;
        if (kind == 'V') {
          /* printed as one buffer: the chunks back to back, after the call */
          show[nshow] = (unsigned char *)iov;
          showLen[nshow++] = (size_t)-n;
        }
        (void)total;
      } else if (kind == 'n') {
        args[a] = 0;
      } else if (kind == 'r') {
        args[a] = results[atoi(val)];
      } else if (kind == 'f') {
        int line2 = atoi(val);
        int at = atoi(strchr(val, ':') + 1);
        int v;
        memcpy(&v, firstOut[line2] + at, 4);
        args[a] = v;
      }
      a++;
    }
    long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
    if (r < 0) r = -errno;
    results[k] = r;
    printf("%d %ld", k, r);
    for (int i = 0; i < nshow; i++) {
      if ((long)showLen[i] < 0) {
        struct iovec *iov = (struct iovec *)show[i];
        int n = (int)-(long)showLen[i];
        putchar(' ');
        size_t printed = 0;
        for (int j = 0; j < n; j++)
          for (size_t q = 0; q < iov[j].iov_len; q++, printed++) printf("%02x", ((unsigned char *)iov[j].iov_base)[q]);
        if (printed == 0) putchar('-');
        if (i == 0) firstOut[k] = iov[0].iov_base;
      } else {
        hex(show[i], showLen[i]);
        if (i == 0) firstOut[k] = show[i];
      }
    }
    putchar('\n');
    fflush(stdout);
    k++;
  }
  return 0;
}
