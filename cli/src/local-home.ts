/**
 * The local system's home (RUSTOS_HOME): its directories, its secret, and the
 * detached launcher that runs it. No gRPC here, so `rustos up --detach` can start
 * the launcher before the CLI loads the rest of itself (bin/rustos.js).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { home, ROOT, unixAddress } from '@rustos/platform/config.js';
import { systemEnv, BOOT_DONE, type LoggedMilestone } from './launcher.js';
import { BootProgress, withinBoot } from './progress.js';

/** Make the home's directories and secret; the environment the system starts with. */
export function prepareHome(): NodeJS.ProcessEnv {
  const h = home();
  mkdirSync(join(h, 'run'), { recursive: true });
  mkdirSync(join(h, 'logs'), { recursive: true });
  const secretFile = join(h, 'secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return {
    ...systemEnv(process.env),
    RUSTOS_HOME: h,
    RUSTOS_SECRET: readFileSync(secretFile, 'utf8').trim(),
    RUSTOS_NUCLEUS: unixAddress('nucleus'),
  };
}

/** Is a local system already running under RUSTOS_HOME? */
export function runningLauncher(): number | undefined {
  try {
    const state = JSON.parse(readFileSync(join(home(), 'launcher.json'), 'utf8')) as { pid: number };
    process.kill(state.pid, 0);
    return state.pid;
  } catch {
    return undefined;
  }
}

/**
 * The detached launcher (launch.ts), logging to logs/launcher.log. It reports the
 * boot's milestones over an IPC channel and closes it at desktop.ready.
 */
export function startLauncher(env: NodeJS.ProcessEnv): ChildProcess {
  const log = openSync(join(home(), 'logs', 'launcher.log'), 'a');
  const child = spawn(process.execPath, [join(ROOT, 'cli', 'dist', 'launch.cjs')], { cwd: process.cwd(), env, detached: true, stdio: ['ignore', log, log, 'ipc'] });
  closeSync(log);
  child.unref();
  return child;
}

/** A launcher bin/rustos.js started before the CLI loaded, and when. */
export interface EarlyLaunch {
  child: ChildProcess;
  origin: number;
}

/** Is the CLI talking to the local system (no `--endpoint` value, no RUSTOS_ENDPOINT)? */
export function isLocal(endpointFlag: string | true | undefined): boolean {
  return typeof endpointFlag !== 'string' && !process.env.RUSTOS_ENDPOINT;
}

/** `rustos up --detach` on a local home with no system running: start it now. */
export function startEarly(argv: string[]): EarlyLaunch | undefined {
  const origin = Date.now();
  const endpoint = argv.some((a) => a === '--endpoint' || a.startsWith('--endpoint=')) ? 'given' : undefined;
  if (argv[0] !== 'up' || !argv.includes('--detach') || !isLocal(endpoint) || runningLauncher()) return undefined;
  return { child: startLauncher(prepareHome()), origin };
}

/**
 * `up --detach`: show the boot the launcher reports, then leave the system
 * running. Exit status 0 at desktop.ready; 1 if the launcher stops or the boot
 * takes too long.
 */
export async function followDetached(early: EarlyLaunch, quiet: boolean): Promise<number> {
  const { child, origin } = early;
  const progress = new BootProgress(origin, quiet);
  const ready = new Promise<LoggedMilestone>((resolve) => {
    child.on('message', (msg: { milestone?: LoggedMilestone }) => {
      if (!msg.milestone) return;
      progress.show(msg.milestone);
      if (msg.milestone.name === BOOT_DONE) resolve(msg.milestone);
    });
  });
  const gone = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`the system stopped during boot (launcher status ${code})`)));
    child.once('disconnect', () => setTimeout(() => reject(new Error('the launcher stopped reporting the boot')), 1000).unref());
  });
  try {
    const m = await withinBoot(ready, gone);
    progress.end();
    process.stdout.write(`desktop.ready in ${((m.unixMs - origin) / 1000).toFixed(2)} s; the system runs in the background (launcher pid ${child.pid}); \`rustos down\` stops it\n`);
    return 0;
  } catch (err) {
    progress.end();
    process.stderr.write(`rustos up: ${(err as Error).message}; logs are in ${join(home(), 'logs')}\n`);
    return 1;
  } finally {
    if (child.connected) child.disconnect();
  }
}
