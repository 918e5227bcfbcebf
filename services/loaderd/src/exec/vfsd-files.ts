/**
 * ExecFiles served by vfsd's peer API (endpoint vfsd.files):
 * OpenExec(pid, path) → { path, bytes, device, inode, mode, errno }, the shape
 * agreed for vfsd.proto. Until that contract is on main the client is looked up
 * by name among the generated contracts, so this file is the only place that
 * changes when it lands; without it every open answers ENOSYS, said once in the log.
 */
import { Errno, rustos, type grpc, type ServiceContext } from '@rustos/platform';
import type { ExecFile, ExecFiles } from './files.js';

interface OpenExecReply {
  path?: string;
  bytes?: Buffer;
  device?: number;
  inode?: number;
  identity?: { device?: number; inode?: number } | null;
  mode?: number;
  errno?: number;
}

type Unary = (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: OpenExecReply) => void) => void;
type VfsdClient = { OpenExec: Unary };
type VfsdCtor = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ClientOptions) => VfsdClient;

export function vfsdFiles(ctx: ServiceContext): ExecFiles {
  let warned = false;
  return {
    async openExec(pid, path) {
      const Vfsd = (rustos() as unknown as Record<string, VfsdCtor | undefined>).Vfsd;
      if (!Vfsd || !('OpenExec' in Vfsd.prototype)) {
        if (!warned) ctx.log.warn('vfsd offers no OpenExec in the contracts yet: every exec fails with ENOSYS');
        warned = true;
        return Errno.ENOSYS;
      }
      const r = await ctx.peers.call('vfsd.files', Vfsd, (client, md) => new Promise<OpenExecReply>((resolve, reject) =>
        client.OpenExec({ pid, path }, md, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(err) : resolve(res!)))), { idempotent: true });
      if (r.errno) return r.errno;
      const bytes = r.bytes ?? Buffer.alloc(0);
      const file: ExecFile = {
        path: r.path || path,
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
        device: r.device ?? r.identity?.device ?? 0,
        inode: r.inode ?? r.identity?.inode ?? 0,
        mode: r.mode ?? 0,
      };
      return file;
    },
  };
}
