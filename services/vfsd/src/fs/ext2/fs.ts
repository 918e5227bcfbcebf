/**
 * ext2 as vfsd's Fs/Node/FileObject: the generic layer has already checked
 * names, permissions and errno order; these nodes change the on-disk
 * structures (inode.ts, dir.ts, alloc.ts) in the in-memory image and leave the
 * writing to the Committer (fsync, sync, the periodic writeback).
 */
import { Errno, S, dtype } from '../../abi.js';
import { fail } from '../../fail.js';
import { DirObject } from '../../files/directory.js';
import { FileObject, type Persisted, type SyncPending } from '../../files/file-object.js';
import type { OpenFile } from '../../files/open-file.js';
import { Blocked } from '../../wait.js';
import { Node, now, type DirEntry, type Fs, type SetAttr, type Stat, type StatfsInfo, type Who } from '../node.js';
import { allocInode, freeInode } from './alloc.js';
import type { Committer } from './commit.js';
import { addEntry, entries, fileType, initDir, isEmpty, lookup, removeEntry, retarget } from './dir.js';
import { Inode } from './inode.js';
import { EXT2_MAGIC, FAST_SYMLINK_MAX, FT, ROOT_INO, SB } from './layout.js';
import type { Volume } from './volume.js';

const seconds = () => now().sec;
/**
 * Unsynced bytes (as journalled: fs/ext2/unsynced.ts) past which a commit starts by itself, and past
 * which writers wait for one: Linux's dirty_background and dirty limits. They bound what a vfsd keeps
 * in the nucleus's state store (64 MiB per service, tmpfs's 40 MiB included).
 */
const WRITEBACK_AT = 4 * 1024 * 1024;
const WRITERS_WAIT_AT = 16 * 1024 * 1024;

export class Ext2Fs implements Fs {
  readonly magic = EXT2_MAGIC;
  readonly type = 'ext2';
  readonly readonly = false;
  private readonly nodes = new Map<number, Ext2Node>();
  /** Open file descriptions per inode: an unlinked file is freed when the last goes. */
  readonly opens = new Map<number, number>();

  constructor(readonly v: Volume, readonly committer: Committer, readonly dev: number, readonly source: string) {}

  root(): Ext2Node { return this.node(ROOT_INO); }

  node(ino: number): Ext2Node {
    let n = this.nodes.get(ino);
    if (!n) this.nodes.set(ino, n = new Ext2Node(this, new Inode(this.v, ino)));
    return n;
  }

  statfs(): StatfsInfo {
    const free = this.v.sb32(SB.free_blocks_count);
    return {
      blocks: this.v.blocksCount, bfree: free, bavail: Math.max(0, free - this.v.sb32(SB.r_blocks_count)),
      files: this.v.inodesCount, ffree: this.v.sb32(SB.free_inodes_count),
    };
  }

  sync(): SyncPending {
    return this.committer.sync();
  }

  /** How many bytes a write may add now (≤ 0: none until a commit is durable); starts a commit when much is unsynced. */
  room(): number {
    const held = this.v.watcher?.bytes ?? 0;
    if (held >= WRITEBACK_AT) this.committer.background();
    return WRITERS_WAIT_AT - held;
  }

  /** A new inode near `parent`'s group. */
  allocate(parent: Inode, mode: number, who: Who, gidFrom: Inode): Ext2Node {
    const ino = allocInode(this.v, Math.floor((parent.ino - 1) / this.v.inodesPerGroup), (mode & S.IFMT) === S.IFDIR);
    const i = new Inode(this.v, ino);
    // A setgid directory gives new entries its group (and new directories its setgid bit).
    const sgid = (gidFrom.mode & S.ISGID) !== 0;
    i.init(mode | (sgid && (mode & S.IFMT) === S.IFDIR ? S.ISGID : 0), who.uid, sgid ? gidFrom.gid : who.gid, seconds());
    i.links = 1;
    this.nodes.delete(ino);
    return this.node(ino);
  }

  /** Free an inode with no names left, once nothing has it open. */
  release(n: Ext2Node): void {
    const i = n.i;
    if (i.links > 0 || (this.opens.get(i.ino) ?? 0) > 0) return;
    const type = i.mode & S.IFMT;
    // Fast symlinks and device nodes keep other things than block pointers in i_block.
    if (type === S.IFREG || type === S.IFDIR || (type === S.IFLNK && i.sectors > 0)) i.cut(0);
    i.dtime = seconds();
    freeInode(this.v, i.ino, type === S.IFDIR);
    this.nodes.delete(i.ino);
  }
}

export class Ext2Node extends Node {
  constructor(readonly fs: Ext2Fs, readonly i: Inode) {
    super();
  }

  get ino(): number { return this.i.ino; }
  mode(): number { return this.i.mode; }
  override uid(): number { return this.i.uid; }
  override gid(): number { return this.i.gid; }

  stat(): Stat {
    const i = this.i;
    const t = (sec: number) => ({ sec, nsec: 0 });
    const type = i.mode & S.IFMT;
    return {
      dev: this.fs.dev, ino: i.ino, mode: i.mode, nlink: i.links, uid: i.uid, gid: i.gid,
      rdev: type === S.IFCHR || type === S.IFBLK ? i.ptr(0) || i.ptr(1) : 0,
      size: i.size, blksize: this.fs.v.blockSize, blocks: i.sectors,
      atime: t(i.atime), mtime: t(i.mtime), ctime: t(i.ctime), btime: null,
    };
  }

  private changed(): void {
    this.i.mtime = this.i.ctime = seconds();
  }

  override lookup(name: string): Node | undefined {
    const e = lookup(this.dirInode(), name);
    return e && this.fs.node(e.ino);
  }

  override list(): DirEntry[] {
    const out: DirEntry[] = [];
    for (const e of entries(this.dirInode())) {
      if (e.name === '.' || e.name === '..') continue;
      out.push({ name: e.name, ino: e.ino, type: dtype(this.fs.node(e.ino).mode()) });
    }
    return out;
  }

  private dirInode(): Inode {
    if (!this.isDir()) fail(Errno.ENOTDIR);
    return this.i;
  }

  private add(name: string, child: Ext2Node): Ext2Node {
    addEntry(this.dirInode(), name, child.ino, fileType(child.mode()));
    this.changed();
    return child;
  }

  override create(name: string, mode: number, who: Who): Node {
    return this.add(name, this.fs.allocate(this.i, S.IFREG | (mode & 0o7777), who, this.i));
  }

  override mkdir(name: string, mode: number, who: Who): void {
    if (this.i.links >= 65000) fail(Errno.EMLINK);
    const child = this.fs.allocate(this.i, S.IFDIR | (mode & 0o7777), who, this.i);
    initDir(child.i, this.ino);
    child.i.links = 2;
    this.i.links++;
    this.add(name, child);
  }

  override symlink(name: string, target: string, who: Who): void {
    const raw = Buffer.from(target, 'utf8');
    if (raw.length >= this.fs.v.blockSize) fail(Errno.ENAMETOOLONG);
    const child = this.fs.allocate(this.i, S.IFLNK | 0o777, who, this.i);
    const ci = child.i;
    if (raw.length <= FAST_SYMLINK_MAX) {
      raw.copy(ci.blockArea());
      ci.markArea();
    } else {
      const b = ci.map(0, 'meta');
      raw.copy(this.fs.v.block(b));
    }
    ci.size = raw.length;
    this.add(name, child);
  }

  override mknod(name: string, mode: number, rdev: number, who: Who): void {
    const child = this.fs.allocate(this.i, mode, who, this.i);
    if (rdev < 0x10000) child.i.setPtr(0, rdev);
    else child.i.setPtr(1, rdev);
    this.add(name, child);
  }

  override link(name: string, target: Node): void {
    if (!(target instanceof Ext2Node) || target.fs !== this.fs) fail(Errno.EXDEV);
    if (target.i.links >= 65000) fail(Errno.EMLINK);
    target.i.links++;
    target.i.ctime = seconds();
    this.add(name, target);
  }

  override unlink(name: string): void {
    const dir = this.dirInode();
    const e = lookup(dir, name) ?? fail(Errno.ENOENT);
    const child = this.fs.node(e.ino);
    removeEntry(dir, e);
    this.changed();
    child.i.links--;
    child.i.ctime = seconds();
    this.fs.release(child);
  }

  override rmdir(name: string): void {
    const dir = this.dirInode();
    const e = lookup(dir, name) ?? fail(Errno.ENOENT);
    const child = this.fs.node(e.ino);
    if (!child.isDir()) fail(Errno.ENOTDIR);
    if (!isEmpty(child.i)) fail(Errno.ENOTEMPTY);
    removeEntry(dir, e);
    this.changed();
    this.i.links--;
    child.i.links = 0;
    this.fs.release(child);
  }

  override rename(name: string, to: Node, newName: string, exchange: boolean): void {
    if (!(to instanceof Ext2Node) || to.fs !== this.fs) fail(Errno.EXDEV);
    const from = this.dirInode();
    const dest = to.dirInode();
    const e = lookup(from, name) ?? fail(Errno.ENOENT);
    const moving = this.fs.node(e.ino);
    const over = lookup(dest, newName);
    const replaced = over && this.fs.node(over.ino);
    if (exchange) {
      if (!over || !replaced) fail(Errno.ENOENT);
      retarget(from, e, replaced.ino, fileType(replaced.mode()));
      retarget(dest, over, moving.ino, fileType(moving.mode()));
      this.reparent(replaced, this, to);
      this.reparent(moving, to, this);
    } else {
      if (replaced === moving) return;
      if (replaced && over) {
        if (replaced.isDir()) {
          if (!isEmpty(replaced.i)) fail(Errno.ENOTEMPTY);
          to.i.links--;
          replaced.i.links = 0;
        } else {
          replaced.i.links--;
        }
        replaced.i.ctime = seconds();
        retarget(dest, over, moving.ino, fileType(moving.mode()));
        this.fs.release(replaced);
      } else {
        addEntry(dest, newName, moving.ino, fileType(moving.mode()));
      }
      // The entry may have moved if addEntry changed this very block: look it up again.
      removeEntry(from, lookup(from, name) ?? fail(Errno.EIO));
      this.reparent(moving, to, this);
    }
    this.changed();
    to.changed();
    moving.i.ctime = seconds();
  }

  /** A directory moved from `was` to `now`: its ".." and both parents' link counts follow. */
  private reparent(child: Ext2Node, nowParent: Ext2Node, was: Ext2Node): void {
    if (!child.isDir() || nowParent === was) return;
    const dotdot = lookup(child.i, '..') ?? fail(Errno.EIO);
    retarget(child.i, dotdot, nowParent.ino, FT.DIR);
    was.i.links--;
    nowParent.i.links++;
  }

  override readlink(): string {
    if (!this.isSymlink()) fail(Errno.EINVAL);
    const i = this.i;
    if (i.sectors === 0) return i.blockArea().toString('utf8', 0, i.size);
    return this.fs.v.block(i.map(0, undefined)).toString('utf8', 0, i.size);
  }

  override setattr(a: SetAttr): void {
    const i = this.i;
    if (a.size !== undefined) this.resize(a.size);
    if (a.mode !== undefined) i.mode = (i.mode & S.IFMT) | (a.mode & 0o7777);
    if (a.uid !== undefined) i.uid = a.uid;
    if (a.gid !== undefined) i.gid = a.gid;
    if (a.atime) i.atime = a.atime.sec;
    if (a.mtime) i.mtime = a.mtime.sec;
    i.ctime = seconds();
  }

  override open(_flags: number): FileObject {
    if (this.isDir()) return new DirObject(this);
    if ((this.mode() & S.IFMT) !== S.IFREG) fail(Errno.ENXIO);
    return new Ext2File(this);
  }

  // ---- file bytes ----

  read(n: number, at: number): Buffer {
    const i = this.i;
    const size = i.size;
    if (at >= size || n <= 0) return Buffer.alloc(0);
    const end = Math.min(size, at + n);
    const out = Buffer.alloc(end - at);
    const bs = this.fs.v.blockSize;
    for (let pos = at; pos < end;) {
      const fb = Math.floor(pos / bs);
      const off = pos % bs;
      const len = Math.min(bs - off, end - pos);
      const b = i.map(fb, undefined);
      if (b) this.fs.v.block(b).copy(out, pos - at, off, off + len);
      pos += len;
    }
    return out;
  }

  write(data: Buffer, at: number): number {
    const i = this.i;
    const bs = this.fs.v.blockSize;
    let done = 0;
    try {
      while (done < data.length) {
        const pos = at + done;
        const off = pos % bs;
        const len = Math.min(bs - off, data.length - done);
        const b = i.map(Math.floor(pos / bs), 'data');
        data.copy(this.fs.v.block(b), off, done, done + len);
        this.fs.v.mark(b, 'data');
        done += len;
      }
    } catch (err) {
      // ENOSPC (or EFBIG) part way: what was written counts, as in Linux.
      if (done === 0) throw err;
    }
    if (at + done > i.size) i.size = at + done;
    this.changed();
    return done;
  }

  private resize(size: number): void {
    const i = this.i;
    if (this.isDir()) fail(Errno.EISDIR);
    const bs = this.fs.v.blockSize;
    if (size < i.size) {
      i.cut(Math.ceil(size / bs));
      // The tail of the last kept block reads as zeroes if the file grows again.
      const b = size % bs ? i.map(Math.floor(size / bs), undefined) : 0;
      if (b) {
        this.fs.v.block(b).fill(0, size % bs);
        this.fs.v.mark(b, 'data');
      }
    }
    i.size = size;
    this.changed();
  }
}

/** An open regular ext2 file. */
export class Ext2File extends FileObject {
  constructor(readonly node: Ext2Node) {
    super();
  }

  override seekable(): boolean { return true; }
  override size(): number { return this.node.i.size; }
  override read(_f: OpenFile, n: number, at: number): Buffer { return this.node.read(n, at); }
  override write(_f: OpenFile, data: Buffer, at: number): number { return this.node.write(data, at); }
  override admit(n: number): number | Blocked {
    const fs = this.node.fs;
    const room = fs.room();
    return room > 0 ? Math.min(n, Math.max(room, fs.v.blockSize)) : new Blocked([fs.committer.queue], Infinity, true);
  }
  override sync(): SyncPending { return this.node.fs.sync(); }

  override opened(): void {
    const opens = this.node.fs.opens;
    opens.set(this.node.ino, (opens.get(this.node.ino) ?? 0) + 1);
  }

  override released(): void {
    const opens = this.node.fs.opens;
    const n = (opens.get(this.node.ino) ?? 1) - 1;
    if (n > 0) opens.set(this.node.ino, n);
    else opens.delete(this.node.ino);
    this.node.fs.release(this.node);
  }

  persist(): Persisted {
    return { kind: 'ext2' };
  }
}

