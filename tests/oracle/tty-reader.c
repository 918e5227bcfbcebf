/*
 * The guest side of the terminal oracle (tests/oracle/pty-run.py): sets the
 * terminal on fd 0 to the termios given in hex (the kernel's 36-byte struct
 * termios: iflag oflag cflag lflag line cc[19]), then reads and reports each
 * read on fd 3 as "<result> <hex>" until end of file twice or SIGALRM.
 * Signal characters signal it; it ignores them, so the line discipline's own
 * behaviour (flushing, echo) is what shows.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <asm/termbits.h>

int main(int argc, char **argv) {
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  struct termios t;
  const char *h = argv[1];
  unsigned char *p = (unsigned char *)&t;
  for (size_t i = 0; i < sizeof t && h[2 * i]; i++) {
    unsigned v;
    sscanf(h + 2 * i, "%2x", &v);
    p[i] = (unsigned char)v;
  }
  if (ioctl(0, TCSETS, &t) != 0) { perror("TCSETS"); return 1; }
  if (write(3, "ready\n", 6) != 6) return 1;
  alarm(3);
  int eofs = 0;
  for (;;) {
    unsigned char buf[256];
    ssize_t n = read(0, buf, sizeof buf);
    char line[1024];
    int at = snprintf(line, sizeof line, "%zd ", n);
    for (ssize_t i = 0; i < n; i++) at += snprintf(line + at, sizeof line - at, "%02x", buf[i]);
    line[at++] = '\n';
    if (write(3, line, at) != at) return 1;
    if (n <= 0 && ++eofs >= 2) return 0;
  }
}
