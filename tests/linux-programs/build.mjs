#!/usr/bin/env node
// Builds the differential suite's C programs (src/) into out/ with the host gcc,
// through the same incremental builder as tests/programs: each program static,
// and the ones listed in DYNAMIC also as a dynamic executable ("<name>-dyn")
// linked against the host's glibc, whose libraries the rootfs build copies into
// the guest. `launch` is the suite's launcher (see src/launch.c).
//
// Usage: node tests/linux-programs/build.mjs   (prints what it compiled)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSet } from '../programs/build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, 'src');
export const outDir = join(here, 'out');

const STATIC = ['-static', '-O2'];
const DYNAMIC = ['-O2'];
const sources = [
  { name: 'launch', src: 'launch.c' },
  { name: 'files_dirs', src: 'files_dirs.c', dynamic: true },
  { name: 'fds', src: 'fds.c' },
  { name: 'mmap_anon', src: 'mmap_anon.c' },
  { name: 'mmap_file', src: 'mmap_file.c', dynamic: true },
  { name: 'mmap_shared_fork', src: 'mmap_shared_fork.c' },
  { name: 'fork_wait', src: 'fork_wait.c', dynamic: true },
  { name: 'pipes', src: 'pipes.c', dynamic: true },
  { name: 'signals', src: 'signals.c', dynamic: true },
  { name: 'threads', src: 'threads.c', flags: ['-pthread'], dynamic: true },
  { name: 'fp_printf', src: 'fp_printf.c', libs: ['-lm'], dynamic: true },
  { name: 'syscall_rtt', src: 'syscall_rtt.c' },
  { name: 'bad_pointers', src: 'bad_pointers.c' },
  { name: 'creds', src: 'creds.c' },
  { name: 'unix_sockets', src: 'unix_sockets.c', dynamic: true },
  { name: 'unix_bench', src: 'unix_bench.c' },
];

export const programs = sources.flatMap(({ name, src, flags = [], libs, dynamic }) => [
  { name, src, flags: [...STATIC, ...flags], libs },
  ...(dynamic ? [{ name: `${name}-dyn`, src, flags: [...DYNAMIC, ...flags], libs }] : []),
]);

export function build({ quiet = false } = {}) {
  return buildSet({ srcDir, outDir, programs, shared: [join(srcDir, 'suite.h')], quiet });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) build();
