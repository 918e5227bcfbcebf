#!/usr/bin/env node
// Builds the whole-program test binaries from src/ into out/ with the host gcc and
// static glibc (C), or nasm and ld (the one libc-free assembly program). A program is rebuilt only when its source, the shared header, its
// flags or the compiler changed (a content stamp beside each binary). Writes
// out/manifest.json, which the tests read to find the binaries.
//
// Usage: node tests/programs/build.mjs        (prints what it compiled)
// buildSet() is the same builder for another set of programs (tests/linux-programs).
// Exits non-zero, loudly, when gcc or static glibc is missing or a build fails.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, 'src');
const outDir = join(here, 'out');

const O2 = ['-static', '-O2'];
const FP = ['-frounding-math']; // the programs change the rounding mode at run time

/** name: binary in out/; src: file in src/; flags: gcc flags before the source; libs: after it. */
export const programs = [
  { name: 'int_arith', src: 'int_arith.c', flags: O2 },
  { name: 'int_arith-O0', src: 'int_arith.c', flags: ['-static', '-O0'] },
  { name: 'strings', src: 'strings.c', flags: O2 },
  { name: 'sort_hash', src: 'sort_hash.c', flags: O2 },
  { name: 'double_fp', src: 'double_fp.c', flags: [...O2, ...FP], libs: ['-lm'] },
  { name: 'float_fp', src: 'float_fp.c', flags: [...O2, ...FP], libs: ['-lm'] },
  { name: 'long_double', src: 'long_double.c', flags: [...O2, ...FP], libs: ['-lm'] },
  { name: 'x87_transcendental', src: 'x87_transcendental.c', flags: O2, libs: ['-lm'] },
  { name: 'sse_intrin', src: 'sse_intrin.c', flags: [...O2, '-msse4.2'] },
  { name: 'mmx_intrin', src: 'mmx_intrin.c', flags: [...O2, '-mmmx'], libs: ['-lm'] },
  { name: 'setjmp_recursion', src: 'setjmp_recursion.c', flags: O2 },
  { name: 'setjmp_recursion-pie', src: 'setjmp_recursion.c', flags: ['-static-pie', '-O2'] },
  { name: 'malloc_stress', src: 'malloc_stress.c', flags: O2 },
  { name: 'formatting', src: 'formatting.c', flags: [...O2, '-Wno-format'] },
  { name: 'vm_lz77', src: 'vm_lz77.c', flags: O2 },
  { name: 'vm_lz77-pie', src: 'vm_lz77.c', flags: ['-static-pie', '-O2'] },
  { name: 'sha256_crc', src: 'sha256_crc.c', flags: O2 },
  { name: 'sha256_crc-O0', src: 'sha256_crc.c', flags: ['-static', '-O0'] },
  { name: 'env_argv', src: 'env_argv.c', flags: O2 },
  { name: 'env_argv-pie', src: 'env_argv.c', flags: ['-static-pie', '-O2'] },
  { name: 'exit_status', src: 'exit_status.c', flags: O2 },
  { name: 'stdin_wc', src: 'stdin_wc.c', flags: O2 },
  { name: 'crash', src: 'crash.c', flags: O2 },
  { name: 'raw_syscalls', src: 'raw_syscalls.asm', flags: [] },
  { name: 'int_bench', src: 'int_bench.asm', flags: [] },
];

function fail(message) {
  console.error(`programs/build: ${message}`);
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, out: String(r.error.message) };
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** The compiler identity goes into every stamp, so a gcc upgrade rebuilds everything. */
function toolchain() {
  const v = run('gcc', ['--version']);
  if (!v.ok) fail(`gcc is not available (${v.out.trim()}); install gcc to build the test programs`);
  for (const lib of ['libc.a', 'libm.a', 'rcrt1.o']) {
    const p = run('gcc', [`-print-file-name=${lib}`]).out.trim();
    if (!p.includes('/') || !existsSync(p)) {
      fail(`static glibc is missing (${lib} not found); install libc6-dev to build static programs`);
    }
  }
  const nasm = run('nasm', ['-v']);
  if (!nasm.ok) fail(`nasm is not available (${nasm.out.trim()}); install nasm to build the assembly test program`);
  return `${v.out.split('\n')[0]} ${nasm.out.trim()}`;
}

/** The commands that build one program: gcc for C; nasm then ld for assembly. */
function commands(p, srcDir, outDir) {
  const bin = join(outDir, p.name);
  const src = join(srcDir, p.src);
  if (p.src.endsWith('.asm')) {
    return [['nasm', ['-f', 'elf64', '-I', `${srcDir}/`, '-o', `${bin}.o`, src]], ['ld', ['-static', '-o', bin, `${bin}.o`]]];
  }
  return [['gcc', [...p.flags, '-Wall', '-o', bin, src, ...(p.libs ?? [])]]];
}

/**
 * Builds `programs` from srcDir into outDir (only what changed) and writes
 * outDir/manifest.json; `shared` are the paths of headers every program may
 * include, so they go into every stamp.
 */
export function buildSet({ srcDir, outDir, programs, shared, quiet = false }) {
  const compiler = toolchain();
  mkdirSync(outDir, { recursive: true });
  const common = Buffer.concat(shared.map((f) => readFileSync(f)));
  const manifest = [];
  let built = 0;
  for (const p of programs) {
    const source = readFileSync(join(srcDir, p.src));
    const steps = commands(p, srcDir, outDir);
    const stamp = createHash('sha256').update(compiler).update(JSON.stringify(steps)).update(common).update(source).digest('hex');
    const stampFile = join(outDir, `${p.name}.stamp`);
    const bin = join(outDir, p.name);
    const fresh = existsSync(bin) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
    if (!fresh) {
      for (const [cmd, args] of steps) {
        const r = run(cmd, args);
        if (!r.ok) fail(`${cmd} ${args.join(' ')} failed:\n${r.out}`);
      }
      writeFileSync(stampFile, stamp);
      built++;
      if (!quiet) console.log(`built ${p.name}`);
    }
    manifest.push({ name: p.name, path: bin, src: p.src, flags: p.flags });
  }
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (!quiet) console.log(`${programs.length} programs in ${outDir} (${built} rebuilt)`);
  return manifest;
}

export function build({ quiet = false } = {}) {
  // Shared headers (C) and includes (assembly) go into every stamp.
  return buildSet({ srcDir, outDir, programs, shared: ['common.h', 'print.inc'].map((f) => join(srcDir, f)), quiet });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) build();
