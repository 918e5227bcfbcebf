/**
 * A host directory mounted into the guest tree: the read-only root image and the
 * writable /home (kept on the host, so it survives restarts). Inode numbers,
 * modes, owners, sizes and nanosecond times are the host's; st_dev is the
 * mount's own.
 *
 * The guest must never reach outside the directory. The walker resolves guest
 * symlinks itself, so a node's host path is a chain of real directories when the
 * node is made. A node kept across calls (a cwd, an open directory or file) may
 * have been replaced since — by a symlink to anywhere on the host — so before a
 * kept node is used again this call, its path is checked (no symlink on the way,
 * the same inode at the end); changes go through descriptors opened with
 * O_NOFOLLOW, never through a path the host would follow.
 */
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { Errno, O, S, dtype } from '../abi.js';
import { fail } from '../fail.js';
import { FileObject, type Persisted } from '../files/file-object.js';
import { DirObject } from '../files/directory.js';
import type { OpenFile } from '../files/open-file.js';
import { Node, type DirEntry, type Fs, type SetAttr, type Stat, type StatfsInfo, type Time } from './node.js';

export const EXT4_MAGIC = 0xef53;
const { O_RDONLY, O_RDWR, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** A host error as the errno Linux would give (the host is Linux: its codes are ours). */
export function hostErrno(err: unknown): number {
  const code = (err as NodeJS.ErrnoException).code;
  return (code && (Errno as Record<string, number>)[code]) || Errno.EIO;
}

function host<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    return fail(hostErrno(err));
  }
}

/** Calls so far: a node made during the current one is known to be sound. */
let epoch = 1;

/** A new call begins (the dispatcher and the peer API say so). */
export function hostTick(): void {
  epoch++;
}

const time = (ns: bigint): Time => ({ sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) });
const seconds = (t: Time) => t.sec + t.nsec / 1e9;

export class HostFs implements Fs {
  readonly magic = EXT4_MAGIC;
  readonly type = 'ext4';
  /** The directory with no symlink in its own path, so every node's path can be checked against the host's. */
  readonly dir: string;

  constructor(dir: string, readonly dev: number, readonly readonly: boolean, readonly source: string) {
    this.dir = fs.realpathSync.native(dir);
  }

  root(): HostNode {
    const st = host(() => fs.statSync(this.dir, { bigint: true }));
    return new HostNode(this, this.dir, st);
  }

  /** The node at a host path under this mount (its directory already checked), if it exists. */
  at(hostPath: string): HostNode | undefined {
    const st = host(() => fs.lstatSync(hostPath, { bigint: true, throwIfNoEntry: false }));
    return st ? new HostNode(this, hostPath, st) : undefined;
  }

  statfs(): StatfsInfo {
    const s = host(() => fs.statfsSync(this.dir));
    return { blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
  }
}

export class HostNode extends Node {
  readonly ino: number;
  private seen = epoch;

  constructor(readonly fs: HostFs, readonly hostPath: string, private st: fs.BigIntStats) {
    super();
    this.ino = Number(st.ino);
  }

  mode(): number { return Number(this.st.mode); }
  override uid(): number { return Number(this.st.uid); }
  override gid(): number { return Number(this.st.gid); }

  /**
   * Is the host path still this file, reached through real directories only?
   * Checked once per call for a node kept from an earlier one; ENOENT if not
   * (as Linux answers for a removed cwd).
   */
  current(): void {
    if (this.seen === epoch) return;
    const parent = dirname(this.hostPath);
    const real = host(() => fs.realpathSync.native(parent));
    const st = host(() => fs.lstatSync(this.hostPath, { bigint: true }));
    // Inode numbers are reused at once: the type must not have changed either (a directory become a symlink).
    const same = Number(st.ino) === this.ino && (Number(st.mode) & S.IFMT) === (this.mode() & S.IFMT);
    if ((real !== parent && this.hostPath !== this.fs.dir) || !same) fail(Errno.ENOENT);
    this.st = st;
    this.seen = epoch;
  }

  stat(): Stat {
    // An open file whose name went away still has its last attributes.
    try {
      this.current();
      const st = fs.lstatSync(this.hostPath, { bigint: true, throwIfNoEntry: false });
      if (st && Number(st.ino) === this.ino) this.st = st;
    } catch {
      // keep the last known
    }
    return statOf(this.fs, this.st);
  }

  private child(name: string): string {
    this.current();
    if (!this.isDir()) fail(Errno.ENOTDIR);
    return join(this.hostPath, name);
  }

  override lookup(name: string): Node | undefined {
    return this.fs.at(this.child(name));
  }

  override list(): DirEntry[] {
    this.current();
    if (!this.isDir()) fail(Errno.ENOTDIR);
    const out: DirEntry[] = [];
    for (const name of host(() => fs.readdirSync(this.hostPath))) {
      const st = fs.lstatSync(join(this.hostPath, name), { bigint: true, throwIfNoEntry: false });
      if (st) out.push({ name, ino: Number(st.ino), type: dtype(Number(st.mode)) });
    }
    return out;
  }

  override create(name: string, mode: number): Node {
    const p = this.child(name);
    // O_EXCL never follows a symlink; the mode is set on the descriptor (the host's umask must not apply).
    const fd = host(() => fs.openSync(p, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, mode & 0o7777));
    try {
      host(() => fs.fchmodSync(fd, mode & 0o7777));
    } finally {
      fs.closeSync(fd);
    }
    return this.fs.at(p) ?? fail(Errno.ENOENT);
  }

  override mkdir(name: string, mode: number): void {
    const p = this.child(name);
    host(() => fs.mkdirSync(p, mode & 0o7777));
    withFd(p, O_RDONLY, (fd) => fs.fchmodSync(fd, mode & 0o7777));
  }

  override symlink(name: string, target: string): void {
    host(() => fs.symlinkSync(target, this.child(name)));
  }

  override link(name: string, target: Node): void {
    if (!(target instanceof HostNode) || target.fs !== this.fs) fail(Errno.EXDEV);
    target.current();
    // link(2) does not follow a symlink it links.
    host(() => fs.linkSync(target.hostPath, this.child(name)));
  }

  override unlink(name: string): void {
    host(() => fs.unlinkSync(this.child(name)));
  }

  override rmdir(name: string): void {
    host(() => fs.rmdirSync(this.child(name)));
  }

  override rename(name: string, to: Node, newName: string, exchange: boolean): void {
    if (!(to instanceof HostNode) || to.fs !== this.fs) fail(Errno.EXDEV);
    if (exchange) fail(Errno.EINVAL);
    host(() => fs.renameSync(this.child(name), to.child(newName)));
  }

  override readlink(): string {
    this.current();
    if (!this.isSymlink()) fail(Errno.EINVAL);
    return host(() => fs.readlinkSync(this.hostPath));
  }

  override setattr(a: SetAttr): void {
    this.current();
    const p = this.hostPath;
    if (this.isSymlink()) {
      // Only what does not follow the link: owner and times of the link itself.
      if (a.uid !== undefined || a.gid !== undefined) host(() => fs.lchownSync(p, a.uid ?? -1, a.gid ?? -1));
      if (a.atime || a.mtime) {
        const st = statOf(this.fs, this.st);
        host(() => fs.lutimesSync(p, seconds(a.atime ?? st.atime), seconds(a.mtime ?? st.mtime)));
      }
      return;
    }
    if (a.size !== undefined) withFd(p, O_WRONLY, (fd) => fs.ftruncateSync(fd, a.size), this.ino);
    withFd(p, O_RDONLY | O_NONBLOCK, (fd) => {
      if (a.mode !== undefined) fs.fchmodSync(fd, a.mode & 0o7777);
      if (a.uid !== undefined || a.gid !== undefined) fs.fchownSync(fd, a.uid ?? -1, a.gid ?? -1);
      if (a.atime || a.mtime) {
        const st = statOf(this.fs, fs.fstatSync(fd, { bigint: true }));
        fs.futimesSync(fd, seconds(a.atime ?? st.atime), seconds(a.mtime ?? st.mtime));
      }
    }, this.ino);
  }

  override open(flags: number): FileObject {
    this.current();
    if (this.isDir()) return new DirObject(this);
    if ((this.mode() & S.IFMT) !== S.IFREG) fail(Errno.ENXIO);
    return new HostFile(this, flags & O.ACCMODE);
  }
}

function statOf(fsys: HostFs, st: fs.BigIntStats): Stat {
  return {
    dev: fsys.dev, ino: Number(st.ino), mode: Number(st.mode), nlink: Number(st.nlink), uid: Number(st.uid), gid: Number(st.gid),
    rdev: Number(st.rdev), size: Number(st.size), blksize: Number(st.blksize), blocks: Number(st.blocks),
    atime: time(st.atimeNs), mtime: time(st.mtimeNs), ctime: time(st.ctimeNs), btime: time(st.birthtimeNs),
  };
}

/** Run `f` on a descriptor of the file at `p` itself (never a symlink's target), checking it is inode `ino`. */
function withFd(p: string, flags: number, f: (fd: number) => void, ino?: number): void {
  const fd = host(() => fs.openSync(p, flags | O_NOFOLLOW));
  try {
    if (ino !== undefined && Number(fs.fstatSync(fd, { bigint: true }).ino) !== ino) fail(Errno.ENOENT);
    host(() => f(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/** An open host file: one host descriptor per open file description, opened on first use (and again after a restart). */
export class HostFile extends FileObject {
  private fd = -1;

  constructor(readonly node: HostNode, private readonly access: number) {
    super();
  }

  private handle(): number {
    if (this.fd < 0) {
      this.node.current();
      const fd = host(() => fs.openSync(this.node.hostPath, (this.access === O.RDONLY ? O_RDONLY : O_RDWR) | O_NOFOLLOW));
      if (Number(fs.fstatSync(fd, { bigint: true }).ino) !== this.node.ino) {
        fs.closeSync(fd);
        fail(Errno.ESTALE);
      }
      this.fd = fd;
    }
    return this.fd;
  }

  override seekable(): boolean { return true; }

  override size(): number {
    return host(() => fs.fstatSync(this.handle()).size);
  }

  override read(_f: OpenFile, n: number, at: number): Buffer {
    const fd = this.handle();
    // Never more than the file has: a huge count must not become a huge allocation.
    const want = n > 65536 ? Math.max(0, Math.min(n, this.size() - at)) : n;
    const buf = Buffer.allocUnsafe(want);
    const got = host(() => fs.readSync(fd, buf, 0, want, at));
    return got === want ? buf : buf.subarray(0, got);
  }

  override write(_f: OpenFile, data: Buffer, at: number): number {
    return host(() => fs.writeSync(this.handle(), data, 0, data.length, at));
  }

  override sync(): void {
    if (this.fd >= 0) host(() => fs.fsyncSync(this.fd));
  }

  override released(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  persist(): Persisted {
    return { kind: 'host' };
  }
}
