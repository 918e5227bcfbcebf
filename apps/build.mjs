#!/usr/bin/env node
// Builds the guest applications in apps/ (each a static C program, compiled
// with the host gcc through the test programs' incremental builder) into
// apps/out/; the rootfs build installs them at /usr/bin/<name>.
//
// Usage: node apps/build.mjs   (prints what it compiled)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSet } from '../tests/programs/build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const outDir = join(here, 'out');

/** wayclick: the Wayland smoke test client (apps/wayclick). */
export const programs = [
  { name: 'wayclick', src: 'wayclick/wayclick.c', flags: ['-static', '-O2', '-Wall', '-Wextra', '-Werror'] },
];

export function build({ quiet = false } = {}) {
  return buildSet({ srcDir: here, outDir, programs, shared: [], quiet });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) build();
