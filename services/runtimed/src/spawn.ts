/**
 * Asking loaderd to build and start a process bound to a vfsd session. loaderd's
 * peer API (loaderd.proto, endpoint loaderd.exec) answers the pid, or an errno
 * and loaderd's step message when the program cannot run.
 */
import { Errno, contracts, grpc, unaryCall, type ServiceContext } from '@rustos/platform';

export interface SpawnRequest {
  path: string;
  argv: string[];
  envp: string[];
  cwd: string;
  session: number;
}

export interface SpawnReply {
  errno: number;
  pid: number;
  message: string;
}

type LoaderdClient = grpc.Client & {
  Spawn(req: SpawnRequest & { parentPid: number }, md: grpc.Metadata, cb: (e: grpc.ServiceError | null, r?: SpawnReply) => void): void;
};

export async function spawn(ctx: ServiceContext, req: SpawnRequest): Promise<SpawnReply> {
  const Loaderd = (contracts() as unknown as { rustos: { v1: Record<string, unknown> } }).rustos.v1.Loaderd as (new (...a: never[]) => LoaderdClient) | undefined;
  if (!Loaderd) return { errno: Errno.ENOSYS, pid: 0, message: 'loaderd offers no Spawn' };
  return ctx.peers.call('loaderd.exec', Loaderd as never, (c: LoaderdClient, md) => unaryCall<SpawnReply>((cb) => c.Spawn({ ...req, parentPid: 0 }, md, cb)), { idempotent: false });
}
