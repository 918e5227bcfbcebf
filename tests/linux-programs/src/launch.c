/* The suite's launcher, used the same way on the host and in the guest so the two
 * runs differ only in the machine underneath: enter a directory, replace the whole
 * environment, exec a program found through the new PATH.
 *   launch DIR [NAME=VALUE]... -- PROGRAM [ARG]...
 * Exit 125 when DIR cannot be entered or the usage is wrong; 127 when PROGRAM is not
 * found and 126 when it cannot be executed (a shell's conventions). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int sep = 2;
  while (sep < argc && strcmp(argv[sep], "--") != 0) sep++;
  if (argc < 2 || sep + 1 >= argc) {
    fprintf(stderr, "usage: launch DIR [NAME=VALUE]... -- PROGRAM [ARG]...\n");
    return 125;
  }
  if (chdir(argv[1]) != 0) {
    fprintf(stderr, "launch: cannot enter %s: %s\n", argv[1], strerror(errno));
    return 125;
  }
  clearenv();
  for (int i = 2; i < sep; i++) {
    if (!strchr(argv[i], '=') || putenv(argv[i]) != 0) {
      fprintf(stderr, "launch: bad variable %s\n", argv[i]);
      return 125;
    }
  }
  execvp(argv[sep + 1], argv + sep + 1);
  int err = errno;
  fprintf(stderr, "launch: %s: %s\n", argv[sep + 1], strerror(err));
  return err == ENOENT ? 127 : 126;
}
