/* Exit paths: output written through stdio before exit must be flushed by exit(),
 * atexit handlers run in reverse order of registration, stderr is unbuffered and
 * separate from stdout, and the status (here 3 + the handlers' count) reaches the
 * parent. With an argument "abort-code N", main returns N directly instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int handlers_run;
static void first(void) {
  handlers_run++;
  printf("atexit first (runs last), handlers so far %d\n", handlers_run);
}
static void second(void) {
  handlers_run++;
  printf("atexit second (runs first)\n");
  fprintf(stderr, "stderr from a handler\n");
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "return") == 0) {
    printf("returning %s from main\n", argv[2]);
    return atoi(argv[2]);
  }
  atexit(first);
  atexit(second);
  printf("buffered stdout line without flush");
  fprintf(stderr, "an error message on stderr\n");
  printf(" ... continued\n");
  exit(42);
}
