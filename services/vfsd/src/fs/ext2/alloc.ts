/**
 * Block and inode allocation through the groups' bitmaps, keeping the group
 * descriptors' and the superblock's free counts exact (e2fsck compares them).
 * New blocks go near a goal (the file's previous block) so files stay
 * contiguous; new inodes prefer the parent directory's group.
 */
import { Errno } from '../../abi.js';
import { fail } from '../../fail.js';
import { GD } from './layout.js';
import type { Volume } from './volume.js';

const test = (bm: Buffer, bit: number) => (bm[bit >> 3]! & (1 << (bit & 7))) !== 0;
const set = (bm: Buffer, bit: number) => { bm[bit >> 3]! |= 1 << (bit & 7); };
const clear = (bm: Buffer, bit: number) => { bm[bit >> 3]! &= ~(1 << (bit & 7)); };

function blocksInGroup(v: Volume, g: number): number {
  return Math.min(v.blocksPerGroup, v.blocksCount - v.firstDataBlock - g * v.blocksPerGroup);
}

/** A free block, preferably at or after `goal`; marked used. ENOSPC when none. */
export function allocBlock(v: Volume, goal = 0): number {
  const start = goal >= v.firstDataBlock && goal < v.blocksCount ? Math.floor((goal - v.firstDataBlock) / v.blocksPerGroup) : 0;
  for (let i = 0; i < v.groups; i++) {
    const g = (start + i) % v.groups;
    if (v.gd16(g, GD.free_blocks_count) === 0) continue;
    const bmBlock = v.gd32(g, GD.block_bitmap);
    const bm = v.block(bmBlock);
    const n = blocksInGroup(v, g);
    const from = i === 0 && goal > 0 ? (goal - v.firstDataBlock) % v.blocksPerGroup : 0;
    for (let k = 0; k < n; k++) {
      const bit = (from + k) % n;
      if (test(bm, bit)) continue;
      set(bm, bit);
      v.mark(bmBlock, 'meta', bmBlock * v.blockSize + (bit >> 3), 1);
      v.countFree(g, -1, 0);
      return v.firstDataBlock + g * v.blocksPerGroup + bit;
    }
  }
  return fail(Errno.ENOSPC);
}

export function freeBlock(v: Volume, b: number): void {
  const g = Math.floor((b - v.firstDataBlock) / v.blocksPerGroup);
  const bmBlock = v.gd32(g, GD.block_bitmap);
  const bit = (b - v.firstDataBlock) % v.blocksPerGroup;
  const bm = v.block(bmBlock);
  if (!test(bm, bit)) return;   // never count a block free twice
  clear(bm, bit);
  v.mark(bmBlock, 'meta', bmBlock * v.blockSize + (bit >> 3), 1);
  v.countFree(g, 1, 0);
  v.forget(b);
}

/** A free inode number, preferably in group `near`; marked used. */
export function allocInode(v: Volume, near: number, dir: boolean): number {
  for (let i = 0; i < v.groups; i++) {
    const g = (near + i) % v.groups;
    if (v.gd16(g, GD.free_inodes_count) === 0) continue;
    const bmBlock = v.gd32(g, GD.inode_bitmap);
    const bm = v.block(bmBlock);
    for (let bit = 0; bit < v.inodesPerGroup; bit++) {
      const ino = g * v.inodesPerGroup + bit + 1;
      if (ino < v.firstIno || test(bm, bit)) continue;
      set(bm, bit);
      v.mark(bmBlock, 'meta', bmBlock * v.blockSize + (bit >> 3), 1);
      v.countFree(g, 0, -1);
      if (dir) v.addGd16(g, GD.used_dirs_count, 1);
      return ino;
    }
  }
  return fail(Errno.ENOSPC);
}

export function freeInode(v: Volume, ino: number, dir: boolean): void {
  const g = Math.floor((ino - 1) / v.inodesPerGroup);
  const bit = (ino - 1) % v.inodesPerGroup;
  const bmBlock = v.gd32(g, GD.inode_bitmap);
  const bm = v.block(bmBlock);
  if (!test(bm, bit)) return;
  clear(bm, bit);
  v.mark(bmBlock, 'meta', bmBlock * v.blockSize + (bit >> 3), 1);
  v.countFree(g, 0, 1);
  if (dir) v.addGd16(g, GD.used_dirs_count, -1);
}
