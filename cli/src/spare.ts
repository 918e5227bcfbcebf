/**
 * A warm spare for the local launcher: a process that has already paid Node's
 * start-up and loaded the service runtime (gRPC, the contracts, logging), waiting
 * to be told which service to become. When a service dies, the launcher hands its
 * role to the spare instead of starting a cold process, so a restart costs an
 * enrollment, not a runtime load. It is a new process, with a new pid, like any
 * restart; rootd admits it as the next generation.
 */
import { pathToFileURL } from 'node:url';
import { packageDefinition, rustos } from '@rustos/platform';

interface Become {
  become: string;
  entry: string;
}

packageDefinition();
rustos();
process.title = 'rustos:spare';
process.on('message', (m: Become) => {
  if (!m?.become) return;
  process.title = `rustos:${m.become}`;
  process.disconnect?.();
  import(pathToFileURL(m.entry).href).catch((err: Error) => {
    process.stderr.write(`spare: could not become ${m.become}: ${err.stack ?? err.message}\n`);
    process.exit(75);
  });
});
process.send?.({ ready: true });
