/**
 * Getting changes to the device in an order a crash cannot break (README.md):
 * file data in place, then the changed metadata blocks as one record in the
 * commit log past the filesystem's end, flushed; then the same blocks in
 * place, flushed. Replayed at mount, the last whole record puts the metadata
 * back to a state e2fsck calls clean; a torn record fails its hash and is
 * ignored (the previous commit's metadata is still all in place).
 */
import { createHash } from 'node:crypto';
import { Errno } from '../../abi.js';
import type { SyncPending } from '../../files/file-object.js';
import { WaitQueue, woken } from '../../wait.js';
import { writeAt, type BlockDevice } from './device.js';
import { SB, SUPERBLOCK_OFFSET } from './layout.js';
import type { Volume } from './volume.js';

const LOG_MAGIC = 0x474f4c52;   // "RLOG"
const HEADER = 4 + 4 + 4 + 16 + 32;   // magic, seq, count, fs uuid, sha256 of numbers and payload
/** Bytes past the filesystem kept for the log when vfsd formats a device. */
export const LOG_BYTES = 2 * 1024 * 1024;

/** Where the log lives: the device's tail past the filesystem, if there is room for one. */
export interface LogArea {
  at: number;
  bytes: number;
}

export function logArea(v: Volume, deviceBytes: number): LogArea | undefined {
  const at = v.blocksCount * v.blockSize;
  const bytes = deviceBytes - at;
  return bytes >= 16 * v.blockSize ? { at, bytes } : undefined;
}

function uuid(v: Volume): Buffer {
  return v.image.subarray(SUPERBLOCK_OFFSET + SB.uuid, SUPERBLOCK_OFFSET + SB.uuid + 16);
}

function digest(numbers: Buffer, payload: Buffer): Buffer {
  return createHash('sha256').update(numbers).update(payload).digest();
}

/** Blocks logged per record: what the header can list and the area can hold. */
function capacity(v: Volume, log: LogArea): number {
  return Math.min((v.blockSize - HEADER) / 4, Math.floor(log.bytes / v.blockSize) - 1);
}

/** A whole record in `image`'s log area, applied to the image; the blocks it restored (to write in place), or []. */
/** Blocks of the record whose header (the log's first block) is in `image`: what a mount must read of the log. */
export function recordBlocks(v: Volume, log: LogArea, image: Buffer): number {
  const h = image.subarray(log.at, log.at + v.blockSize);
  if (h.readUInt32LE(0) !== LOG_MAGIC || !h.subarray(12, 28).equals(uuid(v))) return 0;
  return Math.min(h.readUInt32LE(8), capacity(v, log));
}

export function replay(v: Volume, log: LogArea | undefined, image: Buffer): number[] {
  if (!log) return [];
  const h = image.subarray(log.at, log.at + v.blockSize);
  if (h.readUInt32LE(0) !== LOG_MAGIC || !h.subarray(12, 28).equals(uuid(v))) return [];
  const count = h.readUInt32LE(8);
  if (count > capacity(v, log)) return [];
  const numbers = h.subarray(HEADER, HEADER + 4 * count);
  const payload = image.subarray(log.at + v.blockSize, log.at + v.blockSize * (1 + count));
  if (!digest(numbers, payload).equals(h.subarray(28, 60))) return [];
  const blocks: number[] = [];
  for (let i = 0; i < count; i++) {
    const b = numbers.readUInt32LE(4 * i);
    if (b >= v.blocksCount) return [];
    payload.copy(image, b * v.blockSize, i * v.blockSize, (i + 1) * v.blockSize);
    blocks.push(b);
  }
  return blocks;
}


export class Committer {
  readonly queue = new WaitQueue();
  private waiting: { target: number; p: SyncPending }[] = [];
  private running = false;
  private seq = 1;
  /** Everything up to this change number is on the device and flushed. */
  durable = 0;

  constructor(private readonly dev: BlockDevice, private readonly v: Volume, private readonly log: LogArea | undefined,
    private readonly onError: (err: Error) => void = () => undefined) {}

  /** Start (or join) a commit of everything changed so far. */
  sync(): SyncPending {
    const p: SyncPending = { queue: this.queue, done: false, errno: 0 };
    if (this.durable >= this.v.changes && !this.running) {
      p.done = true;
      return p;
    }
    this.waiting.push({ target: this.v.changes, p });
    this.kick();
    return p;
  }

  /** Start a commit of everything changed so far, unless one is on its way (nobody waits for it). */
  background(): void {
    if (!this.running) this.kick();
  }

  /** Write back in the background (the periodic writeback, an orderly stop). */
  async writeback(): Promise<void> {
    const p = this.sync();
    while (!p.done) await woken([this.queue]);
    if (p.errno) throw new Error('writeback failed: EIO');
  }

  private kick(): void {
    if (this.running) return;
    if (this.v.dirty.size === 0) {
      this.durable = this.v.changes;
      this.settle(0);
      return;
    }
    this.running = true;
    const target = this.v.changes;
    this.commit().then(() => {
      this.durable = target;
      this.settle(0);
    }, (err: Error) => {
      this.onError(err);
      this.settle(Errno.EIO);
    }).finally(() => {
      this.running = false;
      this.queue.wake();
      if (this.waiting.length) this.kick();
    });
  }

  private settle(errno: number): void {
    const still: typeof this.waiting = [];
    for (const w of this.waiting) {
      if (errno || w.target <= this.durable) {
        w.p.done = true;
        w.p.errno = errno;
      } else {
        still.push(w);
      }
    }
    this.waiting = still;
  }

  /** One commit: a snapshot of the dirty blocks (later changes wait for the next one). */
  private async commit(): Promise<void> {
    const v = this.v;
    const data: number[] = [];
    const meta: number[] = [];
    const copies = new Map<number, Buffer>();
    for (const [b, kind] of v.dirty) {
      (kind === 'data' ? data : meta).push(b);
      copies.set(b, Buffer.from(v.block(b)));
    }
    v.dirty.clear();
    try {
      await this.writeRuns(data, copies);
      if (meta.length && this.log && meta.length <= capacity(v, this.log)) {
        meta.sort((a, b) => a - b);
        const numbers = Buffer.alloc(4 * meta.length);
        meta.forEach((b, i) => numbers.writeUInt32LE(b, 4 * i));
        const payload = Buffer.concat(meta.map((b) => copies.get(b)!));
        const header = Buffer.alloc(v.blockSize);
        header.writeUInt32LE(LOG_MAGIC, 0);
        header.writeUInt32LE(this.seq++, 4);
        header.writeUInt32LE(meta.length, 8);
        uuid(v).copy(header, 12);
        digest(numbers, payload).copy(header, 28);
        numbers.copy(header, HEADER);
        await writeAt(this.dev, this.log.at, Buffer.concat([header, payload]));
      }
      // Data (and the log record) durable before any metadata that points at it is written in place.
      await this.dev.flush();
      if (meta.length) {
        await this.writeRuns(meta, copies);
        await this.dev.flush();
      }
      v.watcher?.committed(copies.keys());
    } catch (err) {
      // Not on the device: these blocks go with the next commit (their newest bytes).
      for (const b of data) if (!v.dirty.has(b)) v.dirty.set(b, 'data');
      for (const b of meta) if (!v.dirty.has(b)) v.dirty.set(b, 'meta');
      throw err;
    }
  }

  /** Write blocks in place, consecutive ones in one call. */
  private async writeRuns(blocks: number[], copies: Map<number, Buffer>): Promise<void> {
    blocks.sort((a, b) => a - b);
    const bs = this.v.blockSize;
    for (let i = 0; i < blocks.length;) {
      let j = i + 1;
      while (j < blocks.length && blocks[j] === blocks[j - 1]! + 1 && (j - i) * bs < 1024 * 1024) j++;
      await writeAt(this.dev, blocks[i]! * bs, Buffer.concat(blocks.slice(i, j).map((b) => copies.get(b)!)));
      i = j;
    }
  }
}
