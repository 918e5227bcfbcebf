/**
 * The binary structs file syscalls exchange on x86-64: struct stat (144 bytes),
 * struct statx (256), struct statfs (120), linux_dirent64 records, timespec and
 * timeval. Little-endian, laid out as the kernel's uapi headers say.
 */
import { major, minor } from './abi.js';
import { fresh, getI64, putI64, putU64 } from './bytes.js';
import type { Stat, StatfsInfo, Time } from './fs/node.js';

export const STAT_SIZE = 144;
export const STATX_SIZE = 256;
export const STATFS_SIZE = 120;

export function encodeStat(s: Stat): Buffer {
  const b = fresh(STAT_SIZE);
  putU64(b, 0, s.dev);
  putU64(b, 8, s.ino);
  putU64(b, 16, s.nlink);
  b.writeUInt32LE(s.mode >>> 0, 24);
  b.writeUInt32LE(s.uid >>> 0, 28);
  b.writeUInt32LE(s.gid >>> 0, 32);
  putU64(b, 40, s.rdev);
  putI64(b, 48, s.size);
  putI64(b, 56, s.blksize);
  putI64(b, 64, s.blocks);
  time(b, 72, s.atime);
  time(b, 88, s.mtime);
  time(b, 104, s.ctime);
  return b;
}

function time(b: Buffer, at: number, t: Time): void {
  putI64(b, at, t.sec);
  putI64(b, at + 8, t.nsec);
}

/** statx's mask bits. */
export const STATX = {
  TYPE: 0x1, MODE: 0x2, NLINK: 0x4, UID: 0x8, GID: 0x10, ATIME: 0x20, MTIME: 0x40, CTIME: 0x80,
  INO: 0x100, SIZE: 0x200, BLOCKS: 0x400, BASIC_STATS: 0x7ff, BTIME: 0x800, MNT_ID: 0x1000,
  RESERVED: 0x80000000,
} as const;
export const STATX_ATTR_MOUNT_ROOT = 0x2000;

export interface StatxExtra {
  mntId: number;
  /** Which attribute bits the filesystem supports (stx_attributes_mask). */
  attributesMask: number;
  attributes: number;
}

export function encodeStatx(s: Stat, x: StatxExtra): Buffer {
  const b = fresh(STATX_SIZE);
  const mask = STATX.BASIC_STATS | STATX.MNT_ID | (s.btime ? STATX.BTIME : 0);
  b.writeUInt32LE(mask, 0);
  b.writeUInt32LE(s.blksize, 4);
  putU64(b, 8, x.attributes);
  b.writeUInt32LE(s.nlink, 16);
  b.writeUInt32LE(s.uid >>> 0, 20);
  b.writeUInt32LE(s.gid >>> 0, 24);
  b.writeUInt16LE(s.mode & 0xffff, 28);
  putU64(b, 32, s.ino);
  putU64(b, 40, s.size);
  putU64(b, 48, s.blocks);
  putU64(b, 56, x.attributesMask);
  statxTime(b, 64, s.atime);
  if (s.btime) statxTime(b, 80, s.btime);
  statxTime(b, 96, s.ctime);
  statxTime(b, 112, s.mtime);
  b.writeUInt32LE(major(s.rdev), 128);
  b.writeUInt32LE(minor(s.rdev), 132);
  b.writeUInt32LE(major(s.dev), 136);
  b.writeUInt32LE(minor(s.dev), 140);
  putU64(b, 144, x.mntId);
  return b;
}

function statxTime(b: Buffer, at: number, t: Time): void {
  putI64(b, at, t.sec);
  b.writeUInt32LE(t.nsec, at + 8);
}

/** statfs f_flags (ST_*). */
export const ST = { RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, VALID: 0x20, RELATIME: 0x1000 } as const;

export function mountFlags(options: string): number {
  let f = ST.VALID;
  for (const o of options.split(',')) {
    if (o === 'ro') f |= ST.RDONLY;
    else if (o === 'nosuid') f |= ST.NOSUID;
    else if (o === 'nodev') f |= ST.NODEV;
    else if (o === 'noexec') f |= ST.NOEXEC;
    else if (o === 'relatime') f |= ST.RELATIME;
  }
  return f;
}

export function encodeStatfs(magic: number, s: StatfsInfo, dev: number, flags: number): Buffer {
  const b = fresh(STATFS_SIZE);
  putI64(b, 0, magic);
  putI64(b, 8, 4096);
  putU64(b, 16, s.blocks);
  putU64(b, 24, s.bfree);
  putU64(b, 32, s.bavail);
  putU64(b, 40, s.files);
  putU64(b, 48, s.ffree);
  b.writeInt32LE(dev | 0, 56);
  b.writeInt32LE(0, 60);
  putI64(b, 64, 255);
  putI64(b, 72, 4096);
  putI64(b, 80, flags);
  return b;
}

/** One linux_dirent64: d_ino, d_off, d_reclen, d_type, the name with its NUL, padded to 8 bytes. */
export function direntSize(name: Buffer): number {
  return (19 + name.length + 1 + 7) & ~7;
}

export function writeDirent(b: Buffer, at: number, ino: number, off: number, type: number, name: Buffer): number {
  const len = direntSize(name);
  putU64(b, at, ino);
  putI64(b, at + 8, off);
  b.writeUInt16LE(len, at + 16);
  b[at + 18] = type;
  name.copy(b, at + 19);
  b.fill(0, at + 19 + name.length, at + len);
  return len;
}

/** A struct timespec (16 bytes) as milliseconds; -1 for malformed (negative, nsec out of range). */
export function timespecMs(b: Buffer): number {
  const sec = getI64(b, 0);
  const nsec = getI64(b, 8);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -1;
  return sec * 1000 + nsec / 1e6;
}

/** A struct timeval (16 bytes) as milliseconds; -1 for malformed. */
export function timevalMs(b: Buffer): number {
  const sec = getI64(b, 0);
  const usec = getI64(b, 8);
  if (sec < 0 || usec < 0 || usec >= 1e6) return -1;
  return sec * 1000 + usec / 1000;
}

export function timespec(ms: number): Buffer {
  const b = Buffer.alloc(16);
  const sec = Math.floor(ms / 1000);
  putI64(b, 0, sec);
  putI64(b, 8, Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6)));
  return b;
}

export function timeval(ms: number): Buffer {
  const b = Buffer.alloc(16);
  const sec = Math.floor(ms / 1000);
  putI64(b, 0, sec);
  putI64(b, 8, Math.min(999_999, Math.round((ms - sec * 1000) * 1e3)));
  return b;
}
