/**
 * The door every broker and IPC call walks through: the request must carry a
 * CallHeader with the right ABI version and a capability for the broker's right;
 * then the call's fault-injection point gets its say. Refusals are counted and
 * logged, and never disturb the nucleus.
 */
import { grpc, invalid, denied, RpcError, ABI_VERSION } from '@rustos/platform';
import type { CallHeader__Output } from '@rustos/platform/gen/rustos/v1/CallHeader.js';
import type { Kernel } from '../executive/kernel.js';
import type { Capability } from '../object/capabilities.js';

export function authorize(k: Kernel, header: CallHeader__Output | null | undefined, right: string, what: string): Capability {
  if (!header) throw invalid(`${what}: missing header (CallHeader with abi_version and capability)`);
  if (header.abiVersion !== ABI_VERSION) {
    throw invalid(`${what}: ABI version ${header.abiVersion} is not supported (this nucleus speaks ${ABI_VERSION})`);
  }
  const cap = header.capability ? k.caps.authorize(header.capability, right) : undefined;
  if (!cap) {
    k.count('denied');
    const held = header.capability ? k.caps.get(header.capability) : undefined;
    const who = held ? `${held.holder} generation ${held.generation} (holds "${held.right}")` : header.capability ? 'an unknown or revoked capability' : 'no capability';
    k.log.warn({ right, what, who }, `permission denied: ${what} needs "${right}", caller presented ${who}`);
    throw denied(`${what}: permission denied: needs capability "${right}", caller presented ${who}`);
  }
  return cap;
}

/**
 * Apply the fault-injection point of a call: may delay it, fail it or drop it.
 * Returns undefined (no promise, no microtask) when no rule fires: the hot path.
 */
export function injectFaults(k: Kernel, point: string): Promise<void> | undefined {
  const v = k.faults.check(point);
  if (!v) return undefined;
  return (async () => {
    if (v.delayMs) await new Promise((r) => setTimeout(r, v.delayMs));
    if (v.fail) throw new RpcError(grpc.status.UNAVAILABLE, `${point}: failed by fault injection (${v.rule})`, 5);
    if (v.drop) throw new RpcError(grpc.status.UNAVAILABLE, `${point}: dropped by fault injection (${v.rule})`, 11);
  })();
}

export function requireString(v: string, field: string, what: string, max = 256): string {
  if (!v) throw invalid(`${what}: missing field "${field}"`);
  if (v.length > max) throw invalid(`${what}: field "${field}" is ${v.length} characters, more than ${max}`);
  return v;
}
