/**
 * Path resolution (Linux's path_lookupat): component by component from the root or
 * a starting directory, crossing mounts, following symlinks (always in the middle
 * of a path, at the end when asked or when a trailing slash demands a directory;
 * at most 40, then ELOOP), checking search permission on every directory walked.
 * Symlinks are resolved here, inside the guest tree, never by the host, so an
 * absolute link in the root image points into the guest's root.
 * A location keeps its canonical path: ".." is the path's parent, as Linux's
 * dentry parent is (this tree has no bind mounts that would make them differ).
 */
import { Errno, NAME_MAX, PATH_MAX, SYMLOOP_MAX, X_OK } from '../abi.js';
import { fail } from '../fail.js';
import type { Mounts } from './mounts.js';
import type { Node, Who } from './node.js';
import { permits } from './perm.js';
import { NeedInfo } from '../proc/view.js';

export interface Loc {
  node: Node;
  /** Canonical: absolute, no ".", "..", symlink or repeated slash. */
  path: string;
}

export const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

export function parentPath(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export class Walker {
  constructor(private readonly mounts: Mounts) {}

  root(): Loc {
    return { node: this.mounts.root(), path: '/' };
  }

  /** The entry `name` of directory `dir`: a mount's root when one is mounted there (or waited for). */
  child(dir: Loc, name: string, who: Who): Node | undefined {
    const path = join(dir.path, name);
    const root = this.mounts.at(path);
    if (root) return root;
    const coming = this.mounts.coming(path);
    if (coming) throw new NeedInfo({ what: 'mount', until: coming });
    return dir.node.lookup(name, who);
  }

  /** The node at a canonical path (for ".."), walked again from the root. */
  canonical(path: string, who: Who): Loc {
    let loc = this.root();
    if (path === '/') return loc;
    for (const name of path.slice(1).split('/')) {
      const node = this.child(loc, name, who) ?? fail(Errno.ENOENT);
      loc = { node, path: join(loc.path, name) };
    }
    return loc;
  }

  /** Resolve `path` from `base` (its start when relative). */
  resolve(who: Who, base: Loc, path: string, follow: boolean): Loc {
    if (path.length === 0) fail(Errno.ENOENT);
    if (path.length >= PATH_MAX) fail(Errno.ENAMETOOLONG);
    const mustBeDir = path.endsWith('/');
    let loc = path.startsWith('/') ? this.root() : base;
    let parts = path.split('/').filter((p) => p.length > 0);
    let links = 0;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      if (!loc.node.isDir()) fail(Errno.ENOTDIR);
      if (!permits(who, loc.node, X_OK)) fail(Errno.EACCES);
      if (name === '.') continue;
      if (name === '..') {
        if (loc.path !== '/') loc = this.canonical(parentPath(loc.path), who);
        continue;
      }
      if (name.length > NAME_MAX) fail(Errno.ENAMETOOLONG);
      const node = this.child(loc, name, who) ?? fail(Errno.ENOENT);
      const last = i === parts.length - 1;
      if (node.isSymlink() && (!last || follow || mustBeDir)) {
        if (++links > SYMLOOP_MAX) fail(Errno.ELOOP);
        const magic = node.magic(who);
        const rest = parts.slice(i + 1);
        if (magic) {
          loc = magic;
          parts = rest;
        } else {
          const target = node.readlink(who);
          if (target.length === 0) fail(Errno.ENOENT);
          if (target.startsWith('/')) loc = this.root();
          parts = [...target.split('/').filter((p) => p.length > 0), ...rest];
        }
        i = -1;
        continue;
      }
      loc = { node, path: join(loc.path, name) };
    }
    if (mustBeDir && !loc.node.isDir()) fail(Errno.ENOTDIR);
    return loc;
  }

  /**
   * For calls that create or remove a name: the directory that holds the last
   * component, and the component ("" for the root itself). Trailing slashes are
   * reported, not resolved.
   */
  parent(who: Who, base: Loc, path: string): { dir: Loc; name: string; slash: boolean } {
    if (path.length === 0) fail(Errno.ENOENT);
    if (path.length >= PATH_MAX) fail(Errno.ENAMETOOLONG);
    const trimmed = path.replace(/\/+$/, '');
    const slash = trimmed.length !== path.length;
    if (trimmed.length === 0) return { dir: this.root(), name: '', slash };
    const cut = trimmed.lastIndexOf('/');
    const name = trimmed.slice(cut + 1);
    const dir = cut < 0 ? base : this.resolve(who, base, cut === 0 ? '/' : trimmed.slice(0, cut), true);
    if (!dir.node.isDir()) fail(Errno.ENOTDIR);
    if (name.length > NAME_MAX) fail(Errno.ENAMETOOLONG);
    return { dir, name, slash };
  }
}
