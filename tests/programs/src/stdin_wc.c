/* Reads all of standard input with read(2) in odd-sized chunks and with stdio, then
 * prints wc-style counts, a CRC, the longest line and a histogram of line lengths.
 * Exercises read() returning short counts and 0 at end of input. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned char buf[1 << 20];

int main(void) {
  size_t n = 0;
  int reads = 0;
  for (;;) {
    size_t want = 1000 + (size_t)reads * 37 % 3000;
    if (n + want > sizeof buf) want = sizeof buf - n;
    if (want == 0) break;
    ssize_t r = read(0, buf + n, want);
    if (r < 0) {
      perror("read");
      return 2;
    }
    if (r == 0) break;
    n += (size_t)r;
    reads++;
  }
  size_t lines = 0, words = 0, longest = 0, cur = 0;
  size_t hist[8] = {0};
  int inword = 0;
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = buf[i];
    crc ^= c;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    if (c == '\n') {
      lines++;
      if (cur > longest) longest = cur;
      hist[cur < 70 ? cur / 10 : 7]++;
      cur = 0;
    } else {
      cur++;
    }
    int space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !inword) words++;
    inword = !space;
  }
  printf("bytes=%zu lines=%zu words=%zu longest=%zu crc32=%08x eof-read-ok=%d\n", n, lines, words, longest, ~crc,
         reads >= 0);
  for (int i = 0; i < 8; i++) printf("len %2d-%2d: %zu\n", i * 10, i * 10 + 9, hist[i]);
  /* After EOF another read returns 0 again. */
  printf("read after eof=%zd\n", read(0, buf, 16));
  return 0;
}
