/**
 * One inode record in its group's inode table: fields read and written in
 * place, and the block map — 12 direct pointers, then single, double and
 * triple indirect blocks — with allocation on write and freeing on truncate.
 * i_blocks counts 512-byte sectors, indirect blocks included, as e2fsck checks.
 */
import { Errno, S } from '../../abi.js';
import { fail } from '../../fail.js';
import { allocBlock, freeBlock } from './alloc.js';
import { DIND, GD, IND, INO, N_DIRECT, TIND } from './layout.js';
import type { BlockKind, Volume } from './volume.js';

export class Inode {
  /** Byte offset of the record in the image. */
  private readonly at: number;
  private readonly tableBlock: number;

  constructor(readonly v: Volume, readonly ino: number) {
    if (ino < 1 || ino > v.inodesCount) fail(Errno.EIO);
    const g = Math.floor((ino - 1) / v.inodesPerGroup);
    const index = (ino - 1) % v.inodesPerGroup;
    this.at = v.gd32(g, GD.inode_table) * v.blockSize + index * v.inodeSize;
    this.tableBlock = Math.floor(this.at / v.blockSize);
  }

  private u16(o: number): number { return this.v.image.readUInt16LE(this.at + o); }
  private u32(o: number): number { return this.v.image.readUInt32LE(this.at + o); }
  private w16(o: number, x: number): void { this.v.image.writeUInt16LE(x & 0xffff, this.at + o); this.touch(); }
  private w32(o: number, x: number): void { this.v.image.writeUInt32LE(x >>> 0, this.at + o); this.touch(); }
  private touch(): void { this.v.mark(this.tableBlock, 'meta', this.at, this.v.inodeSize); }

  get mode(): number { return this.u16(INO.mode); }
  set mode(x: number) { this.w16(INO.mode, x); }
  get uid(): number { return this.u16(INO.uid) | (this.u16(INO.uid_high) << 16); }
  set uid(x: number) { this.w16(INO.uid, x); this.w16(INO.uid_high, x >>> 16); }
  get gid(): number { return this.u16(INO.gid) | (this.u16(INO.gid_high) << 16); }
  set gid(x: number) { this.w16(INO.gid, x); this.w16(INO.gid_high, x >>> 16); }
  get links(): number { return this.u16(INO.links_count); }
  set links(x: number) { this.w16(INO.links_count, x); }
  get atime(): number { return this.u32(INO.atime); }
  set atime(x: number) { this.w32(INO.atime, x); }
  get mtime(): number { return this.u32(INO.mtime); }
  set mtime(x: number) { this.w32(INO.mtime, x); }
  get ctime(): number { return this.u32(INO.ctime); }
  set ctime(x: number) { this.w32(INO.ctime, x); }
  set dtime(x: number) { this.w32(INO.dtime, x); }
  get sectors(): number { return this.u32(INO.blocks); }
  set sectors(x: number) { this.w32(INO.blocks, x); }
  get flags(): number { return this.u32(INO.flags); }

  /** i_size, with i_size_high for regular files (large_file). */
  get size(): number {
    const high = (this.mode & S.IFMT) === S.IFREG ? this.u32(INO.size_high) : 0;
    return high * 2 ** 32 + this.u32(INO.size);
  }
  set size(x: number) {
    this.w32(INO.size, x % 2 ** 32);
    if ((this.mode & S.IFMT) === S.IFREG) this.w32(INO.size_high, Math.floor(x / 2 ** 32));
  }

  ptr(i: number): number { return this.u32(INO.block + 4 * i); }
  setPtr(i: number, b: number): void { this.w32(INO.block + 4 * i, b); }

  /** The 60 bytes of i_block (a fast symlink's target). */
  blockArea(): Buffer { return this.v.image.subarray(this.at + INO.block, this.at + INO.block + 60); }
  markArea(): void { this.touch(); }

  /** A fresh record: zeroed, then the fields every new inode has. */
  init(mode: number, uid: number, gid: number, time: number): void {
    this.v.image.fill(0, this.at, this.at + this.v.inodeSize);
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.atime = this.mtime = this.ctime = time;
    if (this.v.inodeSize > 128) this.v.image.writeUInt16LE(0, this.at + 128);
  }

  // ---- the block map ----

  private get perBlock(): number { return this.v.blockSize / 4; }

  /** The physical block of file block `fb`: 0 for a hole, unless `alloc` makes one (of `kind`). */
  map(fb: number, alloc: BlockKind | undefined): number {
    const p = this.perBlock;
    const goal = () => (fb > 0 ? this.map(fb - 1, undefined) + 1 : 0);
    if (fb < N_DIRECT) return this.slot(() => this.ptr(fb), (b) => this.setPtr(fb, b), alloc, goal);
    let rest = fb - N_DIRECT;
    let level: number;
    let top: number;
    if (rest < p) { level = 1; top = IND; }
    else if ((rest -= p) < p * p) { level = 2; top = DIND; }
    else if ((rest -= p * p) < p * p * p) { level = 3; top = TIND; }
    else return alloc ? fail(Errno.EFBIG) : 0;
    let b = this.slot(() => this.ptr(top), (x) => this.setPtr(top, x), alloc && 'meta', goal);
    for (let l = level - 1; l >= 0 && b; l--) {
      const holder = b;
      const i = Math.floor(rest / p ** l) % p;
      const off = 4 * i;
      b = this.slot(() => this.v.block(holder).readUInt32LE(off), (x) => {
        this.v.block(holder).writeUInt32LE(x, off);
        this.v.mark(holder, 'meta');
      }, alloc && (l === 0 ? alloc : 'meta'), goal);
    }
    return b;
  }

  private slot(get: () => number, put: (b: number) => void, alloc: BlockKind | undefined, goal: () => number): number {
    const b = get();
    if (b || !alloc) return b;
    const nb = allocBlock(this.v, goal());
    this.v.block(nb).fill(0);
    this.v.mark(nb, alloc);
    put(nb);
    this.sectors += this.v.blockSize / 512;
    return nb;
  }

  /** Free every block at file block >= `from` (and the indirect blocks left with nothing to point to). */
  cut(from: number): void {
    const p = this.perBlock;
    for (let i = 0; i < N_DIRECT; i++) if (i >= from && this.ptr(i)) { this.release(this.ptr(i), 0); this.setPtr(i, 0); }
    let base = N_DIRECT;
    for (const [top, level] of [[IND, 1], [DIND, 2], [TIND, 3]] as const) {
      const b = this.ptr(top);
      if (b && this.trim(b, level, base, from)) this.setPtr(top, 0);
      base += p ** level;
    }
  }

  /** Cut the tree under `b` (covering file blocks from `base`); true when `b` itself was freed. */
  private trim(b: number, level: number, base: number, from: number): boolean {
    if (base >= from) {
      this.release(b, level);
      return true;
    }
    const p = this.perBlock;
    const span = p ** (level - 1);
    const blk = this.v.block(b);
    for (let i = 0; i < p; i++) {
      const child = blk.readUInt32LE(4 * i);
      const childBase = base + i * span;
      if (!child || childBase + span <= from) continue;
      if (level === 1 ? childBase >= from : this.trim(child, level - 1, childBase, from)) {
        if (level === 1) this.release(child, 0);
        blk.writeUInt32LE(0, 4 * i);
        this.v.mark(b, 'meta');
      }
    }
    return false;
  }

  private release(b: number, level: number): void {
    if (level > 0) {
      const blk = this.v.block(b);
      for (let i = 0; i < this.perBlock; i++) {
        const child = blk.readUInt32LE(4 * i);
        if (child) this.release(child, level - 1);
      }
    }
    freeBlock(this.v, b);
    this.sectors -= this.v.blockSize / 512;
  }
}
