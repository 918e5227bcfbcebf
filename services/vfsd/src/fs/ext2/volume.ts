/**
 * A mounted ext2 image: the device's bytes held in vfsd's memory (every call
 * on a Node is synchronous, the device is not), the geometry the superblock
 * gives, and which blocks changed since the last commit — metadata (written
 * through the log) apart from file data (written in place first). The
 * superblock and group descriptors are read and changed in place in the image.
 */
import { GD, GD_SIZE, SB, SUPERBLOCK_OFFSET } from './layout.js';

export type BlockKind = 'meta' | 'data';

export class Volume {
  readonly blockSize: number;
  readonly blocksCount: number;
  readonly inodesCount: number;
  readonly blocksPerGroup: number;
  readonly inodesPerGroup: number;
  readonly firstDataBlock: number;
  readonly inodeSize: number;
  readonly firstIno: number;
  readonly groups: number;
  /** Block number of the primary group descriptor table. */
  readonly gdtBlock: number;
  /** Changed blocks since the last commit, and what they hold. */
  readonly dirty = new Map<number, BlockKind>();
  /** Bumped by every change: a sync waits until a commit covered its number. */
  changes = 0;
  /** Told of every change, freed block and durable commit: what carries unsynced blocks to vfsd's next generation (unsynced.ts). */
  watcher: {
    note(n: number, kind: BlockKind, at: number, length: number): void;
    forget(n: number): void;
    committed(blocks: Iterable<number>): void;
    readonly bytes: number;
  } | undefined;

  constructor(readonly image: Buffer) {
    const u32 = (o: number) => image.readUInt32LE(SUPERBLOCK_OFFSET + o);
    this.blockSize = 1024 << u32(SB.log_block_size);
    this.blocksCount = u32(SB.blocks_count);
    this.inodesCount = u32(SB.inodes_count);
    this.blocksPerGroup = u32(SB.blocks_per_group);
    this.inodesPerGroup = u32(SB.inodes_per_group);
    this.firstDataBlock = u32(SB.first_data_block);
    this.inodeSize = u32(SB.rev_level) === 0 ? 128 : image.readUInt16LE(SUPERBLOCK_OFFSET + SB.inode_size);
    this.firstIno = u32(SB.rev_level) === 0 ? 11 : u32(SB.first_ino);
    this.groups = Math.ceil((this.blocksCount - this.firstDataBlock) / this.blocksPerGroup);
    this.gdtBlock = this.firstDataBlock + 1;
  }

  /** The bytes of block `n` (a view: writes go to the image; call mark). */
  block(n: number): Buffer {
    return this.image.subarray(n * this.blockSize, (n + 1) * this.blockSize);
  }

  /** Block `n` changed: bytes [at, at + length) of the image if the caller knows them, else possibly all of it. */
  mark(n: number, kind: BlockKind, at = 0, length = 0): void {
    this.dirty.set(n, kind);
    this.changes++;
    this.watcher?.note(n, kind, at, length);
  }

  /** A freed block: its old bytes need not reach the disk. */
  forget(n: number): void {
    this.dirty.delete(n);
    this.watcher?.forget(n);
  }

  // ---- superblock ----

  sb32(field: number): number { return this.image.readUInt32LE(SUPERBLOCK_OFFSET + field); }
  setSb32(field: number, v: number): void {
    this.image.writeUInt32LE(v >>> 0, SUPERBLOCK_OFFSET + field);
    this.markSuper(field, 4);
  }

  /** The block holding the primary superblock (block 0 with 4 KiB blocks, 1 with 1 KiB); bytes [field, field + length) of it changed. */
  markSuper(field = 0, length = 1024): void {
    this.mark(Math.floor(SUPERBLOCK_OFFSET / this.blockSize), 'meta', SUPERBLOCK_OFFSET + field, length);
  }

  // ---- group descriptors ----

  private gdOffset(g: number): number {
    return this.gdtBlock * this.blockSize + g * GD_SIZE;
  }

  gd32(g: number, field: number): number { return this.image.readUInt32LE(this.gdOffset(g) + field); }
  gd16(g: number, field: number): number { return this.image.readUInt16LE(this.gdOffset(g) + field); }

  /** Add `delta` to a 16-bit group descriptor counter (free blocks, free inodes, used dirs). */
  addGd16(g: number, field: number, delta: number): void {
    const at = this.gdOffset(g) + field;
    this.image.writeUInt16LE(this.image.readUInt16LE(at) + delta, at);
    this.mark(Math.floor(at / this.blockSize), 'meta', at, 2);
  }

  /** Free blocks and inodes change together in the group descriptor and the superblock. */
  countFree(g: number, blocks: number, inodes: number): void {
    if (blocks) {
      this.addGd16(g, GD.free_blocks_count, blocks);
      this.setSb32(SB.free_blocks_count, this.sb32(SB.free_blocks_count) + blocks);
    }
    if (inodes) {
      this.addGd16(g, GD.free_inodes_count, inodes);
      this.setSb32(SB.free_inodes_count, this.sb32(SB.free_inodes_count) + inodes);
    }
  }
}
