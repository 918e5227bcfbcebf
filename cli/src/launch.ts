/**
 * The detached launcher process that `rustos up --detach` starts. It starts the
 * system's processes before it loads the gRPC runtime: loading that costs a Node
 * process about 0.1 s of CPU, and the nucleus, which everything waits for, would
 * start that much later. The runtime is needed only afterwards, to follow the
 * boot (a warm spare is kept once it is done) and to ask the nucleus for an
 * orderly shutdown on SIGINT/SIGTERM.
 */
import { createRequire } from 'node:module';
import { home } from '@rustos/platform/config.js';
import { Launcher, programs } from './launcher.js';

async function main(): Promise<number> {
  process.title = 'rustos:launcher';
  const launcher = new Launcher(home(), process.env);
  launcher.start(programs());
  const require = createRequire(import.meta.url);
  const { connectNucleus, unaryCall, unixAddress } = require('@rustos/platform') as typeof import('@rustos/platform');
  const { followBoot } = await import('./progress.js');
  const n = connectNucleus(unixAddress('nucleus'));
  const stop = async () => {
    await unaryCall((cb) => n.admin.Shutdown({}, { deadline: Date.now() + 2000 }, cb)).catch(() => undefined);
    await launcher.stop();
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  followBoot(n, Date.now(), true).then(() => launcher.keepSpare(), () => undefined);
  await launcher.done;
  n.close();
  return launcher.exitCode;
}

main().then((code) => process.exit(code), (err: Error) => {
  process.stderr.write(`launcher: ${err.stack ?? err}\n`);
  process.exit(1);
});
