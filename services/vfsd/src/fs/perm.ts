/**
 * Unix permission checks (Linux's generic_permission without ACLs): root passes
 * every read and write check and an execute check when any execute bit is set
 * (or on a directory); others get the owner, group or other bits.
 */
import { Errno, S, X_OK } from '../abi.js';
import { fail } from '../fail.js';
import type { Node, Who } from './node.js';

export function permits(who: Who, node: Node, mask: number): boolean {
  const mode = node.mode();
  if (who.uid === 0) return (mask & X_OK) === 0 || (mode & S.IFMT) === S.IFDIR || (mode & 0o111) !== 0;
  const bits = who.uid === node.uid() ? mode >>> 6 : who.gid === node.gid() ? mode >>> 3 : mode;
  return (bits & mask & 7) === (mask & 7);
}

export function require(who: Who, node: Node, mask: number): void {
  if (!permits(who, node, mask)) fail(Errno.EACCES);
}

/** Only the owner (or root) may chmod, utime to a chosen time, and the like. */
export function requireOwner(who: Who, node: Node): void {
  if (who.uid !== 0 && who.uid !== node.uid()) fail(Errno.EPERM);
}

/** In a sticky directory only the entry's owner, the directory's owner or root may remove or rename it. */
export function requireStickyOk(who: Who, dir: Node, victim: Node): void {
  if ((dir.mode() & S.ISVTX) && who.uid !== 0 && who.uid !== victim.uid() && who.uid !== dir.uid()) fail(Errno.EPERM);
}
