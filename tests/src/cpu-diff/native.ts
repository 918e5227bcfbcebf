/**
 * Runs cases on the host CPU: compiles tests/cpu-diff/native/runner.c with the host
 * gcc (cached under tests/.build/cpu-diff/, keyed by the source hash) and feeds it
 * batches over stdin/stdout.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CpuCase, type CpuResult, RESULT_SIZE, decodeResults, encodeBatch } from './case.js';

const testsRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(testsRoot, 'cpu-diff', 'native', 'runner.c');
const buildDir = join(testsRoot, '.build', 'cpu-diff');

let runnerPath: string | undefined;

/** Path of the compiled runner, building it if this source version was never built. */
export function nativeRunner(): string {
  if (runnerPath) return runnerPath;
  const text = readFileSync(source);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const path = join(buildDir, `runner-${hash}`);
  if (!existsSync(path)) {
    mkdirSync(buildDir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const cc = spawnSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-static', '-o', tmp, source], { encoding: 'utf8' });
    if (cc.error) throw new Error(`cpu-diff needs the host gcc to build its native runner: ${cc.error.message}`);
    if (cc.status !== 0) throw new Error(`gcc failed to build ${source}:\n${cc.stderr}`);
    renameSync(tmp, path); // atomic: parallel test processes never see a half-written binary
  }
  return (runnerPath = path);
}

/** Largest batch one runner process gets (bounds the pipe buffers held in memory). */
const BATCH = 2000;

export function runNative(cases: readonly CpuCase[]): CpuResult[] {
  const exe = nativeRunner();
  const results: CpuResult[] = [];
  for (let start = 0; start < cases.length; start += BATCH) {
    const batch = cases.slice(start, start + BATCH);
    const run = spawnSync(exe, [], {
      input: encodeBatch(batch),
      maxBuffer: 64 + batch.length * (RESULT_SIZE + 64),
      timeout: 60_000 + batch.length * 500,
    });
    if (run.error) throw new Error(`native runner failed: ${run.error.message}`);
    if (run.status !== 0) {
      throw new Error(`native runner exited with ${run.status ?? run.signal}: ${run.stderr.toString()}`);
    }
    results.push(...decodeResults(run.stdout, batch.length));
  }
  return results;
}
