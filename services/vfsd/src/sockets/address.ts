/**
 * sockaddr_un and the names sockets are bound to (net/unix/af_unix.c's
 * unix_mkname, unix_bind, unix_find_other): a filesystem path names a socket
 * inode the bind creates (EADDRINUSE if the name exists); an abstract name
 * (first path byte NUL) lives only in this table. A path is found again by the
 * inode it resolves to, so a renamed or hard-linked socket file still connects.
 */
import { Errno, S } from '../abi.js';
import { fail } from '../fail.js';
import type { Node } from '../fs/node.js';
import { AF_UNIX, type UnixSocket } from './unix-socket.js';

/** sizeof(struct sockaddr_un). */
export const SOCKADDR_UN = 110;

export type Address = { kind: 'path'; path: string; raw: Buffer } | { kind: 'abstract'; key: string; raw: Buffer } | { kind: 'autobind' };

/** Decode a sockaddr_un of `len` bytes (EINVAL when it is not one). */
export function parseAddress(b: Buffer): Address {
  if (b.length < 2 || b.length > SOCKADDR_UN) fail(Errno.EINVAL);
  if (b.readUInt16LE(0) !== AF_UNIX) fail(Errno.EINVAL);
  if (b.length === 2) return { kind: 'autobind' };
  if (b[2] === 0) return { kind: 'abstract', key: b.subarray(3).toString('latin1'), raw: Buffer.from(b) };
  const end = b.indexOf(0, 2);
  const path = b.subarray(2, end < 0 ? b.length : end).toString('utf8');
  return { kind: 'path', path, raw: pathAddress(path) };
}

/** The sockaddr_un of a path, as getsockname answers it: the path and its NUL, whatever length bind was given. */
export function pathAddress(path: string): Buffer {
  const n = Buffer.byteLength(path);
  if (n === 0 || n > SOCKADDR_UN - 2) fail(Errno.EINVAL);
  const raw = Buffer.alloc(2 + Math.min(n + 1, SOCKADDR_UN - 2));
  raw.writeUInt16LE(AF_UNIX, 0);
  raw.write(path, 2, 'utf8');
  return raw;
}

/** Who is bound where: inode identity ("dev:ino") or "@" + abstract name. */
export class SocketNames {
  private readonly bound = new Map<string, UnixSocket>();
  private auto = 0;

  static inodeKey(node: Node): string {
    const st = node.stat();
    return `${st.dev}:${st.ino}`;
  }

  /** Bind `s` under `key` (its sockaddr `raw`). */
  bind(s: UnixSocket, key: string, raw: Buffer): void {
    if (s.name) fail(Errno.EINVAL);
    if (this.bound.has(key)) fail(Errno.EADDRINUSE);
    this.bound.set(key, s);
    s.name = raw;
    s.unbind = () => { if (this.bound.get(key) === s) this.bound.delete(key); };
  }

  /** An abstract name of five hex digits (unix_autobind). */
  autobind(s: UnixSocket): void {
    for (let i = 0; i < 0x100000; i++) {
      const name = ((this.auto++) & 0xfffff).toString(16).padStart(5, '0');
      if (this.bound.has(`@${name}`)) continue;
      const raw = Buffer.alloc(3 + 5);
      raw.writeUInt16LE(AF_UNIX, 0);
      raw.write(name, 3, 'latin1');
      return this.bind(s, `@${name}`, raw);
    }
    fail(Errno.ENOSPC);
  }

  /** The socket bound to a path's inode; ECONNREFUSED when it is not a socket or nobody is bound. */
  byInode(node: Node): UnixSocket {
    if ((node.mode() & S.IFMT) !== S.IFSOCK) fail(Errno.ECONNREFUSED);
    return this.bound.get(SocketNames.inodeKey(node)) ?? fail(Errno.ECONNREFUSED);
  }

  byAbstract(key: string): UnixSocket {
    return this.bound.get(`@${key}`) ?? fail(Errno.ECONNREFUSED);
  }
}
