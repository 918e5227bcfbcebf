/**
 * A warm spare for the local launcher: a process that has already paid Node's
 * start-up and loaded the service runtime (gRPC, the contracts with every type's
 * generated encoder and decoder, logging), waiting
 * to be told which service to become. When a service dies, the launcher hands its
 * role to the spare instead of starting a cold process, so a restart costs an
 * enrollment, not a runtime load. It is a new process, with a new pid, like any
 * restart; rootd admits it as the next generation.
 */
import { createRequire } from 'node:module';
import { warmContracts } from '@rustos/platform';

interface Become {
  become: string;
  entry: string;
}

warmContracts();
process.title = 'rustos:spare';
process.on('message', (m: Become) => {
  if (!m?.become) return;
  process.title = `rustos:${m.become}`;
  process.disconnect?.();
  try {
    // Entries are CommonJS bundles requiring the same @rustos/platform bundle loaded above.
    createRequire(import.meta.url)(m.entry);
  } catch (err) {
    process.stderr.write(`spare: could not become ${m.become}: ${(err as Error).stack ?? err}\n`);
    process.exit(75);
  }
});
process.send?.({ ready: true });
