/*
 * exec-probe: the native oracle for loaderd's host tests. Runs one execve with
 * address-space randomisation off under ptrace, stops the new image at its
 * first instruction and prints, as one JSON object, what Linux built:
 *   {"errno":N}                        execve returned -N (nothing was replaced)
 *   {"signal":N}                       the exec failed past its point of no return
 *   {"rip":..,"rsp":..,"brk":..,"maps":[..],"auxv":[[k,v]..],"stack":"hex","memory":[{"start","hex"}..]}
 * Usage: exec-probe [-m] PATH ARGC < strings   (-m: include "memory")
 * where stdin holds ARGC NUL-terminated arguments, then NUL-terminated
 * environment strings (stdin, because the probe's own exec could not take
 * arguments that are too big for an exec).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK_TOP 0x7ffffffff000UL

/* The bytes as a hex string, or null if any page is unreadable (a file mapping past EOF). */
static void hex(int mem, unsigned long start, unsigned long len) {
  static unsigned char buf[1 << 16];
  for (unsigned long at = 0; at < len; at += sizeof buf) {
    size_t n = len - at < sizeof buf ? len - at : sizeof buf;
    if (pread(mem, buf, n, (off_t)(start + at)) != (ssize_t)n) { printf("null"); return; }
  }
  putchar('"');
  for (unsigned long at = 0; at < len; at += sizeof buf) {
    size_t n = len - at < sizeof buf ? len - at : sizeof buf;
    if (pread(mem, buf, n, (off_t)(start + at)) != (ssize_t)n) exit(2);
    for (size_t i = 0; i < n; i++) printf("%02x", buf[i]);
  }
  putchar('"');
}

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') putchar('\\');
    if (*s != '\n') putchar(*s);
  }
  putchar('"');
}

int main(int argc, char **argv) {
  int with_memory = argc == 4 && strcmp(argv[1], "-m") == 0;
  if (argc != 3 + with_memory) { fprintf(stderr, "usage: exec-probe [-m] PATH ARGC < strings\n"); return 2; }
  const char *path = argv[1 + with_memory];
  int n = atoi(argv[2 + with_memory]);
  size_t size = 0, cap = 1 << 20;
  char *input = malloc(cap);
  for (ssize_t got; (got = read(0, input + size, cap - size)) > 0;) {
    size += (size_t)got;
    if (size == cap) input = realloc(input, cap *= 2);
  }
  size_t count = 0;
  for (size_t i = 0; i < size; i++) count += input[i] == 0;
  char **strings = calloc(count + 2, sizeof *strings);
  for (size_t i = 0, at = 0, k = 0; i < size; i++) if (input[i] == 0) { strings[k++] = input + at; at = i + 1; }
  /* argv is the first n strings, NULL-terminated; the environment the rest. */
  char **args = calloc((size_t)n + 1, sizeof *args);
  for (int i = 0; i < n; i++) args[i] = strings[i];
  char **env = strings + n;
  int report[2];
  if (pipe2(report, O_CLOEXEC) < 0) return 2;
  pid_t child = fork();
  if (child == 0) {
    /* Without tracing or with randomisation the answer would be wrong, not just missing: say so. */
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) { perror("exec-probe: PTRACE_TRACEME"); _exit(4); }
    if (personality(ADDR_NO_RANDOMIZE) < 0) { perror("exec-probe: personality(ADDR_NO_RANDOMIZE)"); _exit(4); }
    execve(path, args, env);
    int e = errno;
    if (write(report[1], &e, sizeof e) < 0) _exit(3);
    _exit(127);
  }
  close(report[1]);
  int status;
  waitpid(child, &status, 0);
  int e;
  if (read(report[0], &e, sizeof e) == sizeof e) { waitpid(child, &status, 0); printf("{\"errno\":%d}\n", e); return 0; }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 4) return 3;
  if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
    int sig = WIFSTOPPED(status) ? WSTOPSIG(status) : WIFSIGNALED(status) ? WTERMSIG(status) : -1;
    printf("{\"signal\":%d}\n", sig);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return 0;
  }
  struct user_regs_struct regs;
  ptrace(PTRACE_GETREGS, child, 0, &regs);
  char name[64];
  snprintf(name, sizeof name, "/proc/%d/mem", child);
  int mem = open(name, O_RDONLY);
  /* start_brk: field 47 of /proc/<pid>/stat, counted after the command name. */
  unsigned long brk = 0;
  snprintf(name, sizeof name, "/proc/%d/stat", child);
  FILE *stat = fopen(name, "r");
  char statline[4096];
  if (stat && fgets(statline, sizeof statline, stat)) {
    char *p = strrchr(statline, ')');
    for (int field = 2; p && field < 47; field++) p = strchr(p + 1, ' ');
    if (p) brk = strtoul(p + 1, NULL, 10);
  }
  printf("{\"rip\":%llu,\"rsp\":%llu,\"brk\":%lu,\"maps\":[", regs.rip, regs.rsp, brk);
  snprintf(name, sizeof name, "/proc/%d/maps", child);
  FILE *maps = fopen(name, "r");
  char line[4096];
  unsigned long starts[64], ends[64];
  int regions = 0;
  for (int first = 1; fgets(line, sizeof line, maps); first = 0) {
    if (!first) putchar(',');
    json_string(line);
    unsigned long s, e2;
    if (sscanf(line, "%lx-%lx", &s, &e2) == 2 && !strstr(line, "[v") && regions < 64) { starts[regions] = s; ends[regions++] = e2; }
  }
  printf("],\"auxv\":[");
  snprintf(name, sizeof name, "/proc/%d/auxv", child);
  int auxv = open(name, O_RDONLY);
  unsigned long pair[2];
  for (int first = 1; read(auxv, pair, sizeof pair) == sizeof pair; first = 0) printf("%s[%lu,%lu]", first ? "" : ",", pair[0], pair[1]);
  printf("],\"stack\":");
  hex(mem, regs.rsp, STACK_TOP - regs.rsp);
  printf(",\"memory\":[");
  for (int i = 0; with_memory && i < regions; i++) {
    if (ends[i] == STACK_TOP) continue;
    printf("%s{\"start\":%lu,\"hex\":", i ? "," : "", starts[i]);
    hex(mem, starts[i], ends[i] - starts[i]);
    putchar('}');
  }
  printf("]}\n");
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  return 0;
}
