/* File-backed memory: a private read-only mapping matches read(), the tail of the
 * last page reads as zeros, a mapping at a page offset, private writes never reach
 * the file, shared writes do (after msync and after munmap), and the errors for a
 * misaligned offset, a write-only fd and PROT_WRITE|MAP_SHARED on a read-only fd. */
#include "suite.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096
#define SIZE (3 * PAGE + 100)

static unsigned char expected(size_t i) { return (unsigned char)(i * 7 + (i >> 9)); }

static unsigned long long file_sum(const char *path, size_t *len) {
  static unsigned char buf[SIZE + PAGE];
  int fd = MUST(open(path, O_RDONLY));
  size_t n = 0;
  ssize_t r;
  while ((r = read(fd, buf + n, sizeof buf - n)) > 0) n += r;
  close(fd);
  *len = n;
  return fnv(FNV_START, buf, n);
}

int main(void) {
  static unsigned char data[SIZE];
  for (size_t i = 0; i < SIZE; i++) data[i] = expected(i);
  int fd = MUST(open("data.bin", O_CREAT | O_RDWR | O_TRUNC, 0644));
  say("write file: %zd\n", write(fd, data, SIZE));
  size_t len;
  unsigned long long original = file_sum("data.bin", &len);
  say("file: %zu bytes, checksum %016llx\n", len, original);

  unsigned char *ro = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
  if (ro == MAP_FAILED) return say("mmap private: %s\n", outcome(-1)), 1;
  say("private mapping matches the file: %d\n", memcmp(ro, data, SIZE) == 0);
  size_t tail_zero = 0;
  for (size_t i = SIZE; i < 4 * PAGE; i++) tail_zero += ro[i] == 0;
  say("last page tail zeros: %zu of %d\n", tail_zero, 4 * PAGE - SIZE);
  MUST(munmap(ro, SIZE));

  unsigned char *at1 = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
  say("mapping at offset 4096 starts with file byte 4096: %d\n", at1 != MAP_FAILED && at1[0] == expected(PAGE) && at1[4095] == expected(2 * PAGE - 1));
  say("misaligned offset: %s\n", outcome(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED ? -1 : 0));

  unsigned char *cow = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  memset(cow, 'P', 200);
  say("private write visible in mapping: %d\n", cow[199] == 'P');
  MUST(munmap(cow, SIZE));
  say("file unchanged by private write: %d\n", file_sum("data.bin", &len) == original);

  unsigned char *sh = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (sh == MAP_FAILED) return say("mmap shared: %s\n", outcome(-1)), 1;
  memcpy(sh + 10, "SHARED", 6);
  say("msync: %s\n", outcome(msync(sh, PAGE, MS_SYNC)));
  char back[7] = {0};
  MUST(pread(fd, back, 6, 10));
  say("pread after msync: %s\n", back);
  memcpy(sh + 2 * PAGE, "UNMAPPED", 8);
  MUST(munmap(sh, SIZE));
  char back2[9] = {0};
  MUST(pread(fd, back2, 8, 2 * PAGE));
  say("pread after munmap: %s\n", back2);
  unsigned long long now = file_sum("data.bin", &len);
  say("file size still %zu, checksum changed: %d\n", len, now != original);
  close(fd);

  int rofd = MUST(open("data.bin", O_RDONLY));
  say("shared writable map of read-only fd: %s\n", outcome(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rofd, 0) == MAP_FAILED ? -1 : 0));
  say("private writable map of read-only fd: %s\n", outcome(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, rofd, 0) == MAP_FAILED ? -1 : 0));
  close(rofd);
  int wofd = MUST(open("data.bin", O_WRONLY));
  say("map of write-only fd: %s\n", outcome(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wofd, 0) == MAP_FAILED ? -1 : 0));
  close(wofd);
  say("map of a bad fd: %s\n", outcome(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0) == MAP_FAILED ? -1 : 0));
  MUST(unlink("data.bin"));
  return 0;
}
