/**
 * Changes not yet on the device, carried to vfsd's next generation. The image
 * lives in vfsd's memory and reaches the device only at a commit (fsync, the
 * periodic writeback); a vfsd killed before that would come back without the
 * files its guests were writing, and their restored descriptors would point at
 * nothing. So every changed block is journalled (journal.ts: it rides on the
 * answer of the call that changed it) until a commit covering it is durable,
 * and a new generation lays those blocks over what it mounted from the device.
 *
 * Fixed metadata (superblock, descriptors, bitmaps, inode tables) changes a few
 * bytes at a time: only the 128-byte pieces that changed are kept, so a 4 KiB
 * write costs about 4.5 KiB of journal, not five blocks. Those blocks are always
 * read at mount (the bitmaps mark them in use), so the pieces not kept are the
 * device's. Any other block is kept whole: a newly allocated block's old bytes
 * on the device are not what the image holds.
 */
import type { Journal } from '../../journal.js';
import { SB, SUPERBLOCK_OFFSET } from './layout.js';
import type { BlockKind, Volume } from './volume.js';

const PIECE = 128;
const KIND: BlockKind[] = ['meta', 'data'];
const HEAD = 1 + 4;   // kind, piece mask

/** What changed in one block since its last durable commit. */
interface Changed {
  kind: BlockKind;
  /** Bit i: bytes [i*PIECE, (i+1)*PIECE) of the block changed. */
  mask: number;
}

export class Unsynced {
  private readonly changed = new Map<number, Changed>();
  private readonly produce = new Map<number, () => Buffer | null>();
  private readonly whole: number;
  /** Bytes the journal holds for this filesystem (what a write may add to is bounded: fs.ts). */
  bytes = 0;

  constructor(private readonly v: Volume, private readonly journal: Journal, private readonly prefix: string) {
    const pieces = v.blockSize / PIECE;
    this.whole = pieces >= 32 ? 0xffffffff : (1 << pieces) - 1;
  }

  /** Block `n` changed: bytes [at, at + length) of the image, or all of it when length is 0. */
  note(n: number, kind: BlockKind, at: number, length: number): void {
    let mask = this.whole;
    if (length) {
      const base = n * this.v.blockSize;
      const first = Math.floor((at - base) / PIECE);
      const last = Math.floor((at + length - 1 - base) / PIECE);
      mask = 0;
      for (let i = first; i <= last; i++) mask |= 1 << i;
    }
    const c = this.changed.get(n);
    if (c) {
      c.kind = kind;
      const grown = (c.mask | mask) >>> 0;
      if (grown !== c.mask) {   // most changes touch pieces already kept (an inode's fields one by one)
        this.bytes += size(grown) - size(c.mask);
        c.mask = grown;
      }
    } else {
      this.changed.set(n, { kind, mask: mask >>> 0 });
      this.bytes += size(mask);
    }
    this.touch(n);
  }

  /** A freed block: its bytes need not survive. */
  forget(n: number): void {
    const c = this.changed.get(n);
    if (!c) return;
    this.changed.delete(n);
    this.bytes -= size(c.mask);
    this.touch(n);
  }

  /** A commit holding these blocks is durable: those not changed again since are no longer kept. */
  committed(blocks: Iterable<number>): void {
    for (const n of blocks) if (!this.v.dirty.has(n)) this.forget(n);
  }

  private touch(n: number): void {
    let f = this.produce.get(n);
    if (!f) this.produce.set(n, f = () => this.encode(n));
    this.journal.touch(blockKey(this.prefix, n), f);
  }

  private encode(n: number): Buffer | null {
    const c = this.changed.get(n);
    if (!c) {
      this.produce.delete(n);
      return null;
    }
    const block = this.v.block(n);
    const parts: Buffer[] = [Buffer.alloc(HEAD)];
    parts[0]!.writeUInt8(KIND.indexOf(c.kind), 0);
    parts[0]!.writeUInt32LE(c.mask, 1);
    if (c.mask === this.whole) parts.push(block);
    else for (let i = 0; i * PIECE < block.length; i++) if (c.mask & (1 << i)) parts.push(block.subarray(i * PIECE, (i + 1) * PIECE));
    return Buffer.concat(parts);
  }

  /** The filesystem's identity: blocks journalled for another filesystem are never laid over this one. */
  private uuid(): Buffer {
    return this.v.image.subarray(SUPERBLOCK_OFFSET + SB.uuid, SUPERBLOCK_OFFSET + SB.uuid + 16);
  }

  /**
   * Lay the blocks an earlier generation journalled over the mounted image, dirty again
   * (the next commit writes them), and journal from now on. Returns how many were laid.
   */
  restore(entries: Map<string, Buffer>): number {
    const same = entries.get(`${this.prefix}uuid`)?.equals(this.uuid()) ?? false;
    let laid = 0;
    for (const [key, value] of entries) {
      if (!key.startsWith(blockKey(this.prefix, ''))) continue;
      const n = Number(key.slice(blockKey(this.prefix, '').length));
      if (!same || !(n < this.v.blocksCount) || value.length < HEAD || value.length !== size(value.readUInt32LE(1))) {
        this.journal.touch(key, () => null);
        continue;
      }
      const kind = KIND[value.readUInt8(0)] ?? 'meta';
      const mask = value.readUInt32LE(1);
      const block = this.v.block(n);
      let from = HEAD;
      for (let i = 0; i * PIECE < block.length; i++) {
        if (!(mask & (1 << i))) continue;
        value.copy(block, i * PIECE, from, from + PIECE);
        from += PIECE;
      }
      this.v.dirty.set(n, kind);
      this.v.changes++;
      this.changed.set(n, { kind, mask });
      this.bytes += value.length;
      laid++;
    }
    const uuid = Buffer.from(this.uuid());
    this.journal.touch(`${this.prefix}uuid`, () => uuid);
    this.v.watcher = this;
    return laid;
  }
}

/** The journal key of block `n` (with n = '': what every block key starts with). */
const blockKey = (prefix: string, n: number | ''): string => `${prefix}b/${n}`;

/** A block's journalled bytes: the head and the pieces its mask names (a population count). */
function size(mask: number): number {
  let m = mask - ((mask >>> 1) & 0x55555555);
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  const count = (Math.imul((m + (m >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  return HEAD + PIECE * count;
}

/** Does the journal hold unsynced blocks under `prefix` (so /data must be mounted before restoring)? */
export function holdsUnsynced(entries: Map<string, Buffer>, prefix: string): boolean {
  for (const key of entries.keys()) if (key.startsWith(blockKey(prefix, ''))) return true;
  return false;
}
