/**
 * `rustos cp`: a guest tree as a sequence of entries (a directory before its
 * children; a file's bytes following its entry), out of the guest and into it,
 * keeping permission bits and modification times. Into the guest, a target that
 * is an existing directory receives the tree under its own name; otherwise the
 * tree's root is created at the target (as `docker cp` does).
 */
import { Errno, O, S } from './abi.js';
import { fail } from './fail.js';
import { ProcFs } from './fs/procfs.js';
import type { Node, Who } from './fs/node.js';
import { join, type Loc } from './fs/walk.js';
import type { OpenFile } from './files/open-file.js';
import { wholeFile } from './loader.js';
import { Blocked } from './wait.js';
import type { Vfs } from './vfs.js';

export type EntryKind = 'FILE' | 'DIRECTORY' | 'SYMLINK';

export interface TreeEntry {
  path: string;
  kind: EntryKind;
  mode: number;
  size: number;
  target: string;
  mtimeMs: number;
}

const ROOT_WHO: Who = { pid: 0, uid: 0, gid: 0 };

/** The tree at guest `path`, entry by entry; a file's bytes come with its entry. */
export function* treeOut(v: Vfs, path: string): Generator<{ entry: TreeEntry; data?: Buffer }> {
  const start = v.walker.resolve(ROOT_WHO, v.walker.root(), path, false);
  yield* walk(v, start, '.');
}

function* walk(v: Vfs, loc: Loc, rel: string): Generator<{ entry: TreeEntry; data?: Buffer }> {
  const st = loc.node.stat();
  const base = { path: rel, mode: st.mode & 0o7777, mtimeMs: st.mtime.sec * 1000 + st.mtime.nsec / 1e6, size: 0, target: '' };
  const type = st.mode & S.IFMT;
  if (type === S.IFLNK) {
    yield { entry: { ...base, kind: 'SYMLINK', target: loc.node.readlink(ROOT_WHO) } };
  } else if (type === S.IFREG) {
    const data = wholeFile(v, loc, ROOT_WHO);
    yield { entry: { ...base, kind: 'FILE', size: data.length }, data };
  } else if (type === S.IFDIR) {
    yield { entry: { ...base, kind: 'DIRECTORY' } };
    if (loc.node.fs instanceof ProcFs) return;
    for (const e of loc.node.list(ROOT_WHO)) {
      const node = v.walker.child(loc, e.name, ROOT_WHO);
      if (node) yield* walk(v, { node, path: join(loc.path, e.name) }, rel === '.' ? e.name : `${rel}/${e.name}`);
    }
  }
}

/** Writes a tree into the guest, entry by entry. */
export class TreeIn {
  private root: Loc | undefined;
  private file: { f: OpenFile; node: Node; entry: TreeEntry; written: number } | undefined;
  /** Directories get their mode and time last: adding their children would change the time. */
  private readonly dirs: [Node, TreeEntry][] = [];
  /** Bytes of the current file not written yet (its filesystem asked the copy to wait). */
  private pending: Buffer = Buffer.alloc(0);
  entries = 0;
  bytes = 0;

  constructor(private readonly v: Vfs, private readonly target: string, private readonly name: string) {}

  /** Where the entry at relative `path` goes: its directory and name. */
  private place(path: string): { dir: Loc; name: string } {
    if (path === '.') {
      if (!this.root) {
        let into: Loc | undefined;
        try {
          into = this.v.walker.resolve(ROOT_WHO, this.v.walker.root(), this.target, true);
        } catch {
          into = undefined;
        }
        if (into?.node.isDir()) return { dir: into, name: this.name };
        const at = this.v.walker.parent(ROOT_WHO, this.v.walker.root(), this.target);
        return { dir: at.dir, name: at.name };
      }
    }
    const cut = path.lastIndexOf('/');
    const dirPath = cut < 0 ? this.root!.path : join(this.root!.path, path.slice(0, cut));
    return { dir: this.v.walker.resolve(ROOT_WHO, this.v.walker.root(), dirPath, false), name: path.slice(cut + 1) };
  }

  entry(e: TreeEntry): void {
    this.finishFile();
    if (!/^(\.|[^/]+(\/[^/]+)*)$/.test(e.path) || e.path.split('/').some((p) => p === '..' || (p === '.' && e.path !== '.'))) fail(Errno.EINVAL);
    if (e.path !== '.' && !this.root) fail(Errno.EINVAL);
    const { dir, name } = this.place(e.path);
    if (!name || name === '.' || name === '..') fail(Errno.EINVAL);
    if (dir.node.fs.readonly) fail(Errno.EROFS);
    const existing = this.v.walker.child(dir, name, ROOT_WHO);
    const path = join(dir.path, name);
    if (e.kind === 'DIRECTORY') {
      if (existing && !existing.isDir()) fail(Errno.ENOTDIR);
      if (!existing) dir.node.mkdir(name, e.mode, ROOT_WHO);
    } else {
      if (existing?.isDir()) fail(Errno.EISDIR);
      if (existing) dir.node.unlink(name);
      if (e.kind === 'SYMLINK') dir.node.symlink(name, e.target, ROOT_WHO);
      else dir.node.create(name, e.mode, ROOT_WHO);
    }
    const node = this.v.walker.child(dir, name, ROOT_WHO) ?? fail(Errno.ENOENT);
    if (e.path === '.') this.root = { node, path };
    if (e.kind === 'FILE') {
      const f = this.v.openAt({ node, path }, O.WRONLY, ROOT_WHO);
      this.file = { f, node, entry: e, written: 0 };
      if (e.size === 0) this.finishFile();
    } else if (e.kind === 'DIRECTORY') {
      this.dirs.push([node, e]);
    } else {
      node.setattr({ mtime: time(e.mtimeMs) });
    }
    this.entries++;
  }

  /** The next bytes of the current file; Blocked (the rest kept) when its filesystem cannot take more yet: then more(), once woken. */
  data(chunk: Buffer): Blocked | undefined {
    if (!this.file) fail(Errno.EINVAL);
    this.pending = chunk;
    return this.more();
  }

  more(): Blocked | undefined {
    const file = this.file ?? fail(Errno.EINVAL);
    while (this.pending.length) {
      const room = file.f.obj.admit(this.pending.length);
      if (room instanceof Blocked) return room;
      const n = file.f.obj.write(file.f, this.pending.subarray(0, room), file.written) as number;
      this.pending = this.pending.subarray(n);
      file.written += n;
      this.bytes += n;
    }
    if (file.written >= file.entry.size) this.finishFile();
    return undefined;
  }

  private finishFile(): void {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    this.v.procs.discard(file.f);
    file.node.setattr({ mode: file.entry.mode, mtime: time(file.entry.mtimeMs) });
  }

  /** The stream ended: the last file is done (short files keep what came). */
  end(): void {
    this.finishFile();
    if (!this.root) fail(Errno.EINVAL);
    for (const [node, e] of this.dirs.reverse()) node.setattr({ mode: e.mode, mtime: time(e.mtimeMs) });
  }
}

function time(ms: number) {
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6)) };
}
