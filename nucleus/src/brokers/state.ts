/** The state store's gRPC surface: a service reads and writes only its own namespace. */
import { failed, unary } from '@rustos/platform';
import type { StateStoreHandlers } from '@rustos/platform/gen/rustos/v1/StateStore.js';
import type { Kernel } from '../executive/kernel.js';
import { MAX_STATE_BYTES } from '../object/state-store.js';
import { authorize } from './guard.js';
import type { StatePut__Output } from '@rustos/platform/gen/rustos/v1/StatePut.js';

/** Apply a batch to its holder's namespace (a Put, or the state a mailbox reply carries). */
export function storeState(k: Kernel, req: StatePut__Output, what: string): void {
  const cap = authorize(k, req.header, 'state', what);
  if (!k.state.put(cap.holder, req.set, req.delete)) throw failed(`${what}: ${cap.holder} would keep more than ${MAX_STATE_BYTES} bytes`, 28);
}

export function stateHandlers(k: Kernel): StateStoreHandlers {
  return {
    Put: unary((req) => {
      storeState(k, req, 'StateStore.Put');
      return {};
    }),
    Get: unary((req) => {
      const cap = authorize(k, req.header, 'state', 'StateStore.Get');
      return { entries: k.state.get(cap.holder, req.prefix) };
    }),
  };
}
