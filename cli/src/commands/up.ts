/**
 * `rustos up [--detach]` boots a local system: the nucleus and every service as
 * separate processes. Attached, it shows boot progress and runs until Ctrl-C (or
 * `rustos down`); detached, it leaves the system running in the background.
 * `rustos down` shuts it down in order.
 */
import { join } from 'node:path';
import { home, unaryCall, connectNucleus, unixAddress } from '@rustos/platform';
import { Launcher, programs } from '../launcher.js';
import { followDetached, prepareHome, runningLauncher, startLauncher } from '../local-home.js';
import { BootProgress, withinBoot } from '../progress.js';
import type { Args } from '../args.js';
import { isLocal } from '../endpoint.js';
import { runProgram } from './run.js';

function notLocal(): number {
  process.stderr.write('rustos up starts a local system; a compose system is started with `docker compose up`\n');
  return 2;
}

function alreadyRunning(): boolean {
  const existing = runningLauncher();
  if (existing) process.stdout.write(`a system is already running under ${home()} (launcher pid ${existing}); \`rustos down\` stops it\n`);
  return existing !== undefined;
}

/**
 * `up --detach`: the launcher runs the system in the background; follow its boot,
 * then leave. (bin/rustos.js does this itself, before it would load this module,
 * when it can: this is the way for the cases it leaves to the CLI.)
 */
async function detached(args: Args): Promise<number> {
  if (!isLocal(args.flags.get('endpoint'))) return notLocal();
  if (alreadyRunning()) return 0;
  return followDetached({ child: startLauncher(prepareHome()), origin: Date.now() }, args.flags.has('quiet'));
}

export async function up(args: Args): Promise<number> {
  if (args.flags.has('detach')) return detached(args);
  const quiet = args.flags.has('quiet');
  if (!isLocal(args.flags.get('endpoint'))) return notLocal();
  const origin = Date.now();
  if (alreadyRunning()) return 0;
  const env = prepareHome();
  const launcher = new Launcher(home(), env);
  launcher.start(programs());
  const n = connectNucleus(unixAddress('nucleus'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nshutting down…\n');
    await unaryCall((cb) => n.admin.Shutdown({}, { deadline: Date.now() + 2000 }, cb)).catch(() => undefined);
    await launcher.stop();
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const progress = new BootProgress(origin, quiet);
  const unwatch = launcher.onMilestone((m) => progress.show(m));
  try {
    const halted = launcher.done.then((): never => { throw new Error(`the system stopped during boot (status ${launcher.exitCode})`); });
    const m = await withinBoot(launcher.booted, halted).finally(() => { unwatch(); progress.end(); });
    launcher.keepSpare();
    const shell = process.stdin.isTTY && process.stdout.isTTY && !args.flags.has('no-shell');
    process.stdout.write(`desktop.ready in ${((m.unixMs - origin) / 1000).toFixed(2)} s — ${shell ? 'a shell on the emulated machine follows; `exit` stops the system' : 'Ctrl-C or `rustos down` stops the system'}\n`);
    if (shell) {
      const env: Record<string, string> = process.env.TERM ? { TERM: process.env.TERM } : {};
      const status = await runProgram(undefined, { path: '/bin/busybox', argv: ['sh', '-l'], env, cwd: '/home/user', tty: true });
      process.stdout.write(`shell exited with status ${status}\n`);
      await stop();
    }
  } catch (err) {
    process.stderr.write(`rustos up: ${(err as Error).message}; logs are in ${join(home(), 'logs')}\n`);
    await stop();
    return 1;
  }
  await launcher.done;
  n.close();
  process.stdout.write('system halted\n');
  return launcher.exitCode;
}
