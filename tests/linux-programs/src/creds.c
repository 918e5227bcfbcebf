/* Identity reaches every service that checks it: a child drops root with
 * setresgid/setresuid, and from then on file permission checks, ownership of
 * what it creates and root-only calls answer for uid 1000; its own child
 * inherits that identity. The root parent cleans up afterwards. */
#include "suite.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void as_user(void) {
  MUST(setresgid(1000, 1000, 1000));
  MUST(setresuid(1000, 1000, 1000));
  say("ids: uid %d euid %d gid %d egid %d\n", getuid(), geteuid(), getgid(), getegid());
  say("read root's 0600 file: %s\n", outcome(open("creds.d/secret", O_RDONLY)));
  say("read a 0644 file: %s\n", outcome(open("creds.d/public", O_RDONLY)));
  say("write a 0644 file of root's: %s\n", outcome(open("creds.d/public", O_WRONLY)));
  say("create in root's 0755 directory: %s\n", outcome(open("creds.d/new", O_CREAT | O_WRONLY, 0644)));
  say("unlink in root's directory: %s\n", outcome(unlink("creds.d/public")));
  say("chmod root's file: %s\n", outcome(chmod("creds.d/public", 0666)));
  say("setuid(0): %s\n", outcome(setuid(0)));
  long fd = MUST(open("creds.d/open/mine", O_CREAT | O_WRONLY, 0640));
  struct stat st;
  MUST(fstat((int)fd, &st));
  say("a file it creates: uid %u gid %u mode %o\n", st.st_uid, st.st_gid, st.st_mode & 07777);
  say("chmod its own file: %s\n", outcome(chmod("creds.d/open/mine", 0600)));
  pid_t child = MUST(fork());
  if (child == 0) {
    say("forked child: uid %d, read root's 0600 file: %s\n", getuid(), outcome(open("creds.d/secret", O_RDONLY)));
    _exit(0);
  }
  int status;
  MUST(waitpid(child, &status, 0));
}

int main(void) {
  MUST(mkdir("creds.d", 0755));
  MUST(mkdir("creds.d/open", 0777));
  MUST(chmod("creds.d/open", 0777));
  close(MUST(open("creds.d/secret", O_CREAT | O_WRONLY, 0600)));
  close(MUST(open("creds.d/public", O_CREAT | O_WRONLY, 0644)));
  say("root reads its 0600 file: %s\n", outcome(open("creds.d/secret", O_RDONLY)));
  pid_t child = MUST(fork());
  if (child == 0) {
    as_user();
    _exit(0);
  }
  int status;
  MUST(waitpid(child, &status, 0));
  say("user child exited %d\n", WEXITSTATUS(status));
  MUST(unlink("creds.d/open/mine"));
  MUST(rmdir("creds.d/open"));
  MUST(unlink("creds.d/secret"));
  MUST(unlink("creds.d/public"));
  MUST(rmdir("creds.d"));
  say("cleaned up\n");
  return 0;
}
