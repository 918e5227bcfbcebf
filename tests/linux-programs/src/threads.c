/* POSIX threads with output that does not depend on scheduling, one scenario per
 * argument:
 *   mutex    8 threads increment a shared counter under a mutex and return
 *            per-thread results through pthread_join; a trylock on a held mutex
 *   condvar  a bounded queue with condition variables (3 producers, 2 consumers)
 *            and two threads taking strict turns on a condvar
 *   tls      __thread variables, pthread_once, key destructors, thread ids,
 *            a barrier with exactly one serial thread per round */
#include "suite.h"
#include <pthread.h>
#include <unistd.h>

#define THREADS 8
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add(void *arg) {
  long id = (long)arg, local = 0;
  for (int i = 0; i < 20000; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    local += id * i % 7;
  }
  return (void *)local;
}

static void mutex(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) MUST0(pthread_create(&t[i], NULL, add, (void *)i));
  for (int i = 0; i < THREADS; i++) {
    void *r;
    MUST0(pthread_join(t[i], &r));
    say("thread %d returned %ld\n", i, (long)r);
  }
  say("counter %ld (expected %d)\n", counter, THREADS * 20000);
  pthread_mutex_lock(&lock);
  say("trylock on a held mutex: %s\n", strerrorname_np(pthread_mutex_trylock(&lock)));
  pthread_mutex_unlock(&lock);
  int r = pthread_mutex_trylock(&lock);
  say("trylock on a free mutex: %d\n", r);
  pthread_mutex_unlock(&lock);
  pthread_mutexattr_t attr;
  pthread_mutex_t checked;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&checked, &attr);
  pthread_mutex_lock(&checked);
  say("relock of an error-checking mutex: %s\n", strerrorname_np(pthread_mutex_lock(&checked)));
}

#define QUEUE 4
static int queue[QUEUE], head, tail, size, done_producers;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;

static void *produce(void *arg) {
  long base = (long)arg;
  for (int i = 1; i <= 500; i++) {
    pthread_mutex_lock(&lock);
    while (size == QUEUE) pthread_cond_wait(&not_full, &lock);
    queue[tail] = (int)(base * 1000 + i);
    tail = (tail + 1) % QUEUE;
    size++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&lock);
  }
  pthread_mutex_lock(&lock);
  done_producers++;
  pthread_cond_broadcast(&not_empty);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void *consume(void *arg) {
  (void)arg;
  long sum = 0, items = 0;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (size == 0 && done_producers < 3) pthread_cond_wait(&not_empty, &lock);
    if (size == 0) { pthread_mutex_unlock(&lock); break; }
    sum += queue[head];
    head = (head + 1) % QUEUE;
    size--;
    items++;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&lock);
  }
  long *out = malloc(2 * sizeof *out);
  out[0] = sum, out[1] = items;
  return out;
}

static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn;
static char transcript[64];
static int transcript_len;

static void *take_turns(void *arg) {
  long me = (long)arg;
  for (int i = 0; i < 30; i++) {
    pthread_mutex_lock(&lock);
    while (turn != me) pthread_cond_wait(&turn_changed, &lock);
    transcript[transcript_len++] = me ? 'B' : 'A';
    turn = !me;
    pthread_cond_broadcast(&turn_changed);
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static void condvar(void) {
  pthread_t p[3], c[2];
  for (long i = 0; i < 3; i++) MUST0(pthread_create(&p[i], NULL, produce, (void *)(i + 1)));
  for (long i = 0; i < 2; i++) MUST0(pthread_create(&c[i], NULL, consume, NULL));
  long sum = 0, items = 0;
  for (int i = 0; i < 3; i++) pthread_join(p[i], NULL);
  for (int i = 0; i < 2; i++) {
    long *r;
    pthread_join(c[i], (void **)&r);
    sum += r[0], items += r[1];
    free(r);
  }
  say("queue: %ld items consumed, sum %ld, left %d\n", items, sum, size);
  pthread_t a, b;
  MUST0(pthread_create(&b, NULL, take_turns, (void *)1));
  MUST0(pthread_create(&a, NULL, take_turns, (void *)0));
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  say("turns: %.*s\n", transcript_len, transcript);
  struct timespec past = {0, 0};
  pthread_mutex_lock(&lock);
  say("timedwait with a past deadline: %s\n", strerrorname_np(pthread_cond_timedwait(&turn_changed, &lock, &past)));
  pthread_mutex_unlock(&lock);
}

static __thread int tls_value = 5;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs, destructor_runs;
static pthread_key_t key;
static pthread_barrier_t barrier;
static int serial_count;
static pid_t main_pid;

static void init_once(void) { once_runs++; }
static void destroy(void *v) {
  pthread_mutex_lock(&lock);
  destructor_runs += (int)(long)v;
  pthread_mutex_unlock(&lock);
}

static void *worker(void *arg) {
  long id = (long)arg;
  tls_value += (int)id;
  pthread_once(&once, init_once);
  pthread_setspecific(key, (void *)(id + 1));
  int serial = 0;
  for (int round = 0; round < 5; round++) serial += pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD;
  pthread_mutex_lock(&lock);
  serial_count += serial;
  pthread_mutex_unlock(&lock);
  long ok = tls_value == 5 + id && getpid() == main_pid && gettid() != main_pid;
  return (void *)ok;
}

static void tls(void) {
  main_pid = getpid();
  MUST0(pthread_key_create(&key, destroy));
  pthread_barrier_init(&barrier, NULL, 4);
  pthread_t t[4];
  for (long i = 0; i < 4; i++) MUST0(pthread_create(&t[i], NULL, worker, (void *)(i * 10)));
  int all_ok = 1;
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(t[i], &r);
    all_ok &= r == (void *)1;
  }
  say("threads saw their own tls, the same pid and their own tid: %d\n", all_ok);
  say("main thread's tls untouched: %d, gettid()==getpid() in main: %d\n", tls_value, gettid() == getpid());
  say("pthread_once ran %d time(s); destructors summed %d; serial threads over 5 rounds: %d\n", once_runs,
      destructor_runs, serial_count);
  pthread_t self = pthread_self();
  say("pthread_equal(self, self): %d; join self: %s\n", pthread_equal(self, pthread_self()),
      strerrorname_np(pthread_join(self, NULL)));
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "mutex")) mutex();
  else if (!strcmp(mode, "condvar")) condvar();
  else if (!strcmp(mode, "tls")) tls();
  else return fprintf(stderr, "usage: threads mutex|condvar|tls\n"), 2;
  return 0;
}
