/**
 * The detached launcher process that `rustos up --detach` starts. It never loads
 * the gRPC runtime during the boot: that costs a Node process about 0.1 s of CPU
 * while a dozen others start on the same cores. It follows the boot from the
 * nucleus's log lines (launcher.ts), tells the CLI that started it over their IPC
 * channel, keeps a warm spare once the boot is done, and loads the runtime only
 * to ask the nucleus for an orderly shutdown on SIGINT/SIGTERM.
 */
import { createRequire } from 'node:module';
import { home } from '@rustos/platform/config.js';
import { Launcher, programs } from './launcher.js';

async function main(): Promise<number> {
  process.title = 'rustos:launcher';
  const launcher = new Launcher(home(), process.env);
  launcher.start(programs());
  const toCli = launcher.onMilestone((m) => { if (process.connected) process.send!({ milestone: m }); });
  void launcher.booted.then(() => {
    toCli();
    launcher.keepSpare();
    // The last message (desktop.ready) goes before the channel closes.
    if (process.connected) process.send!({}, () => process.disconnect());
  });
  const stop = async () => {
    const require = createRequire(import.meta.url);
    const { connectNucleus, unaryCall, unixAddress } = require('@rustos/platform') as typeof import('@rustos/platform');
    const n = connectNucleus(unixAddress('nucleus'));
    await unaryCall((cb) => n.admin.Shutdown({}, { deadline: Date.now() + 2000 }, cb)).catch(() => undefined);
    n.close();
    await launcher.stop();
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await launcher.done;
  return launcher.exitCode;
}

main().then((code) => process.exit(code), (err: Error) => {
  process.stderr.write(`launcher: ${err.stack ?? err}\n`);
  process.exit(1);
});
