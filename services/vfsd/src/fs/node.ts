/**
 * The inode layer every filesystem implements (host directories, tmpfs, /dev,
 * /proc, pipes): a Node answers stat, directory lookups and listings, symlink
 * targets, mutations and open. The generic syscall layer does path walking,
 * permission checks and the errno ordering Linux's VFS gives (EEXIST before
 * EROFS, ENOENT before EACCES); a node only does what its filesystem can.
 */
import { Errno, S } from '../abi.js';
import { fail } from '../fail.js';
import type { FileObject, SyncPending } from '../files/file-object.js';

export interface Time {
  sec: number;
  nsec: number;
}

export interface Stat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atime: Time;
  mtime: Time;
  ctime: Time;
  btime: Time | null;
}

/** The caller of a call: whose /proc/self, whose /dev/tty, whose permissions. */
export interface Who {
  pid: number;
  uid: number;
  gid: number;
}

export interface DirEntry {
  name: string;
  ino: number;
  /** d_type: the file type bits >> 12. */
  type: number;
}

export interface StatfsInfo {
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** A mounted filesystem: what stat's st_dev, statfs and /proc/mounts say about it. */
export interface Fs {
  readonly dev: number;
  /** statfs f_type. */
  readonly magic: number;
  /** /proc/mounts: type and source. */
  readonly type: string;
  readonly source: string;
  readonly readonly: boolean;
  statfs(): StatfsInfo;
  /** Everything changed to stable storage (sync, syncfs), for filesystems on a device. */
  sync?(): SyncPending;
}

export interface SetAttr {
  mode?: number;
  uid?: number;
  gid?: number;
  atime?: Time;
  mtime?: Time;
  size?: number;
}

/** The wall clock with sub-microsecond steps (times of files this vfsd changes). */
export function now(): Time {
  const ms = performance.timeOrigin + performance.now();
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: Math.min(999_999_999, Math.floor((ms - sec * 1000) * 1e6)) };
}

export abstract class Node {
  abstract readonly fs: Fs;
  abstract readonly ino: number;
  /** st_mode: type and permission bits. */
  abstract mode(): number;
  abstract stat(): Stat;
  uid(): number { return 0; }
  gid(): number { return 0; }

  isDir(): boolean { return (this.mode() & S.IFMT) === S.IFDIR; }
  isSymlink(): boolean { return (this.mode() & S.IFMT) === S.IFLNK; }

  // ---- directories (the name is a single component, never "." or "..") ----
  lookup(_name: string, _who: Who): Node | undefined { return fail(Errno.ENOTDIR); }
  list(_who: Who): DirEntry[] { return fail(Errno.ENOTDIR); }
  /** A new regular file (the caller checked the name is free and the fs writable). */
  create(_name: string, _mode: number, _who: Who): Node { return fail(Errno.EPERM); }
  mkdir(_name: string, _mode: number, _who: Who): void { fail(Errno.EPERM); }
  symlink(_name: string, _target: string, _who: Who): void { fail(Errno.EPERM); }
  mknod(_name: string, _mode: number, _rdev: number, _who: Who): void { fail(Errno.EPERM); }
  link(_name: string, _target: Node): void { fail(Errno.EPERM); }
  unlink(_name: string): void { fail(Errno.EPERM); }
  rmdir(_name: string): void { fail(Errno.EPERM); }
  /** Move `name` to `dir`/`newName` (same fs, compatibility checked by the caller). */
  rename(_name: string, _dir: Node, _newName: string, _exchange: boolean): void { fail(Errno.EPERM); }

  // ---- symlinks ----
  readlink(_who: Who): string { return fail(Errno.EINVAL); }
  /** /proc's magic links (fd/N, exe, cwd) lead to the object itself, not to a path. */
  magic(_who: Who): { node: Node; path: string } | undefined { return undefined; }

  // ---- everything ----
  setattr(_a: SetAttr): void { fail(Errno.EPERM); }
  /** What an open file description of this node reads and writes. */
  abstract open(flags: number, who: Who): FileObject;
}

/** ceil(size / 4096) pages, in 512-byte blocks: what tmpfs and procfs report. */
export function pageBlocks(size: number): number {
  return Math.ceil(size / 4096) * 8;
}
