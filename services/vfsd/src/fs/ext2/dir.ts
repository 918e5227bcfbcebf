/**
 * Directories: blocks of variable-length entries (inode, rec_len, name_len,
 * file_type, name) whose rec_lens tile each block exactly. An entry is added in
 * the slack of an existing one or in a new block; a removed entry's space goes
 * to the entry before it (or its inode becomes 0 when it is a block's first).
 */
import { Errno, S } from '../../abi.js';
import { fail } from '../../fail.js';
import { FT } from './layout.js';
import type { Inode } from './inode.js';

export interface Entry {
  name: string;
  ino: number;
  type: number;
  /** Physical block and byte offset of the entry; the previous entry's offset in the block, or -1. */
  block: number;
  off: number;
  prev: number;
}

const need = (nameLen: number) => (8 + nameLen + 3) & ~3;

/** The dirent file type for an inode mode. */
export function fileType(mode: number): number {
  switch (mode & S.IFMT) {
    case S.IFREG: return FT.REG;
    case S.IFDIR: return FT.DIR;
    case S.IFLNK: return FT.SYMLINK;
    case S.IFCHR: return FT.CHRDEV;
    case S.IFBLK: return FT.BLKDEV;
    case S.IFIFO: return FT.FIFO;
    case S.IFSOCK: return FT.SOCK;
    default: return FT.UNKNOWN;
  }
}

/** Every live entry ("." and ".." included), in on-disk order. A malformed block is EIO, never a loop. */
export function* entries(dir: Inode): Generator<Entry> {
  const bs = dir.v.blockSize;
  const nblocks = Math.ceil(dir.size / bs);
  for (let fb = 0; fb < nblocks; fb++) {
    const b = dir.map(fb, undefined);
    if (!b) continue;
    const blk = dir.v.block(b);
    let prev = -1;
    for (let off = 0; off < bs;) {
      const ino = blk.readUInt32LE(off);
      const rec = blk.readUInt16LE(off + 4);
      const len = blk[off + 6]!;
      if (rec < 8 || rec % 4 || off + rec > bs || 8 + len > rec) fail(Errno.EIO);
      if (ino) yield { name: blk.toString('utf8', off + 8, off + 8 + len), ino, type: blk[off + 7]!, block: b, off, prev };
      prev = off;
      off += rec;
    }
  }
}

export function lookup(dir: Inode, name: string): Entry | undefined {
  for (const e of entries(dir)) if (e.name === name) return e;
  return undefined;
}

function put(blk: Buffer, off: number, ino: number, rec: number, name: Buffer, type: number): void {
  blk.writeUInt32LE(ino, off);
  blk.writeUInt16LE(rec, off + 4);
  blk[off + 6] = name.length;
  blk[off + 7] = type;
  name.copy(blk, off + 8);
}

/** Add `name` -> `ino` (the caller checked it is free). Names are the guest's UTF-8. */
export function addEntry(dir: Inode, name: string, ino: number, type: number): void {
  const raw = Buffer.from(name, 'utf8');
  if (raw.length > 255) fail(Errno.ENAMETOOLONG);
  const want = need(raw.length);
  const v = dir.v;
  const bs = v.blockSize;
  const nblocks = Math.ceil(dir.size / bs);
  for (let fb = 0; fb < nblocks; fb++) {
    const b = dir.map(fb, undefined);
    if (!b) continue;
    const blk = v.block(b);
    for (let off = 0; off < bs;) {
      const cur = blk.readUInt32LE(off);
      const rec = blk.readUInt16LE(off + 4);
      if (rec < 8) fail(Errno.EIO);
      const used = cur ? need(blk[off + 6]!) : 0;
      if (rec - used >= want) {
        if (cur) {
          blk.writeUInt16LE(used, off + 4);
          put(blk, off + used, ino, rec - used, raw, type);
        } else {
          put(blk, off, ino, rec, raw, type);
        }
        v.mark(b, 'meta');
        return;
      }
      off += rec;
    }
  }
  const b = dir.map(nblocks, 'meta');
  put(v.block(b), 0, ino, bs, raw, type);
  dir.size = (nblocks + 1) * bs;
}

/** Remove the entry `e` (from lookup). */
export function removeEntry(dir: Inode, e: Entry): void {
  const blk = dir.v.block(e.block);
  if (e.prev >= 0) {
    blk.writeUInt16LE(blk.readUInt16LE(e.prev + 4) + blk.readUInt16LE(e.off + 4), e.prev + 4);
  } else {
    blk.writeUInt32LE(0, e.off);
  }
  dir.v.mark(e.block, 'meta');
}

/** Point an existing entry at another inode (rename over a name). */
export function retarget(dir: Inode, e: Entry, ino: number, type: number): void {
  const blk = dir.v.block(e.block);
  blk.writeUInt32LE(ino, e.off);
  blk[e.off + 7] = type;
  dir.v.mark(e.block, 'meta');
}

/** The first block of a new directory: "." and "..". */
export function initDir(dir: Inode, parent: number): void {
  const b = dir.map(0, 'meta');
  const blk = dir.v.block(b);
  put(blk, 0, dir.ino, 12, Buffer.from('.'), FT.DIR);
  put(blk, 12, parent, dir.v.blockSize - 12, Buffer.from('..'), FT.DIR);
  dir.size = dir.v.blockSize;
}

export function isEmpty(dir: Inode): boolean {
  for (const e of entries(dir)) if (e.name !== '.' && e.name !== '..') return false;
  return true;
}
