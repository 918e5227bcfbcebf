/**
 * A host directory mounted into the guest tree: the read-only root image and the
 * writable /home (kept on the host, so it survives restarts). Inode numbers,
 * modes, owners, sizes and nanosecond times are the host's; st_dev is the
 * mount's own. Guest paths never escape the directory: the walker resolves
 * symlinks itself, so a node is always the host path of a single component chain.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { Errno, O, S, dtype } from '../abi.js';
import { fail } from '../fail.js';
import { FileObject, type Persisted } from '../files/file-object.js';
import { DirObject } from '../files/directory.js';
import type { OpenFile } from '../files/open-file.js';
import { Node, type DirEntry, type Fs, type SetAttr, type Stat, type StatfsInfo, type Time, type Who } from './node.js';

export const EXT4_MAGIC = 0xef53;

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

const time = (ns: bigint): Time => ({ sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) });
const seconds = (t: Time) => t.sec + t.nsec / 1e9;

export class HostFs implements Fs {
  readonly magic = EXT4_MAGIC;
  readonly type = 'ext4';

  constructor(readonly dir: string, readonly dev: number, readonly readonly: boolean, readonly source: string) {}

  root(): HostNode {
    const st = host(() => fs.statSync(this.dir, { bigint: true }));
    return new HostNode(this, this.dir, st);
  }

  /** The node at a host path under this mount, if it exists. */
  at(hostPath: string): HostNode | undefined {
    const st = fs.lstatSync(hostPath, { bigint: true, throwIfNoEntry: false });
    return st ? new HostNode(this, hostPath, st) : undefined;
  }

  statfs(): StatfsInfo {
    const s = host(() => fs.statfsSync(this.dir));
    return { blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
  }
}

export class HostNode extends Node {
  readonly ino: number;

  constructor(readonly fs: HostFs, readonly hostPath: string, private st: fs.BigIntStats) {
    super();
    this.ino = Number(st.ino);
  }

  mode(): number { return Number(this.st.mode); }
  override uid(): number { return Number(this.st.uid); }
  override gid(): number { return Number(this.st.gid); }

  /** Fresh attributes (sizes and times change under open files). */
  private refresh(): fs.BigIntStats {
    const st = fs.lstatSync(this.hostPath, { bigint: true, throwIfNoEntry: false });
    if (st) this.st = st;
    return this.st;
  }

  stat(): Stat {
    const st = this.refresh();
    return {
      dev: this.fs.dev, ino: this.ino, mode: Number(st.mode), nlink: Number(st.nlink), uid: Number(st.uid), gid: Number(st.gid),
      rdev: Number(st.rdev), size: Number(st.size), blksize: Number(st.blksize), blocks: Number(st.blocks),
      atime: time(st.atimeNs), mtime: time(st.mtimeNs), ctime: time(st.ctimeNs), btime: time(st.birthtimeNs),
    };
  }

  private child(name: string): string {
    if (!this.isDir()) fail(Errno.ENOTDIR);
    return join(this.hostPath, name);
  }

  override lookup(name: string): Node | undefined {
    return this.fs.at(this.child(name));
  }

  override list(): DirEntry[] {
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
    host(() => fs.closeSync(fs.openSync(p, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, mode & 0o7777)));
    // The host's own umask must not apply on top of the guest's.
    host(() => fs.chmodSync(p, mode & 0o7777));
    return this.fs.at(p) ?? fail(Errno.ENOENT);
  }

  override mkdir(name: string, mode: number): void {
    const p = this.child(name);
    host(() => fs.mkdirSync(p, mode & 0o7777));
    host(() => fs.chmodSync(p, mode & 0o7777));
  }

  override symlink(name: string, target: string): void {
    host(() => fs.symlinkSync(target, this.child(name)));
  }

  override link(name: string, target: Node): void {
    if (!(target instanceof HostNode) || target.fs !== this.fs) fail(Errno.EXDEV);
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
    if (!this.isSymlink()) fail(Errno.EINVAL);
    return host(() => fs.readlinkSync(this.hostPath));
  }

  override setattr(a: SetAttr): void {
    const p = this.hostPath;
    if (a.size !== undefined) host(() => fs.truncateSync(p, a.size));
    if (a.mode !== undefined && !this.isSymlink()) host(() => fs.chmodSync(p, a.mode! & 0o7777));
    if (a.uid !== undefined || a.gid !== undefined) host(() => fs.lchownSync(p, a.uid ?? -1, a.gid ?? -1));
    if (a.atime || a.mtime) {
      const st = this.stat();
      host(() => fs.lutimesSync(p, seconds(a.atime ?? st.atime), seconds(a.mtime ?? st.mtime)));
    }
  }

  override open(flags: number): FileObject {
    if (this.isDir()) return new DirObject(this);
    if ((this.mode() & S.IFMT) !== S.IFREG) fail(Errno.ENXIO);
    return new HostFile(this, flags & O.ACCMODE);
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
      const mode = this.access === O.RDONLY ? fs.constants.O_RDONLY : fs.constants.O_RDWR;
      this.fd = host(() => fs.openSync(this.node.hostPath, mode));
    }
    return this.fd;
  }

  override seekable(): boolean { return true; }

  override size(): number {
    return host(() => fs.fstatSync(this.handle()).size);
  }

  override read(_f: OpenFile, n: number, at: number): Buffer {
    const buf = Buffer.allocUnsafe(n);
    const got = host(() => fs.readSync(this.handle(), buf, 0, n, at));
    return got === n ? buf : buf.subarray(0, got);
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
