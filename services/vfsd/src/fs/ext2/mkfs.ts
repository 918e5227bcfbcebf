/**
 * mkfs: a new revision-1 ext2 filesystem in an all-zero image, laid out as
 * mke2fs does (sparse_super backups of the superblock and descriptors, then
 * each group's bitmaps and inode table), with the root directory and
 * lost+found. Only ever run on a device that is all zeroes (mount.ts checks).
 */
import { randomBytes } from 'node:crypto';
import { S } from '../../abi.js';
import { allocInode } from './alloc.js';
import { addEntry, initDir } from './dir.js';
import { Inode } from './inode.js';
import { EXT2_MAGIC, FEATURE, FT, GD, GD_SIZE, GOOD_OLD_FIRST_INO, ROOT_INO, SB, SUPERBLOCK_OFFSET, hasSuperBackup } from './layout.js';
import { Volume } from './volume.js';

export interface MkfsOptions {
  blockSize: 1024 | 4096;
  /** Filesystem size in blocks (the image may be bigger: the tail holds the commit log). */
  blocks: number;
  /** Seconds since the epoch, for the times mkfs writes. */
  now: number;
}

const INODE_SIZE = 128;
const BYTES_PER_INODE = 8192;

export function mkfs(image: Buffer, o: MkfsOptions): Volume {
  const bs = o.blockSize;
  const first = bs === 1024 ? 1 : 0;
  const bpg = bs * 8;
  const groups = Math.ceil((o.blocks - first) / bpg);
  const perBlock = bs / INODE_SIZE;
  let ipg = Math.ceil(Math.min(bpg * bs, (o.blocks * bs) / groups) / BYTES_PER_INODE / perBlock) * perBlock;
  ipg = Math.min(ipg, bs * 8);
  const tableBlocks = (ipg * INODE_SIZE) / bs;
  const gdtBlocks = Math.ceil((groups * GD_SIZE) / bs);
  const sbAt = (f: number, v: number) => image.writeUInt32LE(v >>> 0, SUPERBLOCK_OFFSET + f);
  const sb16 = (f: number, v: number) => image.writeUInt16LE(v, SUPERBLOCK_OFFSET + f);

  sbAt(SB.inodes_count, ipg * groups);
  sbAt(SB.blocks_count, o.blocks);
  sbAt(SB.r_blocks_count, Math.floor(o.blocks * 0.05));
  sbAt(SB.first_data_block, first);
  sbAt(SB.log_block_size, Math.log2(bs / 1024));
  sbAt(SB.log_frag_size, Math.log2(bs / 1024));
  sbAt(SB.blocks_per_group, bpg);
  sbAt(SB.frags_per_group, bpg);
  sbAt(SB.inodes_per_group, ipg);
  sbAt(SB.wtime, o.now);
  sb16(SB.max_mnt_count, 0xffff);
  sb16(SB.magic, EXT2_MAGIC);
  sb16(SB.state, 1);
  sb16(SB.errors, 1);
  sbAt(SB.lastcheck, o.now);
  sbAt(SB.rev_level, 1);
  sbAt(SB.first_ino, GOOD_OLD_FIRST_INO);
  sb16(SB.inode_size, INODE_SIZE);
  sbAt(SB.feature_incompat, FEATURE.INCOMPAT_FILETYPE);
  sbAt(SB.feature_ro_compat, FEATURE.RO_COMPAT_SPARSE_SUPER | FEATURE.RO_COMPAT_LARGE_FILE);
  randomBytes(16).copy(image, SUPERBLOCK_OFFSET + SB.uuid);
  image.write('rustos-data', SUPERBLOCK_OFFSET + SB.volume_name, 'latin1');

  // Each group: [superblock + descriptors if a backup group] block bitmap, inode bitmap, inode table.
  let freeBlocks = 0;
  const gdt = (first + 1) * bs;
  for (let g = 0; g < groups; g++) {
    const start = first + g * bpg;
    const size = Math.min(bpg, o.blocks - start);
    const meta = (hasSuperBackup(g, true) ? 1 + gdtBlocks : 0);
    const blockBitmap = start + meta;
    const inodeBitmap = blockBitmap + 1;
    const inodeTable = inodeBitmap + 1;
    const used = meta + 2 + tableBlocks;
    const d = gdt + g * GD_SIZE;
    image.writeUInt32LE(blockBitmap, d + GD.block_bitmap);
    image.writeUInt32LE(inodeBitmap, d + GD.inode_bitmap);
    image.writeUInt32LE(inodeTable, d + GD.inode_table);
    image.writeUInt16LE(size - used, d + GD.free_blocks_count);
    image.writeUInt16LE(ipg, d + GD.free_inodes_count);
    freeBlocks += size - used;
    const bbm = image.subarray(blockBitmap * bs, (blockBitmap + 1) * bs);
    for (let i = 0; i < used; i++) bbm[i >> 3]! |= 1 << (i & 7);
    // Bits past the group's last block (a short last group) are set, as e2fsck expects.
    for (let i = size; i < bs * 8; i++) bbm[i >> 3]! |= 1 << (i & 7);
    const ibm = image.subarray(inodeBitmap * bs, (inodeBitmap + 1) * bs);
    for (let i = ipg; i < bs * 8; i++) ibm[i >> 3]! |= 1 << (i & 7);
  }
  sbAt(SB.free_blocks_count, freeBlocks);
  sbAt(SB.free_inodes_count, ipg * groups);

  const v = new Volume(image);
  // Inodes 1..10 are reserved; 11 is lost+found.
  const ibm0 = v.block(v.gd32(0, GD.inode_bitmap));
  for (let i = 0; i < GOOD_OLD_FIRST_INO - 1; i++) ibm0[i >> 3]! |= 1 << (i & 7);
  v.countFree(0, 0, -(GOOD_OLD_FIRST_INO - 1));
  const root = new Inode(v, ROOT_INO);
  root.init(S.IFDIR | 0o755, 0, 0, o.now);
  initDir(root, ROOT_INO);
  root.links = 3;
  v.addGd16(0, GD.used_dirs_count, 1);

  // lost+found, as mke2fs makes it (e2fsck wants it): inode 11, 16 KiB of empty directory blocks.
  const lfIno = allocInode(v, 0, true);
  const lf = new Inode(v, lfIno);
  lf.init(S.IFDIR | 0o700, 0, 0, o.now);
  initDir(lf, ROOT_INO);
  for (let fb = 1; fb < Math.max(1, 16384 / bs); fb++) {
    const b = lf.map(fb, 'meta');
    v.block(b).writeUInt16LE(bs, 4);   // one empty entry spanning the block
    lf.size = (fb + 1) * bs;
  }
  lf.links = 2;
  addEntry(root, 'lost+found', lfIno, FT.DIR);

  writeBackups(v, gdtBlocks);
  v.dirty.clear();
  return v;
}

/** Copy the superblock and descriptors into every backup group (block_group_nr says which). */
export function writeBackups(v: Volume, gdtBlocks = Math.ceil((v.groups * GD_SIZE) / v.blockSize)): void {
  const bs = v.blockSize;
  const sb = v.image.subarray(SUPERBLOCK_OFFSET, SUPERBLOCK_OFFSET + 1024);
  const gdt = v.image.subarray(v.gdtBlock * bs, (v.gdtBlock + gdtBlocks) * bs);
  for (let g = 1; g < v.groups; g++) {
    if (!hasSuperBackup(g, true)) continue;
    const start = v.firstDataBlock + g * v.blocksPerGroup;
    sb.copy(v.image, start * bs);
    v.image.writeUInt16LE(g, start * bs + SB.block_group_nr);
    gdt.copy(v.image, (start + 1) * bs);
  }
}
