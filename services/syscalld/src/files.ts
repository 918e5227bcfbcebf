/**
 * File contents for file-backed mmap come from vfsd, which owns files: its peer
 * API (Vfsd.MapSource) answers the bytes of an fd's file at an offset and the
 * file's identity for /proc/<pid>/maps, or says the fd maps anonymous memory
 * (/dev/zero); Vfsd.WriteBack takes a shared mapping's pages back into the file.
 */
import { rustos, unaryCall, type grpc, type ServiceContext } from '@rustos/platform';
import type { MapSourceReply__Output } from '@rustos/platform/gen/rustos/v1/MapSourceReply.js';
import type { WriteBackReply__Output } from '@rustos/platform/gen/rustos/v1/WriteBackReply.js';
import type { MappedFiles } from './memory.js';

export function vfsdFiles(ctx: ServiceContext): MappedFiles {
  const vfsd = <R>(call: (c: InstanceType<ReturnType<typeof rustos>['Vfsd']>, md: grpc.Metadata) => Promise<R>) =>
    ctx.peers.call('vfsd.files', rustos().Vfsd, call, { idempotent: true });
  return {
    async source(pid, fd, offset, length, shared) {
      const r = await vfsd((c, md) => unaryCall<MapSourceReply__Output>((cb) => c.MapSource({ pid, fd, offset, length, shared }, md, cb)));
      const file = r.file ? { path: r.file.path, device: Number(r.file.device), inode: Number(r.file.inode) } : undefined;
      return { errno: r.errno, data: r.data, file, readable: r.readable, writable: r.writable, anonymous: r.anonymous, section: r.section };
    },
    async writeBack(file, data) {
      const r = await vfsd((c, md) => unaryCall<WriteBackReply__Output>((cb) => c.WriteBack({ file, data }, md, cb)));
      return r.errno;
    },
  };
}
