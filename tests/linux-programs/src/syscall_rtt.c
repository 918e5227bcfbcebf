/* The round trip of one syscall as a guest sees it, timed call by call with
 * RDTSC: getuid (offloaded: the nucleus forwards it to syscalld's mailbox and
 * blocks the thread until the answer) and getpid (a nucleus mechanism, no
 * service involved). Prints p50/p99 in microseconds for each, using the TSC
 * rate measured against CLOCK_MONOTONIC over the run.
 *   usage: syscall_rtt [calls]   (default 2000) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <x86intrin.h>

static int cmp(const void *a, const void *b) {
  unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
  return x < y ? -1 : x > y;
}

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void measure(const char *name, long nr, int n, unsigned long long *ticks) {
  for (int i = 0; i < n / 10; i++) syscall(nr); /* warm up */
  for (int i = 0; i < n; i++) {
    unsigned long long t0 = __rdtsc();
    syscall(nr);
    ticks[i] = __rdtsc() - t0;
  }
  qsort(ticks, n, sizeof *ticks, cmp);
  (void)name;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  if (n < 10) n = 10;
  unsigned long long *uid = malloc(n * sizeof *uid), *pid = malloc(n * sizeof *pid);
  double us0 = now_us();
  unsigned long long tsc0 = __rdtsc();
  measure("getuid", SYS_getuid, n, uid);
  measure("getpid", SYS_getpid, n, pid);
  double per_us = (double)(__rdtsc() - tsc0) / (now_us() - us0);
  printf("getuid %.2f %.2f\n", uid[n / 2] / per_us, uid[n * 99 / 100] / per_us);
  printf("getpid %.2f %.2f\n", pid[n / 2] / per_us, pid[n * 99 / 100] / per_us);
  return 0;
}
