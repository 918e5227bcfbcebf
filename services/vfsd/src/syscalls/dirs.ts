/**
 * The namespace: getdents64, getcwd, chdir, fchdir, and the calls that add,
 * remove and move names (mkdir, mknod, rmdir, unlink, rename, symlink, link) —
 * each with the errno Linux gives in the order it checks (fs/namei.c): the name's
 * kind (".", "..", "/"), existence, the filesystem being read-only, mount points,
 * permission on the directories, the sticky bit.
 */
import { AT, Errno, O, RENAME, S, W_OK, X_OK, dtype } from '../abi.js';
import { fresh } from '../bytes.js';
import { fail } from '../fail.js';
import { DirObject } from '../files/directory.js';
import type { Node } from '../fs/node.js';
import { require, requireStickyOk } from '../fs/perm.js';
import { join, parentPath, type Loc } from '../fs/walk.js';
import { direntSize, writeDirent } from '../structs.js';
import type { Outcome } from '../wait.js';
import { file, int, path, u32, type Call } from './call.js';

export function getdents64(c: Call): Outcome {
  const f = file(c, 0);
  if (f.flags & O.PATH) fail(Errno.EBADF);
  if (!(f.obj instanceof DirObject)) fail(Errno.ENOTDIR);
  const size = Math.min(c.args[2]! < 0 ? 1 << 20 : c.args[2]!, 1 << 20);
  f.listing ??= listing(c, { node: f.obj.node, path: f.path });
  // Which entries fit, then one buffer of exactly their size.
  const names: Buffer[] = [];
  let total = 0;
  for (let i = f.pos; i < f.listing.length; i++) {
    const name = Buffer.from(f.listing[i]!.name);
    if (total + direntSize(name) > size) break;
    names.push(name);
    total += direntSize(name);
  }
  if (names.length === 0 && f.pos < f.listing.length) fail(Errno.EINVAL);
  const out = fresh(total);
  let at = 0;
  let i = f.pos;
  for (const name of names) {
    const e = f.listing[i]!;
    at += writeDirent(out, at, e.ino, i + 1, e.type, name);
    i++;
  }
  f.pos = i;
  c.v.procs.fileChanged(f);
  return { result: at, outputs: [out] };
}

/** ".", "..", the directory's entries, and mount points the filesystem underneath does not have. */
function listing(c: Call, dir: Loc) {
  const own = dir.node.list(c.who);
  const mountRoot = c.v.mounts.byPath.get(dir.path)?.root;
  const parent = dir.path === '/' || mountRoot ? dir.node : c.v.walker.canonical(parentPath(dir.path), c.who).node;
  const out = [{ name: '.', ino: dir.node.ino, type: dtype(S.IFDIR) }, { name: '..', ino: parent.ino, type: dtype(S.IFDIR) }, ...own];
  for (const name of c.v.mounts.under(dir.path)) {
    if (own.some((e) => e.name === name)) continue;
    out.push({ name, ino: c.v.mounts.at(join(dir.path, name))!.ino, type: dtype(S.IFDIR) });
  }
  return out;
}

export function getcwd(c: Call): Outcome {
  const loc = c.v.cwd(c.p, c.who);
  const out = Buffer.from(`${loc.path}\0`);
  if (c.args[1]! < out.length) fail(Errno.ERANGE);
  return { result: out.length, outputs: [out] };
}

function enter(c: Call, loc: Loc): Outcome {
  if (!loc.node.isDir()) fail(Errno.ENOTDIR);
  require(c.who, loc.node, X_OK);
  c.p.cwd = loc.path;
  c.p.cwdLoc = loc;
  c.v.procs.procChanged(c.p);
  return { result: 0 };
}

export const chdir = (c: Call) => enter(c, c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), true));

export function fchdir(c: Call): Outcome {
  const f = file(c, 0);
  return enter(c, { node: f.obj.node, path: f.path });
}

/** The directory and name a creating call works on, checked up to "may I add a name here". */
export function creating(c: Call, dirfd: number, pathname: string): { dir: Loc; name: string; slash: boolean } {
  const at = c.v.parent(c.p, c.who, dirfd, pathname);
  if (at.name === '' || at.name === '.' || at.name === '..') fail(Errno.EEXIST);
  if (c.v.walker.child(at.dir, at.name, c.who)) fail(Errno.EEXIST);
  if (at.dir.node.fs.readonly) fail(Errno.EROFS);
  require(c.who, at.dir.node, W_OK | X_OK);
  return at;
}

function mkdirOf(c: Call, dirfd: number, pathname: string, mode: number): Outcome {
  const { dir, name } = creating(c, dirfd, pathname);
  dir.node.mkdir(name, mode & ~c.p.umask & 0o7777, c.who);
  return { result: 0 };
}

export const mkdir = (c: Call) => mkdirOf(c, AT.FDCWD, path(c, 0), u32(c, 1));
export const mkdirat = (c: Call) => mkdirOf(c, int(c, 0), path(c, 0), u32(c, 2));

function mknodOf(c: Call, dirfd: number, pathname: string, mode: number, dev: number): Outcome {
  const type = mode & S.IFMT;
  if (type !== 0 && type !== S.IFREG && type !== S.IFIFO && type !== S.IFCHR && type !== S.IFBLK && type !== S.IFSOCK) fail(Errno.EINVAL);
  const { dir, name, slash } = creating(c, dirfd, pathname);
  if (slash) fail(Errno.ENOENT);
  if ((type === S.IFCHR || type === S.IFBLK) && c.who.uid !== 0) fail(Errno.EPERM);
  const perm = mode & ~c.p.umask & 0o7777;
  if (type === 0 || type === S.IFREG) dir.node.create(name, perm, c.who);
  else dir.node.mknod(name, type | perm, dev, c.who);
  return { result: 0 };
}

export const mknod = (c: Call) => mknodOf(c, AT.FDCWD, path(c, 0), u32(c, 1), c.args[2]!);
export const mknodat = (c: Call) => mknodOf(c, int(c, 0), path(c, 0), u32(c, 2), c.args[3]!);

/** The entry a removing call works on, checked up to "may I remove this name". */
function removing(c: Call, dirfd: number, pathname: string, dirWanted: boolean): { dir: Loc; name: string; node: Node } {
  const { dir, name, slash } = c.v.parent(c.p, c.who, dirfd, pathname);
  if (dirWanted) {
    if (name === '') fail(Errno.EBUSY);
    if (name === '.') fail(Errno.EINVAL);
    if (name === '..') fail(Errno.ENOTEMPTY);
  } else if (name === '' || name === '.' || name === '..') {
    fail(Errno.EISDIR);
  }
  const node = c.v.walker.child(dir, name, c.who) ?? fail(Errno.ENOENT);
  if (dirWanted && !node.isDir()) fail(Errno.ENOTDIR);
  if (!dirWanted && node.isDir()) fail(Errno.EISDIR);
  if (!dirWanted && slash) fail(Errno.ENOTDIR);
  if (c.v.mounts.byPath.has(join(dir.path, name))) fail(Errno.EBUSY);
  if (dir.node.fs.readonly) fail(Errno.EROFS);
  require(c.who, dir.node, W_OK | X_OK);
  requireStickyOk(c.who, dir.node, node);
  return { dir, name, node };
}

function rmdirOf(c: Call, dirfd: number, pathname: string): Outcome {
  const { dir, name } = removing(c, dirfd, pathname, true);
  dir.node.rmdir(name);
  return { result: 0 };
}

function unlinkOf(c: Call, dirfd: number, pathname: string): Outcome {
  const { dir, name } = removing(c, dirfd, pathname, false);
  dir.node.unlink(name);
  return { result: 0 };
}

export const rmdir = (c: Call) => rmdirOf(c, AT.FDCWD, path(c, 0));
export const unlink = (c: Call) => unlinkOf(c, AT.FDCWD, path(c, 0));

export function unlinkat(c: Call): Outcome {
  const flags = u32(c, 2);
  if (flags & ~AT.REMOVEDIR) fail(Errno.EINVAL);
  return flags & AT.REMOVEDIR ? rmdirOf(c, int(c, 0), path(c, 0)) : unlinkOf(c, int(c, 0), path(c, 0));
}

function renameOf(c: Call, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number): Outcome {
  if (flags & ~(RENAME.NOREPLACE | RENAME.EXCHANGE | RENAME.WHITEOUT)) fail(Errno.EINVAL);
  if (flags & RENAME.NOREPLACE && flags & RENAME.EXCHANGE) fail(Errno.EINVAL);
  if (flags & RENAME.WHITEOUT) fail(Errno.EINVAL);
  const from = c.v.parent(c.p, c.who, olddirfd, oldpath);
  const to = c.v.parent(c.p, c.who, newdirfd, newpath);
  const special = (n: string) => n === '' || n === '.' || n === '..';
  if (special(from.name) || special(to.name)) fail(Errno.EBUSY);
  const src = c.v.walker.child(from.dir, from.name, c.who) ?? fail(Errno.ENOENT);
  const srcPath = join(from.dir.path, from.name);
  const dstPath = join(to.dir.path, to.name);
  if (from.dir.node.fs !== to.dir.node.fs) fail(Errno.EXDEV);
  const dst = c.v.walker.child(to.dir, to.name, c.who);
  if (flags & RENAME.NOREPLACE && dst) fail(Errno.EEXIST);
  if (flags & RENAME.EXCHANGE && !dst) fail(Errno.ENOENT);
  if ((from.slash || to.slash) && !src.isDir()) fail(Errno.ENOTDIR);
  if (dst && !(flags & RENAME.EXCHANGE)) {
    if (src.isDir() && !dst.isDir()) fail(Errno.ENOTDIR);
    if (!src.isDir() && dst.isDir()) fail(Errno.EISDIR);
  }
  // A directory cannot move below itself (nor the target below the source, for an exchange).
  if (src.isDir() && (dstPath === srcPath || dstPath.startsWith(`${srcPath}/`)) && dst !== src) fail(Errno.EINVAL);
  if (flags & RENAME.EXCHANGE && dst!.isDir() && srcPath.startsWith(`${dstPath}/`)) fail(Errno.EINVAL);
  if (c.v.mounts.byPath.has(srcPath) || c.v.mounts.byPath.has(dstPath)) fail(Errno.EBUSY);
  if (from.dir.node.fs.readonly) fail(Errno.EROFS);
  require(c.who, from.dir.node, W_OK | X_OK);
  require(c.who, to.dir.node, W_OK | X_OK);
  requireStickyOk(c.who, from.dir.node, src);
  if (dst) requireStickyOk(c.who, to.dir.node, dst);
  if (dst && dst.ino === src.ino && dst.fs === src.fs && !(flags & RENAME.EXCHANGE)) return { result: 0 };
  from.dir.node.rename(from.name, to.dir.node, to.name, (flags & RENAME.EXCHANGE) !== 0);
  return { result: 0 };
}

export const rename = (c: Call) => renameOf(c, AT.FDCWD, path(c, 0), AT.FDCWD, path(c, 1), 0);
export const renameat = (c: Call) => renameOf(c, int(c, 0), path(c, 0), int(c, 2), path(c, 1), 0);
export const renameat2 = (c: Call) => renameOf(c, int(c, 0), path(c, 0), int(c, 2), path(c, 1), u32(c, 4));

function symlinkOf(c: Call, target: string, dirfd: number, linkpath: string): Outcome {
  if (target.length === 0) fail(Errno.ENOENT);
  const { dir, name } = creating(c, dirfd, linkpath);
  dir.node.symlink(name, target, c.who);
  return { result: 0 };
}

export const symlink = (c: Call) => symlinkOf(c, path(c, 0), AT.FDCWD, path(c, 1));
export const symlinkat = (c: Call) => symlinkOf(c, path(c, 0), int(c, 1), path(c, 1));

function linkOf(c: Call, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number): Outcome {
  if (flags & ~(AT.SYMLINK_FOLLOW | AT.EMPTY_PATH)) fail(Errno.EINVAL);
  const src = oldpath.length === 0 && flags & AT.EMPTY_PATH
    ? c.v.base(c.p, olddirfd, c.who)
    : c.v.resolve(c.p, c.who, olddirfd, oldpath, (flags & AT.SYMLINK_FOLLOW) !== 0);
  const at = c.v.parent(c.p, c.who, newdirfd, newpath);
  if (at.name === '' || at.name === '.' || at.name === '..') fail(Errno.EEXIST);
  if (c.v.walker.child(at.dir, at.name, c.who)) fail(Errno.EEXIST);
  if (src.node.fs !== at.dir.node.fs) fail(Errno.EXDEV);
  if (at.dir.node.fs.readonly) fail(Errno.EROFS);
  require(c.who, at.dir.node, W_OK | X_OK);
  if (src.node.isDir()) fail(Errno.EPERM);
  at.dir.node.link(at.name, src.node);
  return { result: 0 };
}

export const link = (c: Call) => linkOf(c, AT.FDCWD, path(c, 0), AT.FDCWD, path(c, 1), 0);
export const linkat = (c: Call) => linkOf(c, int(c, 0), path(c, 0), int(c, 2), path(c, 1), u32(c, 4));
