/**
 * The binary structs file syscalls exchange on x86-64: struct stat (144 bytes),
 * struct statx (256), struct statfs (120), linux_dirent64 records, timespec and
 * timeval. Little-endian, laid out as the kernel's uapi headers say.
 */
import { major, minor } from './abi.js';
import type { Stat, StatfsInfo, Time } from './fs/node.js';

export const STAT_SIZE = 144;
export const STATX_SIZE = 256;
export const STATFS_SIZE = 120;

export function encodeStat(s: Stat): Buffer {
  const b = Buffer.alloc(STAT_SIZE);
  b.writeBigUInt64LE(BigInt(s.dev), 0);
  b.writeBigUInt64LE(BigInt(s.ino), 8);
  b.writeBigUInt64LE(BigInt(s.nlink), 16);
  b.writeUInt32LE(s.mode >>> 0, 24);
  b.writeUInt32LE(s.uid >>> 0, 28);
  b.writeUInt32LE(s.gid >>> 0, 32);
  b.writeBigUInt64LE(BigInt(s.rdev), 40);
  b.writeBigInt64LE(BigInt(s.size), 48);
  b.writeBigInt64LE(BigInt(s.blksize), 56);
  b.writeBigInt64LE(BigInt(s.blocks), 64);
  time(b, 72, s.atime);
  time(b, 88, s.mtime);
  time(b, 104, s.ctime);
  return b;
}

function time(b: Buffer, at: number, t: Time): void {
  b.writeBigInt64LE(BigInt(t.sec), at);
  b.writeBigInt64LE(BigInt(t.nsec), at + 8);
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
  const b = Buffer.alloc(STATX_SIZE);
  const mask = STATX.BASIC_STATS | STATX.MNT_ID | (s.btime ? STATX.BTIME : 0);
  b.writeUInt32LE(mask, 0);
  b.writeUInt32LE(s.blksize, 4);
  b.writeBigUInt64LE(BigInt(x.attributes), 8);
  b.writeUInt32LE(s.nlink, 16);
  b.writeUInt32LE(s.uid >>> 0, 20);
  b.writeUInt32LE(s.gid >>> 0, 24);
  b.writeUInt16LE(s.mode & 0xffff, 28);
  b.writeBigUInt64LE(BigInt(s.ino), 32);
  b.writeBigUInt64LE(BigInt(s.size), 40);
  b.writeBigUInt64LE(BigInt(s.blocks), 48);
  b.writeBigUInt64LE(BigInt(x.attributesMask), 56);
  statxTime(b, 64, s.atime);
  if (s.btime) statxTime(b, 80, s.btime);
  statxTime(b, 96, s.ctime);
  statxTime(b, 112, s.mtime);
  b.writeUInt32LE(major(s.rdev), 128);
  b.writeUInt32LE(minor(s.rdev), 132);
  b.writeUInt32LE(major(s.dev), 136);
  b.writeUInt32LE(minor(s.dev), 140);
  b.writeBigUInt64LE(BigInt(x.mntId), 144);
  return b;
}

function statxTime(b: Buffer, at: number, t: Time): void {
  b.writeBigInt64LE(BigInt(t.sec), at);
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
  const b = Buffer.alloc(STATFS_SIZE);
  b.writeBigInt64LE(BigInt(magic), 0);
  b.writeBigInt64LE(4096n, 8);
  b.writeBigUInt64LE(BigInt(s.blocks), 16);
  b.writeBigUInt64LE(BigInt(s.bfree), 24);
  b.writeBigUInt64LE(BigInt(s.bavail), 32);
  b.writeBigUInt64LE(BigInt(s.files), 40);
  b.writeBigUInt64LE(BigInt(s.ffree), 48);
  b.writeInt32LE(dev | 0, 56);
  b.writeInt32LE(0, 60);
  b.writeBigInt64LE(255n, 64);
  b.writeBigInt64LE(4096n, 72);
  b.writeBigInt64LE(BigInt(flags), 80);
  return b;
}

/** One linux_dirent64: d_ino, d_off, d_reclen, d_type, the name with its NUL, padded to 8 bytes. */
export function direntSize(name: Buffer): number {
  return (19 + name.length + 1 + 7) & ~7;
}

export function writeDirent(b: Buffer, at: number, ino: number, off: number, type: number, name: Buffer): number {
  const len = direntSize(name);
  b.writeBigUInt64LE(BigInt(ino), at);
  b.writeBigInt64LE(BigInt(off), at + 8);
  b.writeUInt16LE(len, at + 16);
  b[at + 18] = type;
  name.copy(b, at + 19);
  b.fill(0, at + 19 + name.length, at + len);
  return len;
}

/** A struct timespec (16 bytes) as milliseconds; -1 for malformed (negative, nsec out of range). */
export function timespecMs(b: Buffer): number {
  const sec = Number(b.readBigInt64LE(0));
  const nsec = Number(b.readBigInt64LE(8));
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -1;
  return sec * 1000 + nsec / 1e6;
}

/** A struct timeval (16 bytes) as milliseconds; -1 for malformed. */
export function timevalMs(b: Buffer): number {
  const sec = Number(b.readBigInt64LE(0));
  const usec = Number(b.readBigInt64LE(8));
  if (sec < 0 || usec < 0 || usec >= 1e6) return -1;
  return sec * 1000 + usec / 1000;
}

export function timespec(ms: number): Buffer {
  const b = Buffer.alloc(16);
  const sec = Math.floor(ms / 1000);
  b.writeBigInt64LE(BigInt(sec), 0);
  b.writeBigInt64LE(BigInt(Math.round((ms - sec * 1000) * 1e6)), 8);
  return b;
}

export function timeval(ms: number): Buffer {
  const b = Buffer.alloc(16);
  const sec = Math.floor(ms / 1000);
  b.writeBigInt64LE(BigInt(sec), 0);
  b.writeBigInt64LE(BigInt(Math.round((ms - sec * 1000) * 1e3)), 8);
  return b;
}
