/* A small program for loaderd's host tests, built static, static-pie, dynamic
 * (PIE and not), with a 2 MiB p_align and with an executable stack: it has TLS,
 * .data and .bss so every kind of segment is there to compare. */
#include <stdio.h>

__thread int tls_counter = 7;
int data_value = 42;
static char bss_buffer[100000];

int main(int argc, char **argv) {
  bss_buffer[argc] = 1;
  printf("%s %d %d %d\n", argv[0], argc, data_value, tls_counter + bss_buffer[argc]);
  return 0;
}
