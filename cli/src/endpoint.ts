/**
 * Which system the CLI talks to: `--endpoint` or RUSTOS_ENDPOINT (a compose system's
 * published admin address, e.g. 127.0.0.1:7700), else the local system under
 * RUSTOS_HOME.
 */
import { connectNucleus, unixAddress, type NucleusClients } from '@rustos/platform';

export function adminAddress(flag: string | true | undefined): string {
  if (typeof flag === 'string') return flag;
  return process.env.RUSTOS_ENDPOINT ?? unixAddress('nucleus');
}

export { isLocal } from './local-home.js';

export function connect(flag: string | true | undefined): NucleusClients {
  return connectNucleus(adminAddress(flag));
}
