/**
 * File contents for file-backed mmap come from vfsd, which owns files: its peer
 * API (Vfsd.MapSource) answers the bytes of an fd's file at an offset and the
 * file's identity for /proc/<pid>/maps, or says the fd maps anonymous memory
 * (/dev/zero).
 */
import { rustos, unaryCall, type ServiceContext } from '@rustos/platform';
import type { MapSourceReply__Output } from '@rustos/platform/gen/rustos/v1/MapSourceReply.js';
import type { FileSource } from './memory.js';

export function vfsdFileSource(ctx: ServiceContext): FileSource {
  return async (pid, fd, offset, length) => {
    const r = await ctx.peers.call('vfsd.files', rustos().Vfsd, (c, md) =>
      unaryCall<MapSourceReply__Output>((cb) => c.MapSource({ pid, fd, offset, length }, md, cb)), { idempotent: true });
    const file = r.file ? { path: r.file.path, device: Number(r.file.device), inode: Number(r.file.inode) } : undefined;
    return { errno: r.errno, data: r.data, file, readable: r.readable, writable: r.writable, anonymous: r.anonymous };
  };
}
