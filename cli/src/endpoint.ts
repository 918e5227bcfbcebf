/**
 * Which system the CLI talks to: `--endpoint` or RUSTOS_ENDPOINT (a compose system's
 * published admin address, e.g. 127.0.0.1:7700), else the local system under
 * RUSTOS_HOME.
 */
import { connectNucleus, unixAddress, grpc, ERRNO_KEY, type NucleusClients } from '@rustos/platform';

export function adminAddress(flag: string | true | undefined): string {
  if (typeof flag === 'string') return flag;
  return process.env.RUSTOS_ENDPOINT ?? unixAddress('nucleus');
}

export { isLocal } from './local-home.js';

export function connect(flag: string | true | undefined): NucleusClients {
  return connectNucleus(adminAddress(flag));
}

/**
 * A failed call in words: UNAVAILABLE without the system's errno is the CLI not
 * reaching the system at all; with it, the system answered (an owner restarting
 * and not back in time, say) and its message says why.
 */
export function describeError(err: grpc.ServiceError): string {
  const answered = err.metadata?.get(ERRNO_KEY).length > 0;
  if (err.code === grpc.status.UNAVAILABLE && !answered) return `no system answers (${err.details || err.message}); is it up?`;
  return err.details || err.message;
}
