/**
 * A BlockDevice kept in a host file, for the block service's unit tests (the
 * system's disk is the NVMe controller, nvme/). A missing file is created sparse
 * (all zeroes); flush is fsync.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BlockDevice } from '@rustos/platform';

export const FILE_DEVICE_BYTES = 64 * 1024 * 1024;
const SECTOR = 512;

export class FileDevice implements BlockDevice {
  readonly blockSize = SECTOR;

  private constructor(readonly path: string, private readonly fh: FileHandle, readonly blocks: number) {}

  /** Open (creating sparse if missing) the disk file at `path`. */
  static async open(path: string, bytes = FILE_DEVICE_BYTES): Promise<FileDevice> {
    mkdirSync(dirname(path), { recursive: true });
    const created = !existsSync(path);
    const fh = await open(path, created ? 'w+' : 'r+');
    if (created) {
      await fh.truncate(bytes);
      await fh.sync();
    }
    const size = (await fh.stat()).size;
    return new FileDevice(path, fh, Math.floor(size / SECTOR));
  }

  async read(lba: number, count: number): Promise<Uint8Array> {
    const buf = Buffer.alloc(count * SECTOR);
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await this.fh.read(buf, done, buf.length - done, lba * SECTOR + done);
      if (bytesRead === 0) break;   // past a short file's end: zeroes, as a sparse disk
      done += bytesRead;
    }
    return buf;
  }

  async write(lba: number, data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, lba * SECTOR + done);
      done += bytesWritten;
    }
  }

  /** The file's storage (st_blocks, 512-byte units): a hole reads as zeroes. */
  async allocatedBlocks(): Promise<number> {
    return Math.min(this.blocks, Math.ceil(((await this.fh.stat()).blocks * 512) / SECTOR));
  }

  async flush(): Promise<void> {
    await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
