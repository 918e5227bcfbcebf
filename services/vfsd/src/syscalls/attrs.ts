/**
 * Changing what stat shows, and the calls that only need to answer sanely: the
 * chmod and chown families (chown clears set-user-ID and, with group execute,
 * set-group-ID on non-directories, as Linux does even for root), the utime
 * family (UTIME_NOW, UTIME_OMIT), umask, truncate/ftruncate, the sync calls,
 * fadvise64, flock, and extended attributes (none are kept: reads find no data,
 * writes are not supported).
 */
import { AT, Errno, O, S, UTIME_NOW, UTIME_OMIT, W_OK } from '../abi.js';
import { getI64 } from '../bytes.js';
import { fail } from '../fail.js';
import { DirObject } from '../files/directory.js';
import { ProcFs } from '../fs/procfs.js';
import { now, type Node, type SetAttr, type Time } from '../fs/node.js';
import { permits, requireOwner } from '../fs/perm.js';
import type { Loc } from '../fs/walk.js';
import type { Outcome } from '../wait.js';
import { settled } from './sync-wait.js';
import { file, int, ioFile, path, u32, type Call } from './call.js';

function changeable(node: Node): void {
  const type = node.mode() & S.IFMT;
  if (node.fs.readonly && (type === S.IFREG || type === S.IFDIR || type === S.IFLNK)) fail(Errno.EROFS);
}

function chmodOf(c: Call, node: Node, mode: number): Outcome {
  changeable(node);
  requireOwner(c.who, node);
  node.setattr({ mode: mode & 0o7777 });
  return { result: 0 };
}

const at = (c: Call, dirfd: number, p: string, flags: number, allowed: number): Loc => {
  if (flags & ~allowed) fail(Errno.EINVAL);
  if (p.length === 0 && flags & AT.EMPTY_PATH) return c.v.base(c.p, dirfd, c.who);
  return c.v.resolve(c.p, c.who, dirfd, p, !(flags & AT.SYMLINK_NOFOLLOW));
};

export const chmod = (c: Call) => chmodOf(c, c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), true).node, u32(c, 1));
export const fchmod = (c: Call) => chmodOf(c, ioFile(c, 0).obj.node, u32(c, 1));
export const fchmodat = (c: Call) => chmodOf(c, c.v.resolve(c.p, c.who, int(c, 0), path(c, 0), true).node, u32(c, 2));
export function fchmodat2(c: Call): Outcome {
  const loc = at(c, int(c, 0), path(c, 0), u32(c, 3), AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH);
  if (loc.node.isSymlink()) fail(Errno.EOPNOTSUPP);
  return chmodOf(c, loc.node, u32(c, 2));
}

function chownOf(c: Call, node: Node, uid: number, gid: number): Outcome {
  changeable(node);
  const keepUid = uid === 0xffffffff;
  const keepGid = gid === 0xffffffff;
  if (c.who.uid !== 0 && ((!keepUid && uid !== node.uid()) || (!keepGid && gid !== node.gid() && gid !== c.who.gid) || c.who.uid !== node.uid())) {
    fail(Errno.EPERM);
  }
  const a: SetAttr = {};
  if (!keepUid) a.uid = uid;
  if (!keepGid) a.gid = gid;
  const mode = node.mode();
  if (!node.isDir() && !node.isSymlink()) {
    let kept = mode & ~S.ISUID;
    if (mode & 0o010) kept &= ~S.ISGID;
    if (kept !== mode) a.mode = kept & 0o7777;
  }
  node.setattr(a);
  return { result: 0 };
}

export const chown = (c: Call) => chownOf(c, c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), true).node, u32(c, 1), u32(c, 2));
export const lchown = (c: Call) => chownOf(c, c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), false).node, u32(c, 1), u32(c, 2));
export const fchown = (c: Call) => chownOf(c, ioFile(c, 0).obj.node, u32(c, 1), u32(c, 2));
export const fchownat = (c: Call) =>
  chownOf(c, at(c, int(c, 0), path(c, 0), u32(c, 4), AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH).node, u32(c, 2), u32(c, 3));

/** Set times: null means now. Explicit times need ownership; "now" needs ownership or write permission. */
function touch(c: Call, node: Node, atime: Time | null | undefined, mtime: Time | null | undefined): Outcome {
  changeable(node);
  const explicit = (atime !== null && atime !== undefined) || (mtime !== null && mtime !== undefined);
  if (explicit) requireOwner(c.who, node);
  else if (c.who.uid !== 0 && c.who.uid !== node.uid() && !permits(c.who, node, W_OK)) fail(Errno.EACCES);
  const t = now();
  const a: SetAttr = {};
  if (atime !== undefined) a.atime = atime ?? t;
  if (mtime !== undefined) a.mtime = mtime ?? t;
  node.setattr(a);
  return { result: 0 };
}

/** One struct timespec of utimensat: a time, null (now) or undefined (omit). */
function timespecArg(b: Buffer, at: number): Time | null | undefined {
  const sec = getI64(b, at);
  const nsec = getI64(b, at + 8);
  if (nsec === UTIME_NOW) return null;
  if (nsec === UTIME_OMIT) return undefined;
  if (nsec < 0 || nsec >= 1e9) fail(Errno.EINVAL);
  return { sec, nsec };
}

export function utimensat(c: Call): Outcome {
  const flags = u32(c, 3);
  if (flags & ~(AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH)) fail(Errno.EINVAL);
  // A NULL path (futimens) means the descriptor itself.
  const node = c.args[1] === 0 ? file(c, 0).obj.node : at(c, int(c, 0), path(c, 0), flags, AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH).node;
  const times = c.inputs[1]!;
  if (times.length < 32) return touch(c, node, null, null);
  return touch(c, node, timespecArg(times, 0), timespecArg(times, 16));
}

/** struct timeval[2] (utimes, futimesat); absent: now. */
function timevals(b: Buffer): [Time | null, Time | null] {
  if (b.length < 32) return [null, null];
  const one = (at: number): Time => {
    const usec = getI64(b, at + 8);
    if (usec < 0 || usec >= 1e6) fail(Errno.EINVAL);
    return { sec: getI64(b, at), nsec: usec * 1000 };
  };
  return [one(0), one(16)];
}

export function utimes(c: Call): Outcome {
  const [a, m] = timevals(c.inputs[1]!);
  return touch(c, c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), true).node, a, m);
}

export function futimesat(c: Call): Outcome {
  const [a, m] = timevals(c.inputs[1]!);
  return touch(c, c.v.resolve(c.p, c.who, int(c, 0), path(c, 0), true).node, a, m);
}

/** utime(path, struct utimbuf { actime, modtime }). */
export function utime(c: Call): Outcome {
  const b = c.inputs[1]!;
  const node = c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), true).node;
  if (b.length < 16) return touch(c, node, null, null);
  return touch(c, node, { sec: getI64(b, 0), nsec: 0 }, { sec: getI64(b, 8), nsec: 0 });
}

export function umask(c: Call): Outcome {
  const old = c.p.umask;
  c.p.umask = u32(c, 0) & 0o777;
  c.v.procs.procChanged(c.p);
  return { result: old };
}

function truncateOf(node: Node, size: number): Outcome {
  if (size < 0) fail(Errno.EINVAL);
  if (node.isDir()) fail(Errno.EISDIR);
  if ((node.mode() & S.IFMT) !== S.IFREG) fail(Errno.EINVAL);
  changeable(node);
  node.setattr({ size });
  return { result: 0 };
}

export function truncate(c: Call): Outcome {
  const node = c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), true).node;
  if (!node.isDir() && !permits(c.who, node, W_OK)) fail(Errno.EACCES);
  return truncateOf(node, c.args[1]!);
}

export function ftruncate(c: Call): Outcome {
  const f = ioFile(c, 0);
  if (!f.writable() || f.obj instanceof DirObject) fail(Errno.EINVAL);
  return truncateOf(f.obj.node, c.args[1]!);
}

export function fsync(c: Call): Outcome {
  const f = ioFile(c, 0);
  const type = f.obj.node.mode() & S.IFMT;
  if (type === S.IFIFO || type === S.IFSOCK) fail(Errno.EINVAL);
  return settled([f.obj.sync()], { result: 0 });
}

/** Every filesystem on a device written back. */
export const sync = (c: Call): Outcome => settled(c.v.mounts.all().map((m) => m.fs.sync?.()), { result: 0 });

export function syncfs(c: Call): Outcome {
  const f = file(c, 0);
  return settled([f.obj.node.fs.sync?.()], { result: 0 });
}


export function fadvise64(c: Call): Outcome {
  const f = ioFile(c, 0);
  if ((f.obj.node.mode() & S.IFMT) === S.IFIFO) fail(Errno.ESPIPE);
  const advice = int(c, 3);
  if (advice < 0 || advice > 5) fail(Errno.EINVAL);
  return { result: 0 };
}

export function flock(c: Call): Outcome {
  const f = file(c, 0);
  if (f.flags & O.PATH) fail(Errno.EBADF);
  return { result: 0 };
}

// ---- extended attributes: none are kept ----

const XATTR_NAMESPACE = /^(user|trusted|security|system)\./;

function xattrNode(c: Call, follow: boolean): Node {
  return c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), follow).node;
}

function getxattrOf(node: Node, name: string): Outcome {
  if (!XATTR_NAMESPACE.test(name) || node.fs instanceof ProcFs) fail(Errno.EOPNOTSUPP);
  return fail(Errno.ENODATA);
}

export const getxattr = (c: Call) => getxattrOf(xattrNode(c, true), path(c, 1));
export const lgetxattr = (c: Call) => getxattrOf(xattrNode(c, false), path(c, 1));
export const fgetxattr = (c: Call) => getxattrOf(ioFile(c, 0).obj.node, path(c, 0));

/** The file must exist (ENOENT, EBADF as usual); its list is empty. */
const noList = (_node: Node): Outcome => ({ result: 0, outputs: [Buffer.alloc(0)] });
export const listxattr = (c: Call) => noList(xattrNode(c, true));
export const llistxattr = (c: Call) => noList(xattrNode(c, false));
export const flistxattr = (c: Call) => noList(ioFile(c, 0).obj.node);

function setxattrOf(node: Node, name: string): Outcome {
  if (!XATTR_NAMESPACE.test(name)) fail(Errno.EOPNOTSUPP);
  changeable(node);
  return fail(Errno.EOPNOTSUPP);
}

export const setxattr = (c: Call) => setxattrOf(xattrNode(c, true), path(c, 1));
export const lsetxattr = (c: Call) => setxattrOf(xattrNode(c, false), path(c, 1));
export const fsetxattr = (c: Call) => setxattrOf(ioFile(c, 0).obj.node, path(c, 0));
export const removexattr = (c: Call) => getxattrOf(xattrNode(c, true), path(c, 1));
export const lremovexattr = (c: Call) => getxattrOf(xattrNode(c, false), path(c, 1));
export const fremovexattr = (c: Call) => getxattrOf(ioFile(c, 0).obj.node, path(c, 0));

/** fallocate(fd, mode, offset, len): mode 0 extends the file; FALLOC_FL_KEEP_SIZE changes nothing visible. */
export function fallocate(c: Call): Outcome {
  const f = ioFile(c, 0);
  const mode = int(c, 1);
  const off = c.args[2]!;
  const len = c.args[3]!;
  if (off < 0 || len <= 0) fail(Errno.EINVAL);
  if (!f.writable()) fail(Errno.EBADF);
  const type = f.obj.node.mode() & S.IFMT;
  if (type === S.IFIFO) fail(Errno.ESPIPE);
  if (type === S.IFDIR) fail(Errno.EISDIR);
  if (type !== S.IFREG) fail(Errno.ENODEV);
  if (mode & ~1) fail(Errno.EOPNOTSUPP);
  if (mode === 0 && off + len > f.obj.size()) f.obj.node.setattr({ size: off + len });
  return { result: 0 };
}
