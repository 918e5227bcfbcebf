/**
 * Calls that answer only once a device has their data (fsync, sync, syncfs, a
 * write on an O_SYNC/O_DSYNC description): parked like a blocking read until
 * every pending device sync is done, then `answer` — or the first one's errno.
 */
import type { SyncPending } from '../files/file-object.js';
import { Wait, type Answer, type Outcome } from '../wait.js';

export function settled(pending: (SyncPending | void | undefined)[], answer: Answer): Outcome {
  const waiting = pending.filter((p): p is SyncPending => !!p);
  const check = (): Outcome => {
    const open = waiting.find((p) => !p.done);
    if (open) return new Wait([open.queue], check);
    const failed = waiting.find((p) => p.errno);
    return failed ? { result: -failed.errno } : answer;
  };
  return check();
}
