/**
 * Whole-device and byte-offset access over the block device ext2 lives on
 * (platform's BlockDevice): storaged's block service (storage-client.ts) in the
 * system, a host file in the tests.
 */
import type { BlockDevice } from '@rustos/platform';

export type { BlockDevice };

/** Bytes moved per device call (storaged's transfer limit). */
export const TRANSFER = 1024 * 1024;

/** Read bytes [at, at + bytes) of the device (multiples of its block size) into `image`, in TRANSFER-sized pieces. */
export async function readInto(dev: BlockDevice, image: Buffer, at: number, bytes: number): Promise<void> {
  const per = Math.max(1, Math.floor(TRANSFER / dev.blockSize));
  const end = (at + bytes) / dev.blockSize;
  for (let lba = at / dev.blockSize; lba < end; lba += per) {
    const n = Math.min(per, end - lba);
    image.set(await dev.read(lba, n), lba * dev.blockSize);
  }
}

/** The whole device. */
export async function readAll(dev: BlockDevice): Promise<Buffer> {
  const out = Buffer.alloc(dev.blocks * dev.blockSize);
  await readInto(dev, out, 0, out.length);
  return out;
}

/** Write bytes at byte offset `at` (a multiple of the device block size), in TRANSFER-sized pieces. */
export async function writeAt(dev: BlockDevice, at: number, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length; off += TRANSFER) {
    const piece = data.subarray(off, Math.min(data.length, off + TRANSFER));
    await dev.write((at + off) / dev.blockSize, piece);
  }
}
