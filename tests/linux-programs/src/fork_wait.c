/* Processes: fork with exit statuses read back by waitpid (including truncation to
 * 8 bits), deaths by signal (raised, and sent by the parent), WNOHANG, ECHILD,
 * parent/child identity, execvp of this program and of a busybox applet through
 * PATH, a failing exec, posix_spawnp (clone with CLONE_VFORK in glibc), and
 * reaping with wait(). Invoked as "fork_wait child N" it is its own exec target. */
#include "suite.h"
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void describe(const char *what, int status) {
  if (WIFEXITED(status)) say("%s: exited %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) say("%s: killed by signal %d (%s)\n", what, WTERMSIG(status), sigabbrev_np(WTERMSIG(status)));
  else say("%s: status %#x\n", what, status);
}

static int reap(pid_t pid) {
  int status = 0;
  pid_t got = waitpid(pid, &status, 0);
  if (got != pid) say("waitpid returned another pid or failed: %s\n", outcome(got));
  return status;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "child")) {
    say("exec'd as child with argument %s, argv[0]=%s\n", argv[2], argv[0]);
    return atoi(argv[2]);
  }
  const char *self = argv[0]; /* found through PATH again, static or dynamic alike */
  pid_t me = getpid();
  pid_t kids[5];
  for (int i = 0; i < 5; i++) {
    kids[i] = MUST(fork());
    if (kids[i] == 0) _exit(i * 10 + 3);
  }
  for (int i = 4; i >= 0; i--) {
    char what[32];
    snprintf(what, sizeof what, "child %d", i);
    describe(what, reap(kids[i]));
  }

  pid_t pid = MUST(fork());
  if (pid == 0) _exit(getppid() == me ? 256 + 7 : 1);
  describe("exit(263) with getppid()==parent", reap(pid));

  pid = MUST(fork());
  if (pid == 0) { raise(SIGTERM); _exit(0); }
  describe("raise(SIGTERM)", reap(pid));

  int gate[2];
  MUST(pipe(gate));
  pid = MUST(fork());
  if (pid == 0) {
    char c;
    close(gate[1]);
    _exit(read(gate[0], &c, 1) == 0 ? 5 : 6); /* EOF when the parent closes its end */
  }
  close(gate[0]);
  int status = 0;
  say("WNOHANG while the child waits: %d\n", waitpid(pid, &status, WNOHANG));
  close(gate[1]);
  describe("child released by EOF", reap(pid));

  MUST(pipe(gate));
  pid = MUST(fork());
  if (pid == 0) {
    char c;
    close(gate[1]);
    (void)!read(gate[0], &c, 1);
    _exit(0);
  }
  close(gate[0]);
  say("kill SIGKILL: %s\n", outcome(kill(pid, SIGKILL)));
  describe("killed by the parent", reap(pid));
  close(gate[1]);

  pid = MUST(fork());
  if (pid == 0) {
    execlp(self, self, "child", "42", (char *)NULL);
    _exit(99);
  }
  describe("execvp of itself with child 42", reap(pid));

  pid = MUST(fork());
  if (pid == 0) {
    execlp("busybox", "echo", "busybox run as echo: argv[0] picks the applet", (char *)NULL);
    _exit(99);
  }
  describe("execvp busybox with argv[0] echo", reap(pid));

  pid = MUST(fork());
  if (pid == 0) {
    execlp("no-such-program-here", "no-such-program-here", (char *)NULL);
    say("exec failed: %s\n", outcome(-1));
    _exit(127);
  }
  describe("exec of a missing program", reap(pid));

  char *spawn_argv[] = {(char *)self, "child", "17", NULL};
  pid_t spawned;
  int rc = posix_spawnp(&spawned, self, NULL, NULL, spawn_argv, environ);
  status = rc == 0 ? reap(spawned) : 0; /* first: the child's own line comes before ours */
  say("posix_spawnp: %d\n", rc);
  if (rc == 0) describe("spawned child", status);

  for (int i = 0; i < 3; i++) if (MUST(fork()) == 0) _exit(1);
  int reaped = 0, sum = 0;
  while ((pid = wait(&status)) > 0) reaped++, sum += WEXITSTATUS(status);
  say("wait() reaped %d children (statuses sum %d), then: %s\n", reaped, sum, outcome(pid));
  say("waitpid(-1) with no children: %s\n", outcome(waitpid(-1, &status, 0)));
  return 3;
}
