/* Files and directories through the syscalls busybox and coreutils use: create,
 * write, O_APPEND, pread, holes, truncate, rename, hard and symbolic links,
 * directories and their listing, stat fields, utimensat, access and chmod, and the
 * errno of each classic mistake. Works in a fresh "work" directory under the cwd. */
#include "suite.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A directory's entries, sorted (readdir order is the filesystem's), with types. */
static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { say("opendir %s: %s\n", dir, outcome(-1)); return; }
  char *names[64];
  int n = 0;
  struct dirent *e;
  int dots = 0;
  while ((e = readdir(d)) && n < 64) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) { dots++; continue; }
    char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
    if (asprintf(&names[n++], "%s(%c)", e->d_name, t) < 0) exit(100);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  say("%s: %d entries plus %d dots:", dir, n, dots);
  for (int i = 0; i < n; i++) { say(" %s", names[i]); free(names[i]); }
  say("\n");
}

static void show(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) { say("lstat %s: %s\n", path, outcome(-1)); return; }
  /* A directory's size is the filesystem's own business (ext4 4096, tmpfs counts entries). */
  if (S_ISDIR(st.st_mode)) say("%s: mode %06o nlink %lu\n", path, st.st_mode, (unsigned long)st.st_nlink);
  else say("%s: mode %06o size %lld nlink %lu blksize-ok %d\n", path, st.st_mode, (long long)st.st_size,
           (unsigned long)st.st_nlink, st.st_blksize > 0);
}

static void content(const char *path) {
  char buf[256];
  int fd = MUST(open(path, O_RDONLY));
  ssize_t n = MUST(read(fd, buf, sizeof buf));
  close(fd);
  say("%s holds %zd bytes:", path, n);
  for (ssize_t i = 0; i < n; i++) say(buf[i] >= 32 && buf[i] < 127 ? "%c" : "\\%o", (unsigned char)buf[i]);
  say("\n");
}

int main(void) {
  umask(022);
  say("mkdir work: %s\n", outcome(mkdir("work", 0755)));
  say("mkdir work again: %s\n", outcome(mkdir("work", 0755)));
  say("mkdir work/no/deeper: %s\n", outcome(mkdir("work/no/deeper", 0755)));
  MUST(chdir("work"));

  int fd = MUST(open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0666));
  say("write: %zd\n", write(fd, "hello\n", 6));
  close(fd);
  say("O_EXCL on existing: %s\n", outcome(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644)));
  show("a.txt");

  fd = MUST(open("a.txt", O_WRONLY | O_APPEND));
  MUST(lseek(fd, 0, SEEK_SET));
  say("append write: %zd\n", write(fd, "world\n", 6));
  say("offset after: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  close(fd);
  content("a.txt");

  fd = MUST(open("a.txt", O_RDWR));
  char word[8] = {0};
  ssize_t got = pread(fd, word, 5, 6);
  say("pread at 6: %zd '%.5s', offset still %lld\n", got, word, (long long)lseek(fd, 0, SEEK_CUR));
  say("SEEK_END: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  say("seek past end: %lld\n", (long long)lseek(fd, 100, SEEK_SET));
  say("write there: %zd\n", write(fd, "x", 1));
  struct stat st;
  MUST(fstat(fd, &st));
  char hole[101];
  say("size with hole: %lld\n", (long long)st.st_size);
  say("pread all: %zd\n", pread(fd, hole, sizeof hole, 0));
  int zeros = 0;
  for (int i = 12; i < 100; i++) zeros += hole[i] == 0;
  say("hole reads as zeros: %d of 88, last byte '%c'\n", zeros, hole[100]);
  say("negative seek: %s\n", outcome(lseek(fd, -1, SEEK_SET)));
  say("ftruncate to 5: %s\n", outcome(ftruncate(fd, 5)));
  close(fd);
  content("a.txt");
  say("truncate to 8: %s\n", outcome(truncate("a.txt", 8)));
  content("a.txt");

  say("rename a.txt b.txt: %s\n", outcome(rename("a.txt", "b.txt")));
  say("stat a.txt: %s\n", outcome(stat("a.txt", &st)));
  say("link b.txt c.txt: %s\n", outcome(link("b.txt", "c.txt")));
  show("b.txt");
  say("link onto existing: %s\n", outcome(link("b.txt", "c.txt")));
  say("unlink c.txt: %s\n", outcome(unlink("c.txt")));
  show("b.txt");

  say("symlink: %s\n", outcome(symlink("b.txt", "ln")));
  char target[64] = {0};
  got = readlink("ln", target, sizeof target - 1);
  say("readlink ln: %zd '%s'\n", got, target);
  say("readlink b.txt: %s\n", outcome(readlink("b.txt", target, sizeof target)));
  show("ln");
  MUST(stat("ln", &st));
  say("stat through ln: size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  say("symlink dangling: %s\n", outcome(symlink("nowhere", "dangling")));
  say("open it: %s\n", outcome(open("dangling", O_RDONLY)));

  say("mkdir d1: %s\n", outcome(mkdir("d1", 0700)));
  MUST(close(MUST(open("d1/f", O_CREAT | O_WRONLY, 0600))));
  show("d1");
  show("d1/f");
  say("rmdir non-empty: %s\n", outcome(rmdir("d1")));
  say("open b.txt/x: %s\n", outcome(open("b.txt/x", O_RDONLY)));
  say("open d1 for writing: %s\n", outcome(open("d1", O_WRONLY)));
  say("unlink d1: %s\n", outcome(unlink("d1")));
  say("rmdir b.txt: %s\n", outcome(rmdir("b.txt")));
  say("rename d1 into itself: %s\n", outcome(rename("d1", "d1/sub")));
  say("rename file over dir: %s\n", outcome(rename("b.txt", "d1")));
  list(".");
  list("d1");

  say("access R_OK: %s\n", outcome(access("b.txt", R_OK)));
  say("access X_OK: %s\n", outcome(access("b.txt", X_OK)));
  say("chmod 0751: %s\n", outcome(chmod("b.txt", 0751)));
  show("b.txt");
  say("access X_OK now: %s\n", outcome(access("b.txt", X_OK)));
  struct timespec times[2] = {{1000000000, 5}, {1234567890, 500}};
  say("utimensat: %s\n", outcome(utimensat(AT_FDCWD, "b.txt", times, 0)));
  MUST(stat("b.txt", &st));
  say("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
      (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  char cwd[4096];
  const char *base = getcwd(cwd, sizeof cwd) ? strrchr(cwd, '/') + 1 : "(getcwd failed)";
  say("getcwd ends in: %s\n", base);
  int dfd = MUST(open(".", O_RDONLY | O_DIRECTORY));
  say("openat d1/f: %s\n", outcome(openat(dfd, "d1/f", O_RDONLY) >= 0 ? 0 : -1));
  say("mkdirat sub: %s\n", outcome(mkdirat(dfd, "sub", 0755)));
  say("unlinkat sub without AT_REMOVEDIR: %s\n", outcome(unlinkat(dfd, "sub", 0)));
  say("unlinkat sub with AT_REMOVEDIR: %s\n", outcome(unlinkat(dfd, "sub", AT_REMOVEDIR)));
  close(dfd);

  MUST(unlink("d1/f"));
  say("rmdir d1: %s\n", outcome(rmdir("d1")));
  MUST(unlink("b.txt"));
  MUST(unlink("ln"));
  MUST(unlink("dangling"));
  MUST(chdir(".."));
  say("rmdir work: %s\n", outcome(rmdir("work")));
  return 0;
}
