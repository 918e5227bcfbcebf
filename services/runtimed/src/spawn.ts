/**
 * Asking loaderd to build and start a process bound to a vfsd session. loaderd's
 * peer API (loaderd.proto, endpoint loaderd.exec) answers the pid, or an errno
 * and loaderd's step message when the program cannot run.
 */
import { Errno, rustos, unaryCall, type ServiceContext } from '@rustos/platform';
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

/**
 * As `docker exec` (execvp) does: a name without a slash is looked for in the
 * directories of PATH, in order. A directory where opening it fails as not there
 * (ENOENT, ENOTDIR) or not runnable (EACCES) is passed over; any other answer
 * (a later step, another errno) is the program's.
 */
export async function spawnFromPath(ctx: ServiceContext, name: string, path: string, req: Omit<SpawnRequest, 'path'>): Promise<SpawnReply__Output> {
  if (name.includes('/')) return spawn(ctx, { ...req, path: name });
  let denied: SpawnReply__Output | undefined;
  for (const dir of path.split(':')) {
    const r = await spawn(ctx, { ...req, path: `${dir || '.'}/${name}` });
    // Only opening the program itself tells that it is not here; any later step is the program's.
    if (r.step !== 'open') return r;
    if (r.errno === Errno.EACCES) denied ??= r;
    else if (r.errno !== Errno.ENOENT && r.errno !== Errno.ENOTDIR) return r;
  }
  return denied ?? {
    pid: 0, tid: 0, errno: Errno.ENOENT, errnoName: 'ENOENT', step: 'path', detail: `not found in PATH (${path})`,
    message: `rustos run: ${name}: not found in PATH (${path})`,
  };
}
