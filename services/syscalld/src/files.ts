/**
 * File contents for file-backed mmap come from vfsd, which owns files: its peer
 * API answers the bytes of an fd's file at an offset (zero-filled past EOF within
 * the last page) and the file's identity for /proc/<pid>/maps.
 */
import { Errno, contracts, grpc, unaryCall, type ServiceContext } from '@rustos/platform';
import type { FileSource } from './memory.js';

interface MapSourceReply {
  errno: number;
  data: Buffer;
  path: string;
  device: number;
  inode: number;
  readable: boolean;
  writable: boolean;
}

type FilesClient = grpc.Client & {
  MapSource(req: { pid: number; fd: number; offset: number; length: number }, md: grpc.Metadata, cb: (e: grpc.ServiceError | null, r?: MapSourceReply) => void): void;
};

export function vfsdFileSource(ctx: ServiceContext): FileSource {
  return async (pid, fd, offset, length) => {
    const Files = (contracts() as unknown as { rustos: { v1: Record<string, new (...a: never[]) => FilesClient> } }).rustos.v1.Files;
    if (!Files) return { errno: Errno.ENODEV, data: Buffer.alloc(0), path: '', device: 0, inode: 0, readable: false, writable: false };
    return ctx.peers.call('vfsd.files', Files as never, (c: FilesClient, md) => unaryCall<MapSourceReply>((cb) => c.MapSource({ pid, fd, offset, length }, md, cb)), { idempotent: true });
  };
}
