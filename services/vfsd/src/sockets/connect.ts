/**
 * Naming and connecting, shared by the guest's syscalls and the service-side
 * listener: bind a socket to a path (creating the socket inode) or an
 * abstract name, and connect a socket to a listener (a new server-side socket
 * joins its backlog, already paired with the client).
 */
import { Errno, S } from '../abi.js';
import { fail } from '../fail.js';
import type { Node, Who } from '../fs/node.js';
import type { Loc } from '../fs/walk.js';
import { SocketNames, type Address } from './address.js';
import { SOCK, UnixSocket } from './unix-socket.js';

/** Create the socket inode `name` in `dir` (the caller checked it may) and bind `s` to it. */
export function bindAt(names: SocketNames, s: UnixSocket, at: { dir: Loc; name: string }, mode: number, who: Who, raw: Buffer): void {
  if (s.name) fail(Errno.EINVAL);
  at.dir.node.mknod(at.name, S.IFSOCK | (mode & 0o7777), 0, who);
  const node: Node = at.dir.node.lookup(at.name, who) ?? fail(Errno.ENOENT);
  names.bind(s, SocketNames.inodeKey(node), raw);
}

/** The listener (or datagram socket) an address names. */
export function target(names: SocketNames, addr: Address, byPath: (path: string) => Node): UnixSocket {
  if (addr.kind === 'autobind') fail(Errno.EINVAL);
  return addr.kind === 'abstract' ? names.byAbstract(addr.key) : names.byInode(byPath(addr.path));
}

/**
 * Connect stream/seqpacket `s` to listener `to`; false while its backlog is
 * full (the caller answers EAGAIN or waits on the listener's `room`).
 */
export function connectStream(s: UnixSocket, to: UnixSocket): boolean {
  if (s.connected) fail(Errno.EISCONN);
  if (s.listening) fail(Errno.EINVAL);
  if (to.type !== s.type) fail(Errno.EPROTOTYPE);
  if (!to.listening || to.closed) fail(Errno.ECONNREFUSED);
  if (to.backlog.length > to.maxBacklog) return false;
  const server = new UnixSocket(s.type, to.cred, to.files);
  server.name = to.name;
  UnixSocket.pair(s, server);
  to.backlog.push(server);
  to.readers.wake();
  to.onConnect?.();
  return true;
}

/** connect(2) on a datagram socket: its default destination. */
export function connectDgram(s: UnixSocket, to: UnixSocket): void {
  if (to.type !== SOCK.DGRAM) fail(Errno.EPROTOTYPE);
  s.peer = to;
  s.connected = true;
  s.peerCred = to.cred;
}
