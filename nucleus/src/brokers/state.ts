/** The state store's gRPC surface: a service reads and writes only its own namespace. */
import { failed, unary } from '@rustos/platform';
import type { StateStoreHandlers } from '@rustos/platform/gen/rustos/v1/StateStore.js';
import type { Kernel } from '../executive/kernel.js';
import { MAX_STATE_BYTES } from '../object/state-store.js';
import { authorize } from './guard.js';

export function stateHandlers(k: Kernel): StateStoreHandlers {
  return {
    Put: unary((req) => {
      const cap = authorize(k, req.header, 'state', 'StateStore.Put');
      if (!k.state.put(cap.holder, req.set, req.delete)) throw failed(`StateStore.Put: ${cap.holder} would keep more than ${MAX_STATE_BYTES} bytes`, 28);
      return {};
    }),
    Get: unary((req) => {
      const cap = authorize(k, req.header, 'state', 'StateStore.Get');
      return { entries: k.state.get(cap.holder, req.prefix) };
    }),
  };
}
