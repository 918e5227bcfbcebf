/* The allocator under load: many small blocks (brk heap, tcache and bins), blocks
 * above the 128 KiB mmap threshold (mmap/munmap), realloc growth and shrinking
 * (mremap for mmapped chunks), calloc zeroing, aligned allocation, and malloc_trim
 * giving memory back. Every block is filled with a pattern derived from its id and
 * verified before it is freed, so a lost write or a wrong mapping is caught. No
 * addresses are printed. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define SLOTS 512
static unsigned char *blk[SLOTS];
static size_t len[SLOTS];
static unsigned tag[SLOTS];
static int corrupt;

static void fill(unsigned char *p, size_t n, unsigned t) {
  for (size_t i = 0; i < n; i += 61) p[i] = (unsigned char)(t + i);
  if (n) p[n - 1] = (unsigned char)(t * 7);
}
static void verify(const unsigned char *p, size_t n, unsigned t, const char *what) {
  for (size_t i = 0; i < n; i += 61)
    if (i != n - 1 && p[i] != (unsigned char)(t + i)) {
      if (corrupt++ < 10) printf("CORRUPT %s tag=%u len=%zu at %zu\n", what, t, n, i);
      return;
    }
  if (n && p[n - 1] != (unsigned char)(t * 7)) {
    if (corrupt++ < 10) printf("CORRUPT %s tag=%u len=%zu at end\n", what, t, n);
  }
}

static size_t pick_size(void) {
  unsigned r = rng_below(1000);
  if (r < 700) return 1 + rng_below(256);          /* tcache / fastbins */
  if (r < 950) return 256 + rng_below(16384);      /* small and large bins */
  if (r < 993) return 16384 + rng_below(100000);   /* still on the heap */
  return 131072 + rng_below(1024 * 1024);          /* mmapped */
}

static void churn(void) {
  printf("-- churn\n");
  rng_seed(42);
  unsigned next_tag = 1;
  long mallocs = 0, frees = 0, reallocs = 0, callocs = 0;
  size_t peak = 0, live = 0;
  for (int step = 0; step < 8000; step++) {
    int s = (int)rng_below(SLOTS);
    unsigned op = rng_below(10);
    if (blk[s] && op < 4) {
      verify(blk[s], len[s], tag[s], "free");
      free(blk[s]);
      live -= len[s];
      blk[s] = NULL;
      frees++;
    } else if (blk[s] && op < 7) {
      size_t n = (op == 6 || len[s] > (1u << 20)) ? len[s] / 2 + 1 : len[s] + pick_size();
      unsigned char *p = realloc(blk[s], n);
      if (!p) {
        printf("realloc failed\n");
        continue;
      }
      size_t keep = n < len[s] ? n : len[s];
      /* The kept prefix must survive the move; check it with the old pattern. */
      for (size_t i = 0; i < keep; i += 61)
        if (i != len[s] - 1 && p[i] != (unsigned char)(tag[s] + i) && corrupt++ < 10)
          printf("CORRUPT realloc tag=%u at %zu\n", tag[s], i);
      live += n - len[s];
      blk[s] = p;
      len[s] = n;
      tag[s] = next_tag++;
      fill(p, n, tag[s]);
      reallocs++;
    } else if (!blk[s]) {
      size_t n = pick_size();
      unsigned char *p;
      if (op == 9) {
        p = calloc(n, 1);
        callocs++;
        size_t nz = 0;
        for (size_t i = 0; i < n; i += 13) nz += p[i] != 0;
        if (nz && corrupt++ < 10) printf("CORRUPT calloc not zero (%zu)\n", nz);
      } else {
        p = malloc(n);
        mallocs++;
      }
      if (!p) {
        printf("malloc(%zu) failed\n", n);
        continue;
      }
      blk[s] = p;
      len[s] = n;
      tag[s] = next_tag++;
      fill(p, n, tag[s]);
      live += n;
      if (live > peak) peak = live;
    }
  }
  size_t remaining = 0;
  for (int s = 0; s < SLOTS; s++)
    if (blk[s]) {
      verify(blk[s], len[s], tag[s], "final");
      remaining++;
      free(blk[s]);
      blk[s] = NULL;
    }
  printf("mallocs=%ld callocs=%ld reallocs=%ld frees=%ld remaining=%zu peak=%zu\n", mallocs, callocs, reallocs,
         frees, remaining, peak);
}

static void big_blocks(void) {
  printf("-- big blocks\n");
  static const size_t sizes[] = {128 * 1024, 132 * 1024, 1 << 20, 3 << 20, 300000};
  uint64_t h = FNV_INIT;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    size_t n = sizes[i];
    unsigned char *p = malloc(n);
    memset(p, (int)i + 1, n);
    p = realloc(p, n * 3); /* mremap path for mmapped chunks */
    size_t bad = 0;
    for (size_t k = 0; k < n; k += 4096) bad += p[k] != (unsigned char)(i + 1);
    memset(p + n, 0x5a, 2 * n);
    p = realloc(p, n / 4);
    for (size_t k = 0; k < n / 4; k += 4096) bad += p[k] != (unsigned char)(i + 1);
    h = fnv_bytes(h, p, n / 4);
    printf("size %zu grow/shrink bad=%zu\n", n, bad);
    free(p);
  }
  void *al = NULL;
  int r = posix_memalign(&al, 4096, 10000);
  printf("posix_memalign rc=%d aligned=%d\n", r, ((uintptr_t)al & 4095) == 0);
  free(al);
  void *a2 = aligned_alloc(256, 1024);
  printf("aligned_alloc aligned=%d\n", ((uintptr_t)a2 & 255) == 0);
  free(a2);
  void *a3 = memalign(1 << 16, 300000);
  printf("memalign(64K) aligned=%d usable>=%d\n", ((uintptr_t)a3 & 0xffff) == 0, malloc_usable_size(a3) >= 300000);
  free(a3);
  printf("big checksum %016llx\n", (unsigned long long)h);
}

/* A linked structure built from many small nodes, then torn down in another order. */
struct node {
  struct node *next;
  unsigned value;
  char text[20];
};
static void lists(void) {
  printf("-- lists\n");
  struct node *head = NULL;
  for (unsigned i = 0; i < 20000; i++) {
    struct node *n = malloc(sizeof *n);
    n->value = i * 2654435761u;
    snprintf(n->text, sizeof n->text, "node%u", i);
    n->next = head;
    head = n;
  }
  uint64_t h = FNV_INIT;
  unsigned count = 0;
  struct node **pp = &head;
  while (*pp) { /* free every third node */
    struct node *n = *pp;
    if (n->value % 3 == 0) {
      *pp = n->next;
      free(n);
    } else {
      pp = &n->next;
    }
  }
  for (struct node *n = head; n; n = n->next) {
    h = fnv_bytes(h, n->text, strlen(n->text));
    count++;
  }
  while (head) {
    struct node *n = head->next;
    free(head);
    head = n;
  }
  printf("nodes kept %u checksum %016llx trim=%d\n", count, (unsigned long long)h, malloc_trim(0) >= 0);
}

int main(void) {
  churn();
  big_blocks();
  lists();
  printf("corruptions %d\n", corrupt);
  return corrupt != 0;
}
