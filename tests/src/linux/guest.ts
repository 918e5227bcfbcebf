/**
 * The system half of the suite: the same case through the `rustos` CLI, against a
 * local system (RUSTOS_HOME) or a compose/Testcontainers one (RUSTOS_ENDPOINT):
 * inputs go in with `rustos cp <host> :<guest path>`, the command runs with
 * `rustos run -- /opt/rustos/tests/launch DIR VAR=… -- argv…`, stdin piped in,
 * and `rustos run`'s stdout, stderr and exit status are the program's.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '@rustos/platform';
import type { SuiteCase } from './case.js';
import { exitStatus, launchArgs, LAUNCH, writeInputs, type RunResult } from './native.js';

const CLI = join(ROOT, 'cli', 'bin', 'rustos.js');

/** A system the suite runs against, named for reports; `env` selects it for the CLI. */
export interface Target {
  name: string;
  env: NodeJS.ProcessEnv;
}

export function localTarget(env: NodeJS.ProcessEnv): Target {
  return { name: `local system (${env.RUSTOS_HOME})`, env };
}

export function endpointTarget(endpoint: string): Target {
  const env = { ...process.env, RUSTOS_ENDPOINT: endpoint };
  return { name: `system at ${endpoint}`, env };
}

/** Guest runs are emulated, instruction by instruction: generous, but not unbounded. */
const RUN_TIMEOUT_MS = 600_000;

function rustos(target: Target, args: string[], input: string | Uint8Array = ''): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: target.env, input, maxBuffer: 64 << 20, timeout: RUN_TIMEOUT_MS });
  if (r.error) throw new Error(`rustos ${args[0]}: ${r.error.message}`);
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1'), status: exitStatus(r.status, r.signal) };
}

/** One `rustos run` creating every case directory (and the directories their inputs go in). */
export function makeGuestDirs(target: Target, dirs: string[]): void {
  const r = rustos(target, ['run', '--', '/bin/busybox', 'mkdir', '-p', ...dirs]);
  if (r.status !== 0) throw new Error(`rustos run busybox mkdir -p (the cases' directories) exited ${r.status}:\n${r.stdout}${r.stderr}`);
}

/** The guest directories a case needs before its inputs are copied in. */
export function guestDirsOf(c: SuiteCase, dir: string): string[] {
  return [dir, ...Object.keys(c.files ?? {}).map((rel) => dirname(`${dir}/${rel}`))];
}

/** Copies the case's inputs into its guest directory, one `rustos cp` per file, staged on the host under `stage`. */
export function copyInputs(target: Target, c: SuiteCase, dir: string, stage: string): void {
  const host = join(stage, c.id);
  rmSync(host, { recursive: true, force: true });
  mkdirSync(host, { recursive: true });
  writeInputs(host, c);
  for (const rel of Object.keys(c.files ?? {})) {
    const r = rustos(target, ['cp', join(host, rel), `:${dir}/${rel}`]);
    if (r.status !== 0) throw new Error(`rustos cp ${rel} into the guest exited ${r.status}:\n${r.stdout}${r.stderr}`);
  }
}

export function runGuest(target: Target, c: SuiteCase, dir: string): RunResult {
  return rustos(target, ['run', '--', LAUNCH, ...launchArgs(c, dir)], c.stdin ?? '');
}
