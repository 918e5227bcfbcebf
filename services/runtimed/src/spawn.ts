/**
 * Asking loaderd to build and start a process bound to a vfsd session. loaderd's
 * peer API (loaderd.proto, endpoint loaderd.exec) answers the pid, or an errno
 * and loaderd's step message when the program cannot run.
 */
import { rustos, unaryCall, type ServiceContext } from '@rustos/platform';
import type { SpawnReply__Output } from '@rustos/platform/gen/rustos/v1/SpawnReply.js';

export interface SpawnRequest {
  path: string;
  argv: string[];
  envp: string[];
  cwd: string;
  session: number;
}

export function spawn(ctx: ServiceContext, req: SpawnRequest): Promise<SpawnReply__Output> {
  // Not idempotent: a retry after a lost answer could start the program twice.
  return ctx.peers.call('loaderd.exec', rustos().Loaderd, (c, md) => unaryCall<SpawnReply__Output>((cb) =>
    c.Spawn({ ...req, parentPid: 0, uid: 0, gid: 0 }, md, { deadline: Date.now() + 60_000 }, cb)), { idempotent: false });
}
