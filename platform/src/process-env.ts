/**
 * glibc's malloc gives the free top of a heap back to the kernel as soon as it
 * exceeds trim_threshold (128 KiB unless set). V8's optimising compiler works in
 * zones it mallocs on its background threads and frees after every function, so
 * each compilation's memory was handed back and faulted in again by the next: a
 * guest program's first run on the translator took ~19,000 page faults, ~15,000 of
 * them this churn, at ~14 µs each on the 2-vCPU guests measured here
 * (docs/BENCHMARKS.md). With a 128 MiB threshold a heap keeps the memory it has
 * used (glibc's heaps of threads other than the main one are at most 64 MiB).
 * Large blocks (guest RAM) are still mmapped and unmapped as before.
 */
export const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=134217728';

/** `env` with the system's malloc tunables added to GLIBC_TUNABLES (a caller's own setting of the same tunable wins). */
export function withMallocTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = env.GLIBC_TUNABLES ?? '';
  const name = MALLOC_TUNABLES.split('=')[0]!;
  if (own.split(':').some((t) => t.startsWith(`${name}=`))) return env;
  return { ...env, GLIBC_TUNABLES: own ? `${own}:${MALLOC_TUNABLES}` : MALLOC_TUNABLES };
}
