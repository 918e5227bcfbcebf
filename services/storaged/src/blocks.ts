/**
 * The storaged.blocks endpoint: Describe, Read, Write and Flush on the block
 * device, each checked (range, whole blocks, size) and answered with an errno,
 * never a broken stream.
 */
import { Errno, unary, type BlockDevice } from '@rustos/platform';
import type { StoragedHandlers } from '@rustos/platform/gen/rustos/v1/Storaged.js';

/** Bytes one Read or Write may carry (under grpc-js's 4 MiB message limit). */
export const MAX_TRANSFER = 1024 * 1024;

export interface BlockLog {
  warn(obj: object, msg: string): void;
}

function inRange(dev: BlockDevice, lba: number, count: number): boolean {
  return Number.isSafeInteger(lba) && lba >= 0 && count > 0 && lba + count <= dev.blocks && count * dev.blockSize <= MAX_TRANSFER;
}

/** Handlers over `device` (opened while storaged is admitted; calls before that wait for it). */
export function blockHandlers(device: Promise<BlockDevice>, backend: string, log: BlockLog): StoragedHandlers {
  const failed = (op: string, err: unknown, at: object) => {
    log.warn({ ...at, err: (err as Error).message }, `storaged: ${op} failed`);
    return Errno.EIO;
  };
  return {
    Describe: unary(async () => {
      const dev = await device;
      const allocated = await dev.allocatedBlocks?.().catch((err: Error) => { failed('describe', err, {}); return undefined; });
      return { blockSize: dev.blockSize, blocks: dev.blocks, backend, allocationKnown: allocated !== undefined, allocatedBlocks: allocated ?? 0, errno: 0 };
    }),
    Read: unary(async (req) => {
      const dev = await device;
      const lba = Number(req.lba);
      if (!inRange(dev, lba, req.count)) return { data: Buffer.alloc(0), errno: Errno.EINVAL };
      try {
        return { data: Buffer.from(await dev.read(lba, req.count)), errno: 0 };
      } catch (err) {
        return { data: Buffer.alloc(0), errno: failed('read', err, { lba, count: req.count }) };
      }
    }),
    Write: unary(async (req) => {
      const dev = await device;
      const lba = Number(req.lba);
      const data = req.data as Buffer;
      if (data.length % dev.blockSize !== 0 || !inRange(dev, lba, data.length / dev.blockSize)) return { errno: Errno.EINVAL };
      try {
        await dev.write(lba, data);
        return { errno: 0 };
      } catch (err) {
        return { errno: failed('write', err, { lba, bytes: data.length }) };
      }
    }),
    Flush: unary(async () => {
      try {
        await (await device).flush();
        return { errno: 0 };
      } catch (err) {
        return { errno: failed('flush', err, {}) };
      }
    }),
  };
}
