/* Shared helpers for the differential suite's C programs. Every line a program
 * prints goes out at once (flushed before any fork, exec or signal can duplicate
 * or lose buffered output), and every failed call is reported by its errno name,
 * so native and emulated runs can be compared byte for byte. Nothing printed may
 * depend on time, pids, addresses or scheduling. */
#ifndef SUITE_H
#define SUITE_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* printf, then flush: output order is the program's order even across fork. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fflush(stdout);
}

/* "0" for success, else the errno's name (EEXIST, ENOENT, ...). */
static inline const char *outcome(long r) {
  if (r >= 0) return "0";
  const char *name = strerrorname_np(errno);
  return name ? name : "E?";
}

/* A call that must succeed: on failure the program says which and exits 100. */
#define MUST(call)                                                                  \
  ({                                                                                \
    long _r = (long)(call);                                                         \
    if (_r < 0) {                                                                   \
      say("FAILED %s at line %d: %s\n", #call, __LINE__, strerrorname_np(errno));   \
      exit(100);                                                                    \
    }                                                                               \
    _r;                                                                             \
  })

/* The same for calls that return 0 or an error number (pthreads, posix_spawn). */
#define MUST0(call)                                                                 \
  do {                                                                              \
    int _e = (call);                                                                \
    if (_e != 0) {                                                                  \
      say("FAILED %s at line %d: %s\n", #call, __LINE__, strerrorname_np(_e));      \
      exit(100);                                                                    \
    }                                                                               \
  } while (0)

/* FNV-1a, for summarising large buffers in one printed number. */
static inline unsigned long long fnv(unsigned long long h, const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}
#define FNV_START 0xcbf29ce484222325ull

#endif
