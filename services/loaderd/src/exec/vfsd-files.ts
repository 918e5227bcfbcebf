/**
 * ExecFiles served by vfsd's peer API (endpoint vfsd.files): OpenExec(pid, path)
 * → { errno, path, data, file { device, inode }, mode, uid, gid } as vfsd.proto
 * defines it (pid 0 resolves from "/"), and BindSession for a spawned process.
 * The client constructor is a parameter so tests can hand in a double of vfsd.
 */
import { Errno, rustos, type grpc, type ServiceContext } from '@rustos/platform';
import type { ExecFile, ExecFiles } from './files.js';

export interface OpenExecReply {
  errno?: number;
  path?: string;
  data?: Buffer;
  file?: { device?: number; inode?: number } | null;
  mode?: number;
}

type Unary<R = OpenExecReply> = (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: R) => void) => void;
export type VfsdClient = { OpenExec: Unary; BindSession?: Unary<{ errno?: number }> };
export type VfsdCtor = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ClientOptions) => VfsdClient;

const contractsVfsd = (): VfsdCtor | undefined => (rustos() as unknown as Record<string, VfsdCtor | undefined>).Vfsd;

export function vfsdFiles(ctx: Pick<ServiceContext, 'peers' | 'log'>, lookup: () => VfsdCtor | undefined = contractsVfsd): ExecFiles {
  let warned = false;
  return {
    async openExec(pid, path) {
      const Vfsd = lookup();
      if (!Vfsd || !('OpenExec' in Vfsd.prototype)) {
        if (!warned) ctx.log.warn('the vfsd client offers no OpenExec: every exec fails with ENOSYS');
        warned = true;
        return Errno.ENOSYS;
      }
      const r = await ctx.peers.call('vfsd.files', Vfsd, (client, md) => new Promise<OpenExecReply>((resolve, reject) =>
        client.OpenExec({ pid, path }, md, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(err) : resolve(res!)))), { idempotent: true });
      if (r.errno) return r.errno;
      const data = r.data ?? Buffer.alloc(0);
      const file: ExecFile = {
        path: r.path || path,
        bytes: new Uint8Array(data.buffer, data.byteOffset, data.length),
        device: r.file?.device ?? 0,
        inode: r.file?.inode ?? 0,
        mode: r.mode ?? 0,
      };
      return file;
    },
    async bindSession(session, pid, cwd) {
      const Vfsd = lookup();
      if (!Vfsd) return { errno: Errno.ENOSYS, cwd: false };
      const r = await ctx.peers.call('vfsd.files', Vfsd, (client, md) => new Promise<{ errno?: number; cwd?: boolean }>((resolve, reject) =>
        client.BindSession!({ session, pid, cwd }, md, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(err) : resolve(res!)))), { idempotent: true });
      return { errno: r.errno ?? 0, cwd: r.cwd ?? false };
    },
  };
}
