/**
 * Benchmarks of the emulator run in a process set up as the nucleus's is (the
 * system's malloc tunables, platform/src/process-env.ts): when this process lacks
 * them, it runs itself again with them and exits with that run's status.
 */
import { spawnSync } from 'node:child_process';
import { withMallocTunables } from '@rustos/platform/process-env.js';

export function asNucleusProcess(): void {
  const env = withMallocTunables(process.env);
  if (env === process.env) return;
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  process.exit(r.status ?? 1);
}
