/**
 * open, openat, creat, close, close_range — with Linux's checks in Linux's order
 * (fs/namei.c open_last_lookups, do_open): O_CREAT creates through a dangling
 * symlink, O_EXCL fails on anything that exists, a directory opens only for
 * reading, O_NOFOLLOW refuses a final symlink (ELOOP), writes to the read-only
 * root give EROFS, O_TRUNC truncates.
 */
import { AT, Errno, O, R_OK, S, SYMLOOP_MAX, W_OK, X_OK } from '../abi.js';
import { fail } from '../fail.js';
import { permits, require } from '../fs/perm.js';
import { join, type Loc } from '../fs/walk.js';
import { EINTR, Wait, type Outcome } from '../wait.js';
import { PipeEnd, PipeNode } from '../files/pipe.js';
import { int, path, u32, type Call } from './call.js';

const CLOSE_RANGE_UNSHARE = 2;
const CLOSE_RANGE_CLOEXEC = 4;
/** F_GETFL keeps these of the open flags; the 64-bit kernel adds O_LARGEFILE. */
const KEPT = ~(O.CREAT | O.EXCL | O.NOCTTY | O.TRUNC | O.CLOEXEC);

/** The location `path` opens, creating it under O_CREAT; `created` when it did. */
function lookupForOpen(c: Call, dirfd: number, path: string, flags: number, mode: number, depth = 0): { loc: Loc; created: boolean } {
  if (!(flags & O.CREAT)) return { loc: c.v.resolve(c.p, c.who, dirfd, path, !(flags & O.NOFOLLOW)), created: false };
  const { dir, name, slash } = c.v.parent(c.p, c.who, dirfd, path);
  if (name === '' || name === '.' || name === '..') fail(Errno.EISDIR);
  const existing = c.v.walker.child(dir, name, c.who);
  if (existing) {
    if (flags & O.EXCL) fail(Errno.EEXIST);
    if (existing.isSymlink()) {
      if (flags & O.NOFOLLOW) fail(Errno.ELOOP);
      if (depth >= SYMLOOP_MAX) fail(Errno.ELOOP);
      // Magic links (/proc/self/fd/N) lead to their object; others are followed, creating a dangling target.
      const magic = existing.magic(c.who);
      if (magic) return { loc: magic, created: false };
      const target = existing.readlink(c.who);
      const next = target.startsWith('/') ? target : join(dir.path, target);
      return lookupForOpen(c, -100, next, flags, mode, depth + 1);
    }
    if (existing.isDir()) fail(Errno.EISDIR);
    return { loc: { node: existing, path: join(dir.path, name) }, created: false };
  }
  if (slash) fail(Errno.EISDIR);
  if (dir.node.fs.readonly) fail(Errno.EROFS);
  require(c.who, dir.node, W_OK | X_OK);
  const node = dir.node.create(name, mode & ~c.p.umask & 0o7777, c.who);
  return { loc: { node, path: join(dir.path, name) }, created: true };
}

export function openFile(c: Call, dirfd: number, pathname: string, flags: number, mode: number): Outcome {
  const acc = flags & O.ACCMODE;
  if ((flags & O.TMPFILE) === O.TMPFILE) fail(Errno.EOPNOTSUPP);
  if (flags & O.PATH) {
    const loc = c.v.resolve(c.p, c.who, dirfd, pathname, !(flags & O.NOFOLLOW));
    if (flags & O.DIRECTORY && !loc.node.isDir()) fail(Errno.ENOTDIR);
    const f = c.v.openAt(loc, O.PATH | (flags & (O.DIRECTORY | O.NOFOLLOW)), c.who);
    return { result: c.v.procs.installNew(c.p, f, (flags & O.CLOEXEC) !== 0) };
  }
  if (acc === O.ACCMODE) fail(Errno.EINVAL);
  const { loc, created } = lookupForOpen(c, dirfd, pathname, flags, mode);
  const node = loc.node;
  if (node.isSymlink()) fail(Errno.ELOOP);
  if (flags & O.DIRECTORY && !node.isDir()) fail(Errno.ENOTDIR);
  if (node.isDir() && (acc !== O.RDONLY || flags & O.CREAT)) fail(Errno.EISDIR);
  const wants = (acc === O.RDONLY ? R_OK : acc === O.WRONLY ? W_OK : R_OK | W_OK) | (flags & O.TRUNC ? W_OK : 0);
  if (!created && !permits(c.who, node, wants)) fail(Errno.EACCES);
  const type = node.mode() & S.IFMT;
  const onDisk = type === S.IFREG || type === S.IFDIR || type === S.IFLNK;
  if (wants & W_OK && onDisk && node.fs.readonly) fail(Errno.EROFS);
  // A FIFO's file opens its pipe; a pipe reached through /proc/<pid>/fd opens another end of itself.
  if (type === S.IFIFO && !(node instanceof PipeNode)) return openFifo(c, loc, flags);
  // Open first (a device may refuse), then truncate.
  const f = c.v.openAt(loc, (flags & KEPT) | O.LARGEFILE, c.who);
  if (flags & O.TRUNC && type === S.IFREG && !created) {
    try {
      node.setattr({ size: 0 });
    } catch (err) {
      c.v.procs.discard(f);
      throw err;
    }
  }
  return { result: c.v.procs.installNew(c.p, f, (flags & O.CLOEXEC) !== 0) };
}

/**
 * A FIFO (fifo(7)): opening one end waits until the other end is opened (or has
 * been, since this open began), unless O_NONBLOCK — then a reader goes ahead and
 * a writer with no reader gets ENXIO; O_RDWR never waits.
 */
function openFifo(c: Call, loc: Loc, flags: number): Outcome {
  const node = loc.node;
  const acc = flags & O.ACCMODE;
  const pipe = c.v.pipes.fifo(`${node.fs.dev}:${node.ino}`, c.who);
  if (acc === O.WRONLY && pipe.readers === 0 && flags & O.NONBLOCK) {
    if (pipe.readers + pipe.writers === 0) pipe.onGone?.();
    fail(Errno.ENXIO);
  }
  const ends = acc === O.RDONLY ? 'r' : acc === O.WRONLY ? 'w' : 'rw';
  const f = c.v.procs.open((flags & KEPT) | O.LARGEFILE, new PipeEnd(pipe, ends, node), loc.path);
  const install = (): Outcome => ({ result: c.v.procs.installNew(c.p, f, (flags & O.CLOEXEC) !== 0) });
  if (acc === O.RDWR || flags & O.NONBLOCK || (acc === O.RDONLY ? pipe.writers : pipe.readers) > 0) return install();
  const partner = acc === O.RDONLY ? () => pipe.writeOpens : () => pipe.readOpens;
  const before = partner();
  const step = (): Outcome => (partner() !== before ? install() : new Wait([pipe.opens], step, () => {
    c.v.procs.discard(f);
    return EINTR;
  }));
  return step();
}

export const open = (c: Call) => openFile(c, AT.FDCWD, path(c, 0), u32(c, 1), u32(c, 2));
export const openat = (c: Call) => openFile(c, int(c, 0), path(c, 0), u32(c, 2), u32(c, 3));
export const creat = (c: Call) => openFile(c, AT.FDCWD, path(c, 0), O.CREAT | O.WRONLY | O.TRUNC, u32(c, 1));

export function close(c: Call): Outcome {
  c.v.procs.close(c.p, int(c, 0));
  return { result: 0 };
}

export function closeRange(c: Call): Outcome {
  const first = u32(c, 0);
  const last = u32(c, 1);
  const flags = u32(c, 2);
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) fail(Errno.EINVAL);
  const procs = c.v.procs;
  if (flags & CLOSE_RANGE_UNSHARE) procs.unshare(c.p);
  for (const [fd, slot] of [...c.p.table.slots]) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) {
      slot.cloexec = true;
      procs.tableChanged(c.p.table);
    } else {
      procs.close(c.p, fd);
    }
  }
  return { result: 0 };
}

