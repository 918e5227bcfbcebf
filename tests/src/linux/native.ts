/**
 * The native half of the suite: the rootfs build (so both halves run the same
 * binaries), the scratch directories, and a case run on the host through the
 * launcher with PATH pointing into build/rootfs.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '@rustos/platform';
import { environment, type SuiteCase } from './case.js';

export const ROOTFS = join(ROOT, 'build', 'rootfs');
/** Where the launcher sits in the guest (and under ROOTFS on the host). */
export const LAUNCH = '/opt/rustos/tests/launch';

/** A run's outcome; output as latin1 strings, so every byte survives normalisation unchanged. */
export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
}

/** Brings build/rootfs up to date (incremental; builds the test programs too). */
export function buildRootfs(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'deploy', 'rootfs', 'build.mjs'), '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the rootfs build failed:\n${r.stdout}${r.stderr}`);
}

/**
 * A fresh base for the cases' directories. Always under /tmp: the guest has a /tmp
 * too, and the guest directory takes the same absolute path, so a printed cwd matches.
 */
export function scratchBase(): string {
  return `/tmp/rustos-suite-${randomBytes(4).toString('hex')}`;
}

export const caseDir = (base: string, c: SuiteCase): string => `${base}/${c.id}`;

/** Writes the case's input files under `dir` (with their modes). */
export function writeInputs(dir: string, c: SuiteCase): void {
  for (const [rel, f] of Object.entries(c.files ?? {})) {
    const file = typeof f === 'string' ? { data: f } : f;
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.data);
    chmodSync(path, file.mode ?? 0o644);
  }
}

/** The launcher's arguments for a case: DIR VAR=VALUE… -- argv…, with `path` mapping PATH's directories. */
export function launchArgs(c: SuiteCase, dir: string, path: (dir: string) => string = (d) => d): string[] {
  const vars = environment(c).map(([k, v]) => `${k}=${k === 'PATH' ? v.split(':').map(path).join(':') : v}`);
  return [dir, ...vars, '--', ...c.argv];
}

/** Exit status the way a shell (and `rustos run`) reports it: 128+N for a death by signal N. */
export function exitStatus(status: number | null, signal: NodeJS.Signals | null): number {
  if (status !== null) return status;
  return 128 + (signal ? constants.signals[signal] : 0);
}

/** Runs the case on the host in a fresh `dir` (same path as the guest's). */
export function runNative(c: SuiteCase, dir: string): RunResult {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeInputs(dir, c);
  const r = spawnSync(join(ROOTFS, LAUNCH), launchArgs(c, dir, (d) => (d.startsWith('/') ? ROOTFS + d : d)), {
    env: {},
    input: c.stdin ?? '',
    maxBuffer: 64 << 20,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  // The host runs the binaries from ROOTFS; wherever it shows through (PATH, /proc/self/exe), map it back.
  const unroot = (b: Buffer): string => b.toString('latin1').split(ROOTFS).join('');
  return { stdout: unroot(r.stdout), stderr: unroot(r.stderr), status: exitStatus(r.status, r.signal) };
}
