/**
 * Looking at files without opening them: the stat family (stat, lstat, fstat,
 * newfstatat, statx), statfs/fstatfs, readlink(at) and the access checks.
 */
import { AT, Errno, R_OK, S, W_OK, X_OK } from '../abi.js';
import { fail } from '../fail.js';
import type { Node } from '../fs/node.js';
import { permits } from '../fs/perm.js';
import type { Loc } from '../fs/walk.js';
import { encodeStat, encodeStatfs, encodeStatx, mountFlags, STATX, STATX_ATTR_MOUNT_ROOT } from '../structs.js';
import type { Outcome } from '../wait.js';
import { file, int, path, u32, type Call } from './call.js';

/** The node a *at() call with AT_EMPTY_PATH and an empty path means: dirfd's own (or the cwd). */
function target(c: Call, dirfd: number, pathname: string, flags: number, allowed: number): Loc {
  if (flags & ~allowed) fail(Errno.EINVAL);
  if (pathname.length === 0 && flags & AT.EMPTY_PATH) return c.v.base(c.p, dirfd, c.who);
  return c.v.resolve(c.p, c.who, dirfd, pathname, !(flags & AT.SYMLINK_NOFOLLOW));
}

const statOf = (node: Node): Outcome => ({ result: 0, outputs: [encodeStat(node.stat())] });

export const stat = (c: Call) => statOf(c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), true).node);
export const lstat = (c: Call) => statOf(c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), false).node);
export const fstat = (c: Call) => statOf(file(c, 0).obj.node);
export const newfstatat = (c: Call) =>
  statOf(target(c, int(c, 0), path(c, 0), u32(c, 3), AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH | AT.NO_AUTOMOUNT).node);

/** Which statx attributes each filesystem type can report (what Linux sets in stx_attributes_mask). */
function attributesMask(type: string): number {
  if (type === 'ext4') return 0x303874;
  if (type === 'tmpfs' || type === 'devtmpfs') return 0x203070;
  return 0x203000;
}

export function statx(c: Call): Outcome {
  const flags = u32(c, 2);
  if (u32(c, 3) & STATX.RESERVED) fail(Errno.EINVAL);
  if ((flags & AT.STATX_SYNC_TYPE) === AT.STATX_SYNC_TYPE) fail(Errno.EINVAL);
  const loc = target(c, int(c, 0), path(c, 0), flags,
    AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH | AT.NO_AUTOMOUNT | AT.STATX_SYNC_TYPE);
  const node = loc.node;
  const mounts = c.v.mounts.all();
  const index = mounts.findIndex((m) => m.fs === node.fs);
  const mount = mounts[index];
  const isRoot = mount !== undefined && mount.root.ino === node.ino;
  const out = encodeStatx(node.stat(), {
    mntId: index >= 0 ? 20 + index : 15, attributesMask: attributesMask(node.fs.type),
    attributes: isRoot ? STATX_ATTR_MOUNT_ROOT : 0,
  });
  return { result: 0, outputs: [out] };
}

function statfsOf(c: Call, node: Node): Outcome {
  const mount = c.v.mounts.all().find((m) => m.fs === node.fs);
  const flags = mount ? mountFlags(mount.options) : 0x20;
  return { result: 0, outputs: [encodeStatfs(node.fs.magic, node.fs.statfs(), node.fs.dev, flags)] };
}

export const statfs = (c: Call) => statfsOf(c, c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), true).node);
export const fstatfs = (c: Call) => statfsOf(c, file(c, 0).obj.node);

function readlinkOf(c: Call, loc: Loc, size: number): Outcome {
  if (size <= 0) fail(Errno.EINVAL);
  if (!loc.node.isSymlink()) fail(Errno.EINVAL);
  const target = Buffer.from(loc.node.readlink(c.who));
  const out = target.length > size ? target.subarray(0, size) : target;
  return { result: out.length, outputs: [out] };
}

export const readlink = (c: Call) => readlinkOf(c, c.v.resolve(c.p, c.who, AT.FDCWD, path(c, 0), false), int(c, 2));
export const readlinkat = (c: Call) => readlinkOf(c,
  target(c, int(c, 0), path(c, 0), AT.SYMLINK_NOFOLLOW | (path(c, 0).length === 0 ? AT.EMPTY_PATH : 0), AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH), int(c, 3));

function accessOf(c: Call, dirfd: number, pathname: string, mode: number, flags: number): Outcome {
  if (mode & ~(R_OK | W_OK | X_OK)) fail(Errno.EINVAL);
  const loc = target(c, dirfd, pathname, flags, AT.EACCESS | AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH);
  const node = loc.node;
  if (!permits(c.who, node, mode)) fail(Errno.EACCES);
  const type = node.mode() & S.IFMT;
  if (mode & W_OK && node.fs.readonly && (type === S.IFREG || type === S.IFDIR || type === S.IFLNK)) fail(Errno.EROFS);
  return { result: 0 };
}

export const access = (c: Call) => accessOf(c, AT.FDCWD, path(c, 0), int(c, 1), 0);
export const faccessat = (c: Call) => accessOf(c, int(c, 0), path(c, 0), int(c, 2), 0);
export const faccessat2 = (c: Call) => accessOf(c, int(c, 0), path(c, 0), int(c, 2), u32(c, 3));
