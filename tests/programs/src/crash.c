/* Deliberate deaths, one per argument: "segv" (store through NULL), "ud2" (an
 * undefined instruction), "div0" (integer division by zero), "abort" (SIGABRT through
 * glibc's abort, i.e. a signal the process sends itself). Each prints and flushes a
 * line first, so the output before the fault must also match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "segv";
  printf("about to die by %s\n", mode);
  fflush(stdout);
  if (strcmp(mode, "segv") == 0) {
    volatile int *p = (volatile int *)(unsigned long)(argc - 2); /* NULL, opaque to the compiler */
    *p = 1;
  } else if (strcmp(mode, "ud2") == 0) {
    __asm__ volatile("ud2");
  } else if (strcmp(mode, "div0") == 0) {
    int zero = argc - 2, q, r; /* 0, opaque: an idiv gcc cannot fold away */
    __asm__ volatile("cltd; idivl %2" : "=a"(q), "=&d"(r) : "r"(zero), "a"(1));
    printf("%d %d\n", q, r);
  } else if (strcmp(mode, "abort") == 0) {
    abort();
  }
  printf("still alive\n");
  return 0;
}
