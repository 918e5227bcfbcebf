/**
 * tmpfs: a filesystem in vfsd's memory (/tmp, /dev/shm), with Linux tmpfs's
 * visible behaviour — inode numbers from 1 (the root), directories listed newest
 * first, a directory's size 40 + 20 per entry, nlink counting subdirectories,
 * hard links, files that live on while open after their last unlink — and kept in
 * the journal (inode metadata, and file bytes in 64 KiB blocks) so it survives a
 * vfsd restart.
 */
import { Errno, S, dtype } from '../abi.js';
import { copyOf } from '../bytes.js';
import { fail } from '../fail.js';
import { FileObject, type Persisted } from '../files/file-object.js';
import { DirObject } from '../files/directory.js';
import type { OpenFile } from '../files/open-file.js';
import { json, type Journal } from '../journal.js';
import { Node, now, pageBlocks, type DirEntry, type Fs, type SetAttr, type Stat, type StatfsInfo, type Time, type Who } from './node.js';

export const TMPFS_MAGIC = 0x01021994;
/** File bytes go to the journal in blocks this big, so a write rewrites only what it touched. */
export const BLOCK = 64 * 1024;
const DIR_SIZE = 40;
const DIRENT_SIZE = 20;

interface InodeRecord {
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  size: number;
  rdev: number;
  times: [number, number][];
  parent?: number;
  entries?: [string, number][];
  target?: string;
  /** Its shared mappings are a nucleus section's (files/sections.ts); memfd seals. */
  section?: boolean;
  seals?: number;
}

export class TmpNode extends Node {
  uidv: number;
  gidv: number;
  nlink: number;
  rdev = 0;
  atime: Time;
  mtime: Time;
  ctime: Time;
  btime: Time;
  /** Regular files: bytes [0, size) of a buffer that grows by doubling. */
  data = Buffer.alloc(0);
  size = 0;
  /** Directories: name -> inode, in creation order; and the parent's inode. */
  entries: Map<string, number> | undefined;
  parent = 0;
  /** Symlinks. */
  target = '';
  /** Open file descriptions referring to it: an unlinked file lives until the last goes. */
  opens = 0;
  /** Shared mappings of it are backed by a nucleus section (files/sections.ts). */
  section = false;
  /** memfd seals (F_ADD_SEALS): F_SEAL_SEAL 1, SHRINK 2, GROW 4, WRITE 8, FUTURE_WRITE 0x10. */
  seals = 0;

  /** EPERM when a seal forbids changing the size to `size` or writing. */
  sealed(size: number, writing: boolean): void {
    if (writing && this.seals & 0x18) fail(Errno.EPERM);
    if ((size < this.size && this.seals & 2) || (size > this.size && this.seals & 4)) fail(Errno.EPERM);
  }

  constructor(readonly fs: TmpFs, readonly ino: number, private modev: number, who: Who) {
    super();
    this.uidv = who.uid;
    this.gidv = who.gid;
    this.nlink = (modev & S.IFMT) === S.IFDIR ? 2 : 1;
    if ((modev & S.IFMT) === S.IFDIR) this.entries = new Map();
    this.atime = this.mtime = this.ctime = this.btime = now();
  }

  mode(): number { return this.modev; }
  override uid(): number { return this.uidv; }
  override gid(): number { return this.gidv; }

  stat(): Stat {
    const size = this.entries ? DIR_SIZE + DIRENT_SIZE * this.entries.size : this.size;
    return {
      dev: this.fs.dev, ino: this.ino, mode: this.modev, nlink: this.nlink, uid: this.uidv, gid: this.gidv,
      rdev: this.rdev, size, blksize: 4096, blocks: this.blocks(),
      atime: this.atime, mtime: this.mtime, ctime: this.ctime, btime: this.btime,
    };
  }

  /** Directories take no blocks; symlinks shorter than 128 bytes live in the inode (shmem's short symlinks). */
  private blocks(): number {
    if (this.entries) return 0;
    if (this.isSymlink()) return this.size < 128 ? 0 : 8;
    return pageBlocks(this.size);
  }

  private dir(): Map<string, number> {
    return this.entries ?? fail(Errno.ENOTDIR);
  }

  override lookup(name: string): Node | undefined {
    const ino = this.dir().get(name);
    return ino === undefined ? undefined : this.fs.inodes.get(ino);
  }

  override list(): DirEntry[] {
    const out: DirEntry[] = [];
    for (const [name, ino] of this.dir()) out.push({ name, ino, type: dtype(this.fs.inodes.get(ino)!.modev) });
    return out.reverse();
  }

  private add(name: string, child: TmpNode): TmpNode {
    this.dir().set(name, child.ino);
    this.mtime = this.ctime = now();
    this.fs.changed(this);
    this.fs.changed(child);
    return child;
  }

  override create(name: string, mode: number, who: Who): Node {
    return this.add(name, this.fs.allocate(S.IFREG | (mode & 0o7777), this.inherit(who)));
  }

  override mkdir(name: string, mode: number, who: Who): void {
    const child = this.fs.allocate(S.IFDIR | (mode & 0o7777) | (this.modev & S.ISGID), this.inherit(who));
    child.parent = this.ino;
    this.nlink++;
    this.add(name, child);
  }

  override symlink(name: string, target: string, who: Who): void {
    const child = this.fs.allocate(S.IFLNK | 0o777, this.inherit(who));
    child.target = target;
    child.size = Buffer.byteLength(target);
    this.add(name, child);
  }

  override mknod(name: string, mode: number, rdev: number, who: Who): void {
    const child = this.fs.allocate(mode, this.inherit(who));
    child.rdev = rdev;
    this.add(name, child);
  }

  override link(name: string, target: Node): void {
    if (!(target instanceof TmpNode) || target.fs !== this.fs) fail(Errno.EXDEV);
    target.nlink++;
    target.ctime = now();
    this.add(name, target);
  }

  /** A setgid directory gives new entries its group (as ext4 and tmpfs do). */
  private inherit(who: Who): Who {
    return this.modev & S.ISGID ? { ...who, gid: this.gidv } : who;
  }

  private detach(name: string): TmpNode {
    const dir = this.dir();
    const child = this.fs.inodes.get(dir.get(name) ?? fail(Errno.ENOENT))!;
    dir.delete(name);
    this.mtime = this.ctime = now();
    this.fs.changed(this);
    return child;
  }

  override unlink(name: string): void {
    const child = this.detach(name);
    child.nlink--;
    child.ctime = now();
    this.fs.release(child);
  }

  override rmdir(name: string): void {
    const child = this.fs.inodes.get(this.dir().get(name) ?? fail(Errno.ENOENT))!;
    if (child.entries!.size) fail(Errno.ENOTEMPTY);
    this.detach(name);
    this.nlink--;
    child.nlink = 0;
    this.fs.release(child);
  }

  override rename(name: string, to: Node, newName: string, exchange: boolean): void {
    if (!(to instanceof TmpNode) || to.fs !== this.fs) fail(Errno.EXDEV);
    const moving = this.fs.inodes.get(this.dir().get(name) ?? fail(Errno.ENOENT))!;
    const replacedIno = to.dir().get(newName);
    const replaced = replacedIno === undefined ? undefined : this.fs.inodes.get(replacedIno)!;
    if (exchange) {
      if (!replaced) fail(Errno.ENOENT);
      this.dir().set(name, replaced.ino);
      to.dir().set(newName, moving.ino);
      this.reparent(replaced, to, this);
      this.reparent(moving, this, to);
    } else {
      if (replaced === moving) return;
      if (replaced) {
        if (replaced.entries) {
          if (replaced.entries.size) fail(Errno.ENOTEMPTY);
          to.nlink--;
          replaced.nlink = 0;
        } else {
          replaced.nlink--;
        }
        replaced.ctime = now();
        to.dir().delete(newName);
        this.fs.release(replaced);
      }
      this.dir().delete(name);
      to.dir().set(newName, moving.ino);
      this.reparent(moving, this, to);
    }
    const t = now();
    this.mtime = this.ctime = to.mtime = to.ctime = moving.ctime = t;
    this.fs.changed(this);
    this.fs.changed(to);
    this.fs.changed(moving);
  }

  private reparent(child: TmpNode, from: TmpNode, to: TmpNode): void {
    if (!child.entries || from === to) return;
    child.parent = to.ino;
    from.nlink--;
    to.nlink++;
    this.fs.changed(child);
  }

  override readlink(): string {
    return this.isSymlink() ? this.target : fail(Errno.EINVAL);
  }

  override setattr(a: SetAttr): void {
    if (a.size !== undefined) {
      if (this.seals) this.sealed(a.size, false);
      this.resize(a.size);
    }
    if (a.mode !== undefined) this.modev = (this.modev & S.IFMT) | (a.mode & 0o7777);
    if (a.uid !== undefined) this.uidv = a.uid;
    if (a.gid !== undefined) this.gidv = a.gid;
    if (a.atime) this.atime = a.atime;
    if (a.mtime) this.mtime = a.mtime;
    this.ctime = now();
    this.fs.changed(this);
  }

  override open(_flags: number): FileObject {
    if (this.entries) return new DirObject(this);
    if ((this.modev & S.IFMT) !== S.IFREG) fail(Errno.ENXIO);
    return new TmpFile(this);
  }

  // ---- file bytes ----

  read(n: number, at: number): Buffer {
    if (at >= this.size || n <= 0) return Buffer.alloc(0);
    const out = copyOf(this.data, at, Math.min(this.size, at + n));
    // relatime: the access time moves when it is not newer than the last change.
    if (this.atime.sec < this.mtime.sec || (this.atime.sec === this.mtime.sec && this.atime.nsec <= this.mtime.nsec)) {
      this.atime = now();
      this.fs.changed(this);
    }
    return out;
  }

  write(data: Buffer, at: number): number {
    let n = data.length;
    const end = at + n;
    if (end > this.size) {
      const room = this.fs.room() - (end - this.size);
      if (room < 0) {
        n += room;
        if (n <= 0) fail(Errno.ENOSPC);
      }
      this.grow(at + n);
    }
    data.copy(this.data, at, 0, n);
    this.mtime = this.ctime = now();
    this.fs.dataChanged(this, at, at + n);
    return n;
  }

  private grow(size: number): void {
    if (size > this.data.length) {
      const bigger = Buffer.alloc(Math.max(size, Math.min(this.data.length * 2, size + 16 * 1024 * 1024), 256));
      this.data.copy(bigger, 0, 0, this.size);
      this.data = bigger;
    }
    this.fs.used += size - this.size;
    this.size = size;
    this.fs.changed(this);
  }

  resize(size: number): void {
    if (this.entries) fail(Errno.EISDIR);
    if (size > this.size) {
      if (size - this.size > this.fs.room()) fail(Errno.EFBIG);
      const old = this.size;
      this.grow(size);
      this.fs.dataChanged(this, old, size);
    } else if (size < this.size) {
      this.data.fill(0, size, this.size);
      this.fs.used -= this.size - size;
      const old = this.size;
      this.size = size;
      this.fs.dataChanged(this, size, old);
      if (this.data.length > 2 * size + 4096) this.data = Buffer.from(this.data.subarray(0, size));
    }
    this.mtime = this.ctime = now();
  }

  record(): InodeRecord {
    const r: InodeRecord = {
      mode: this.modev, uid: this.uidv, gid: this.gidv, nlink: this.nlink, size: this.size, rdev: this.rdev,
      times: [this.atime, this.mtime, this.ctime, this.btime].map((t) => [t.sec, t.nsec]),
    };
    if (this.entries) {
      r.parent = this.parent;
      r.entries = [...this.entries];
    }
    if (this.section) r.section = true;
    if (this.seals) r.seals = this.seals;
    if (this.isSymlink()) r.target = this.target;
    return r;
  }

  restore(r: InodeRecord): void {
    this.modev = r.mode;
    this.uidv = r.uid;
    this.gidv = r.gid;
    this.nlink = r.nlink;
    this.rdev = r.rdev;
    [this.atime, this.mtime, this.ctime, this.btime] = r.times.map(([sec, nsec]) => ({ sec, nsec }));
    if (r.entries) {
      this.entries = new Map(r.entries);
      this.parent = r.parent ?? 0;
    }
    if (r.target !== undefined) this.target = r.target;
    this.section = r.section ?? false;
    this.seals = r.seals ?? 0;
    this.size = r.size;
    if (!this.entries && !this.isSymlink()) {
      this.data = Buffer.alloc(r.size);
      this.fs.used += r.size;
    }
  }
}

/** An open regular tmpfs file. */
export class TmpFile extends FileObject {
  constructor(readonly node: TmpNode) {
    super();
  }

  override seekable(): boolean { return true; }
  override size(): number { return this.node.size; }
  override read(_f: OpenFile, n: number, at: number): Buffer { return this.node.read(n, at); }
  override write(_f: OpenFile, data: Buffer, at: number): number {
    if (this.node.seals) this.node.sealed(Math.max(this.node.size, at + data.length), true);
    return this.node.write(data, at);
  }
  override opened(): void { this.node.opens++; }

  override released(): void {
    this.node.opens--;
    this.node.fs.release(this.node);
  }

  persist(): Persisted {
    return { kind: 'tmp', fs: this.node.fs.name, ino: this.node.ino };
  }
}

/** The bytes all tmpfs mounts may hold together. */
export class TmpfsBudget {
  used = 0;
  constructor(readonly limit: number) {}
}

export class TmpFs implements Fs {
  readonly magic = TMPFS_MAGIC;
  readonly type = 'tmpfs';
  readonly source = 'tmpfs';
  readonly readonly = false;
  readonly inodes = new Map<number, TmpNode>();
  /** Told when a sectioned file's bytes changed here (vfsd pushes them to the section). */
  onSectionChanged: ((node: TmpNode) => void) | undefined;
  /** Told when an inode is gone for good (its section, if any, is dropped). */
  onGone: ((node: TmpNode) => void) | undefined;
  /** File bytes this filesystem holds. */
  private own = 0;
  private nextIno = 1;

  constructor(
    /** The journal namespace (t/<name>/...), also the mount's identity in persisted descriptions. */
    readonly name: string,
    readonly dev: number,
    rootMode: number,
    private readonly journal: Journal,
    /** Shared by every tmpfs: together they live in the nucleus state store, which is bounded. */
    readonly budget: TmpfsBudget = new TmpfsBudget(64 * 1024 * 1024),
  ) {
    this.allocate(S.IFDIR | rootMode, { pid: 0, uid: 0, gid: 0 }).parent = 1;
  }

  root(): TmpNode {
    return this.inodes.get(1)!;
  }

  get used(): number {
    return this.own;
  }

  set used(v: number) {
    this.budget.used += v - this.own;
    this.own = v;
  }

  room(): number {
    return this.budget.limit - this.budget.used;
  }

  statfs(): StatfsInfo {
    const blocks = Math.floor(this.budget.limit / 4096);
    const free = Math.max(0, blocks - Math.ceil(this.budget.used / 4096));
    const files = Math.max(1024, Math.floor(this.budget.limit / 8192));
    return { blocks, bfree: free, bavail: free, files, ffree: files - this.inodes.size };
  }

  allocate(mode: number, who: Who): TmpNode {
    const node = new TmpNode(this, this.nextIno++, mode, who);
    this.inodes.set(node.ino, node);
    this.changed(node);
    return node;
  }

  /** An inode with no names and no open descriptions is gone. */
  release(node: TmpNode): void {
    if (node.nlink > 0 || node.opens > 0) {
      this.changed(node);
      return;
    }
    this.inodes.delete(node.ino);
    this.onGone?.(node);
    if (!node.entries) this.dataChanged(node, 0, node.size, true);
    this.used -= node.entries ? 0 : node.size;
    node.size = 0;
    this.changed(node);
  }

  changed(node: TmpNode): void {
    this.journal.touch(`t/${this.name}/i/${node.ino}`, () => (this.inodes.get(node.ino) === node ? json(node.record()) : null));
  }

  /** Bytes [from, to) changed (or, past the size, went away). */
  dataChanged(node: TmpNode, from: number, to: number, gone = false): void {
    if (to <= from) return;
    if (node.section && !gone) this.onSectionChanged?.(node);
    for (let b = Math.floor(from / BLOCK); b * BLOCK < to; b++) {
      this.journal.touch(`t/${this.name}/d/${node.ino}/${b}`, () => {
        if (gone || this.inodes.get(node.ino) !== node || b * BLOCK >= node.size) return null;
        return Buffer.from(node.data.subarray(b * BLOCK, Math.min(node.size, (b + 1) * BLOCK)));
      });
    }
  }

  /** Rebuild from the journal's keys (t/<name>/...). Orphans are swept after descriptions are restored. */
  restore(entries: Map<string, Buffer>): void {
    const prefix = `t/${this.name}/`;
    // The root node object stays: the mount table holds it.
    const root = this.root();
    this.inodes.clear();
    this.inodes.set(1, root);
    this.used = 0;
    for (const [key, value] of entries) {
      if (!key.startsWith(`${prefix}i/`)) continue;
      const ino = Number(key.slice(prefix.length + 2));
      const node = ino === 1 ? root : new TmpNode(this, ino, 0, { pid: 0, uid: 0, gid: 0 });
      node.restore(JSON.parse(value.toString()) as InodeRecord);
      this.inodes.set(ino, node);
      this.nextIno = Math.max(this.nextIno, ino + 1);
    }
    for (const [key, value] of entries) {
      if (!key.startsWith(`${prefix}d/`)) continue;
      const [ino, block] = key.slice(prefix.length + 2).split('/').map(Number) as [number, number];
      const node = this.inodes.get(ino);
      if (node && block * BLOCK < node.size) value.copy(node.data, block * BLOCK, 0, Math.min(value.length, node.size - block * BLOCK));
    }
  }

  /** After restoring open descriptions: inodes neither named nor open are gone. */
  sweep(): void {
    for (const node of [...this.inodes.values()]) if (node.ino !== 1) this.release(node);
  }
}
