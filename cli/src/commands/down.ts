/** `rustos down`: an orderly shutdown of the system (local or, with --endpoint, compose). */
import { unaryCall } from '@rustos/platform';
import type { Args } from '../args.js';
import { connect, isLocal } from '../endpoint.js';
import { runningLauncher } from '../local-home.js';

export async function down(args: Args): Promise<number> {
  const endpoint = args.flags.get('endpoint');
  const launcher = isLocal(endpoint) ? runningLauncher() : undefined;
  const n = connect(endpoint);
  try {
    const reply = await unaryCall<{ message: string }>((cb) => n.admin.Shutdown({}, { deadline: Date.now() + 3000 }, cb));
    process.stdout.write(`${reply.message}\n`);
  } catch (err) {
    if (!launcher) {
      process.stderr.write(`rustos down: no system answers at ${n.address} (${(err as Error).message})\n`);
      return 1;
    }
  } finally {
    n.close();
  }
  if (launcher) {
    // Wait for the local launcher (and with it every process) to be gone.
    const deadline = Date.now() + 10_000;
    const alive = () => { try { process.kill(launcher, 0); return true; } catch { return false; } };
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive()) {
      process.kill(launcher, 'SIGTERM');
      process.stderr.write(`rustos down: launcher ${launcher} did not stop in time; sent SIGTERM\n`);
      return 1;
    }
  }
  process.stdout.write('stopped\n');
  return 0;
}
