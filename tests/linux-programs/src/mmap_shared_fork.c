/* MAP_SHARED memory between a parent and its children: an anonymous shared page
 * written by a child is seen by the parent, a ping-pong counter where parent and
 * child take turns (ordered by pipes) on the same page, a private mapping that does
 * not leak across fork, and a shared file mapping written by a child. */
#include "suite.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static int child_status(pid_t pid) {
  int status;
  MUST(waitpid(pid, &status, 0));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void) {
  volatile unsigned int *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  volatile int *private = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED || private == MAP_FAILED) return say("mmap failed\n"), 1;
  shared[0] = 1;
  private[0] = 1;
  pid_t pid = MUST(fork());
  if (pid == 0) {
    shared[0] = 41;
    private[0] = 41;
    for (int i = 1; i <= 100; i++) shared[i] = i * i;
    _exit(shared[0] == 41 ? 0 : 1);
  }
  say("child status %d\n", child_status(pid));
  long squares = 0;
  for (int i = 1; i <= 100; i++) squares += shared[i];
  say("shared page after child: [0]=%u, sum of squares %ld; private page [0]=%d\n", shared[0], squares, private[0]);

  /* Turns: each side waits for a byte, increments the counter, passes the turn on. */
  int to_child[2], to_parent[2];
  MUST(pipe(to_child));
  MUST(pipe(to_parent));
  shared[200] = 0;
  pid = MUST(fork());
  char token = 't';
  if (pid == 0) {
    for (int i = 0; i < 500; i++) {
      if (read(to_child[0], &token, 1) != 1) _exit(2);
      shared[200] = shared[200] * 3 + 1;
      shared[201 + (i % 50)] += 1;
      MUST(write(to_parent[1], &token, 1));
    }
    _exit(0);
  }
  unsigned int mix = 0;
  for (int i = 0; i < 500; i++) {
    shared[200] = shared[200] * 5 + 2;
    MUST(write(to_child[1], &token, 1));
    MUST(read(to_parent[0], &token, 1));
    mix = mix * 31 + (unsigned int)shared[200];
  }
  say("ping-pong: child status %d, counter %u, mix %u, slot 7 %u\n", child_status(pid), shared[200], mix, shared[208]);

  int fd = MUST(open("shared.bin", O_CREAT | O_RDWR | O_TRUNC, 0644));
  MUST(ftruncate(fd, PAGE));
  char *file = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (file == MAP_FAILED) return say("file mmap failed: %s\n", outcome(-1)), 1;
  pid = MUST(fork());
  if (pid == 0) {
    strcpy(file + 100, "written by the child through MAP_SHARED");
    _exit(0);
  }
  say("file child status %d\n", child_status(pid));
  say("parent mapping sees: %s\n", file + 100);
  MUST(msync(file, PAGE, MS_SYNC));
  char buf[64] = {0};
  MUST(pread(fd, buf, 40, 100));
  say("the file holds: %s\n", buf);
  close(fd);
  MUST(unlink("shared.bin"));
  return 0;
}
