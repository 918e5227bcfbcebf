/* qsort (glibc's merge sort with its malloc'd buffer, and the in-place fallback for
 * large elements), bsearch, and an open-addressing hash table keyed by strings. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_u64_desc(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x < y) - (x > y);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct rec {
  int key;
  int seq;
  char pad[56]; /* large elements make glibc sort pointers indirectly */
};
static int cmp_rec(const void *a, const void *b) {
  const struct rec *x = a, *y = b;
  if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
  return (x->seq > y->seq) - (x->seq < y->seq);
}

static void sort_ints(void) {
  enum { N = 20000 };
  static int v[N];
  rng_seed(1);
  for (int i = 0; i < N; i++) v[i] = (int)(rng_next() >> 33) - (1 << 30);
  qsort(v, N, sizeof v[0], cmp_int);
  int sorted = 1;
  for (int i = 1; i < N; i++) sorted &= v[i - 1] <= v[i];
  printf("ints sorted=%d min=%d median=%d max=%d\n", sorted, v[0], v[N / 2], v[N - 1]);
  int hits = 0;
  uint64_t h = FNV_INIT;
  for (int i = 0; i < 5000; i++) {
    int key = (i % 2) ? v[rng_below(N)] : (int)(rng_next() >> 33) - (1 << 30);
    int *p = bsearch(&key, v, N, sizeof v[0], cmp_int);
    if (p) {
      hits++;
      h = mix64(h, (uint64_t)*p);
    }
  }
  printf("bsearch hits=%d checksum %016llx\n", hits, (unsigned long long)h);
  printf("ints checksum %016llx\n", (unsigned long long)fnv_bytes(FNV_INIT, v, sizeof v));
}

static void sort_u64(void) {
  enum { N = 3000 };
  static uint64_t v[N];
  rng_seed(2);
  for (int i = 0; i < N; i++) v[i] = rng_next() % 1000; /* many duplicates */
  qsort(v, N, sizeof v[0], cmp_u64_desc);
  printf("u64 desc first=%llu last=%llu checksum %016llx\n", (unsigned long long)v[0],
         (unsigned long long)v[N - 1], (unsigned long long)fnv_bytes(FNV_INIT, v, sizeof v));
}

static void sort_strings(void) {
  enum { N = 2000 };
  static char store[N][12];
  static char *ptr[N];
  rng_seed(3);
  for (int i = 0; i < N; i++) {
    int len = 1 + (int)rng_below(10);
    for (int j = 0; j < len; j++) store[i][j] = (char)('a' + rng_below(6));
    store[i][len] = 0;
    ptr[i] = store[i];
  }
  qsort(ptr, N, sizeof ptr[0], cmp_str);
  printf("strings first=%s second=%s last=%s\n", ptr[0], ptr[1], ptr[N - 1]);
  uint64_t h = FNV_INIT;
  for (int i = 0; i < N; i++) h = fnv_bytes(h, ptr[i], strlen(ptr[i]) + 1);
  printf("strings checksum %016llx\n", (unsigned long long)h);
}

static void sort_records(void) {
  enum { N = 1500 };
  static struct rec r[N];
  rng_seed(4);
  memset(r, 0, sizeof r);
  for (int i = 0; i < N; i++) {
    r[i].key = (int)rng_below(100);
    r[i].seq = i;
    snprintf(r[i].pad, sizeof r[i].pad, "record-%d", i);
  }
  qsort(r, N, sizeof r[0], cmp_rec);
  int ok = 1;
  for (int i = 1; i < N; i++) ok &= cmp_rec(&r[i - 1], &r[i]) < 0;
  printf("records ok=%d first=%d/%d/%s last=%d/%d/%s\n", ok, r[0].key, r[0].seq, r[0].pad, r[N - 1].key,
         r[N - 1].seq, r[N - 1].pad);
  printf("records checksum %016llx\n", (unsigned long long)fnv_bytes(FNV_INIT, r, sizeof r));
}

/* Open addressing with linear probing and tombstones. */
#define CAP 8192
struct slot {
  char key[24];
  long value;
  unsigned char state; /* 0 empty, 1 used, 2 deleted */
};
static struct slot table[CAP];

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}
static struct slot *find(const char *k, int for_insert) {
  uint32_t i = hash_str(k) & (CAP - 1);
  struct slot *tomb = NULL;
  for (int probes = 0; probes < CAP; probes++, i = (i + 1) & (CAP - 1)) {
    struct slot *s = &table[i];
    if (s->state == 0) return for_insert ? (tomb ? tomb : s) : NULL;
    if (s->state == 2) {
      if (!tomb) tomb = s;
      continue;
    }
    if (strcmp(s->key, k) == 0) return s;
  }
  return for_insert ? tomb : NULL;
}

static void hash_table(void) {
  rng_seed(5);
  int inserted = 0, updated = 0, deleted = 0, found = 0, missing = 0;
  char key[24];
  for (int i = 0; i < 30000; i++) {
    snprintf(key, sizeof key, "k%u", rng_below(6000));
    int op = (int)rng_below(10);
    if (op < 5) {
      struct slot *s = find(key, 0);
      if (s) {
        s->value += i;
        updated++;
      } else {
        s = find(key, 1);
        strcpy(s->key, key);
        s->value = i;
        s->state = 1;
        inserted++;
      }
    } else if (op < 7) {
      struct slot *s = find(key, 0);
      if (s) {
        s->state = 2;
        deleted++;
      }
    } else {
      if (find(key, 0)) found++;
      else missing++;
    }
  }
  long total = 0;
  int live = 0;
  for (int i = 0; i < CAP; i++)
    if (table[i].state == 1) {
      live++;
      total += table[i].value;
    }
  printf("hash inserted=%d updated=%d deleted=%d found=%d missing=%d live=%d total=%ld\n", inserted, updated,
         deleted, found, missing, live, total);
  struct slot *s = find("k42", 0);
  printf("k42 -> %ld\n", s ? s->value : -1L);
}

int main(void) {
  sort_ints();
  sort_u64();
  sort_strings();
  sort_records();
  hash_table();
  return 0;
}
