/**
 * AF_UNIX sockets as Linux implements them (net/unix/af_unix.c): a connected
 * pair exchanges packets — bytes with the files passed in SCM_RIGHTS and the
 * sender's credentials — through the receiver's queue, bounded by its receive
 * buffer. SOCK_STREAM reads run across packets (stopping after one that carried
 * files, so they arrive with the first byte of their send); SOCK_SEQPACKET and
 * SOCK_DGRAM read one packet per call. A listener keeps a backlog of server-side
 * sockets already connected to their clients; accept takes the oldest.
 *
 * Sockets do not survive a vfsd restart (their peers may be services whose
 * streams break too): a revived description of one is gone, like a closed fd.
 */
import { Errno, POLL, S } from '../abi.js';
import { fail } from '../fail.js';
import { FileObject, type Persisted } from '../files/file-object.js';
import type { OpenFile } from '../files/open-file.js';
import { Node, now, type Fs, type SetAttr, type Stat, type StatfsInfo, type Time, type Who } from '../fs/node.js';
import { Blocked, WaitQueue } from '../wait.js';

export const SOCK = { STREAM: 1, DGRAM: 2, SEQPACKET: 5, NONBLOCK: 0o4000, CLOEXEC: 0o2000000 } as const;
export const AF_UNIX = 1;
/** Linux's default net.core.rmem_default: what a receive queue holds. */
export const SOCK_BUF = 212992;

/** sockfs: where sockets' inodes live (st_dev 0:8, "socket:[ino]"). */
export const SOCKFS: Fs = {
  dev: 0x08, magic: 0x534f434b, type: 'sockfs', source: 'sockfs', readonly: false,
  statfs: (): StatfsInfo => ({ blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 }),
};

let nextIno = 1;

export interface Cred {
  pid: number;
  uid: number;
  gid: number;
}

/** What one send put in the receiver's queue. */
export interface Packet {
  data: Buffer;
  /** Bytes already read (stream sockets read packets piecemeal). */
  off: number;
  /** Descriptions passed with it, each holding a reference until received or dropped. */
  files: OpenFile[];
  cred: Cred;
  /** The sender's address (datagrams), as getsockname would give it. */
  from: Buffer;
}

/** Hooks into the fd tables: passed files hold references like descriptors do. */
export interface FileRefs {
  ref(f: OpenFile): void;
  unref(f: OpenFile): void;
}

/** The socket's inode, for fstat. */
export class SockNode extends Node {
  readonly fs = SOCKFS;
  readonly ino = nextIno++;
  readonly times: Time = now();
  constructor(private readonly who: Who) { super(); }
  mode(): number { return S.IFSOCK | 0o777; }
  override uid(): number { return this.who.uid; }
  override gid(): number { return this.who.gid; }
  stat(): Stat {
    return {
      dev: SOCKFS.dev, ino: this.ino, mode: this.mode(), nlink: 1, uid: this.who.uid, gid: this.who.gid, rdev: 0,
      size: 0, blksize: 4096, blocks: 0, atime: this.times, mtime: this.times, ctime: this.times, btime: null,
    };
  }
  override setattr(_a: SetAttr): void {}
  /** open() of a socket is ENXIO (a socket inode in a directory is a tmpfs node, not this). */
  open(): FileObject { return fail(Errno.ENXIO); }
}

export class UnixSocket extends FileObject {
  readonly node: SockNode;
  /** Readers (and accept) wait here for packets, end of file or connections. */
  readonly readers = new WaitQueue();
  /** Writers to this socket's peer wait here for room in this queue. */
  readonly room = new WaitQueue();
  packets: Packet[] = [];
  queued = 0;
  peer: UnixSocket | undefined;
  /** Ever connected (a stream whose peer went is still "connected": reads see end of file). */
  connected = false;
  listening = false;
  backlog: UnixSocket[] = [];
  maxBacklog = 0;
  /** The address it is bound to (sockaddr_un bytes, family first); undefined: unbound. */
  name: Buffer | undefined;
  /** Unregisters the bound name (the registry's doing). */
  unbind: (() => void) | undefined;
  /** No more bytes will arrive (the peer shut down writing or went). */
  readEnd = false;
  /** This side shut down writing. */
  writeEnd = false;
  /** The peer went away: writes fail with EPIPE. */
  peerGone = false;
  passcred = false;
  error = 0;
  sndbuf = SOCK_BUF;
  rcvbuf = SOCK_BUF;
  /** SO_PEERCRED: who is at the other end (connect/listen/socketpair time). */
  peerCred: Cred | undefined;
  closed = false;
  /** A service's listener is told at once of a new connection (it has no accept to block in). */
  onConnect: (() => void) | undefined;

  constructor(readonly type: number, readonly cred: Cred, readonly files: FileRefs) {
    super();
    this.node = new SockNode(cred);
  }

  /** A connected pair (socketpair, or a connect's two ends). */
  static pair(a: UnixSocket, b: UnixSocket): void {
    a.peer = b;
    b.peer = a;
    a.connected = b.connected = true;
    a.peerCred = b.cred;
    b.peerCred = a.cred;
  }

  stream(): boolean {
    return this.type === SOCK.STREAM;
  }

  override writesEmpty(): boolean {
    return !this.stream();
  }

  // ---- sending ----

  /**
   * Queue `data` (with `files`) for `to`: a count (> 0, or 0 for an empty
   * datagram) or Blocked when its queue has no room. Stream sends take what
   * fits; packets go whole or not at all. `force` ignores the room (a service
   * end, which must never block).
   */
  sendTo(to: UnixSocket, data: Buffer, files: OpenFile[], cred: Cred, force = false): number | Blocked {
    if (to.closed) fail(Errno.ECONNREFUSED); // a datagram socket's destination went away
    if (!this.stream() && data.length > this.sndbuf) fail(Errno.EMSGSIZE);
    const room = to.rcvbuf - to.queued;
    let n = data.length;
    if (!force && room <= 0) return new Blocked([to.room]);
    if (!force && n > room) {
      if (!this.stream()) return new Blocked([to.room]);
      n = room;
    }
    for (const f of files) this.files.ref(f);
    to.packets.push({ data: n === data.length ? Buffer.from(data) : Buffer.from(data.subarray(0, n)), off: 0, files, cred, from: this.name ?? FAMILY_ONLY });
    to.queued += n;
    to.readers.wake();
    return n;
  }

  /** Send on a connected socket. */
  send(data: Buffer, files: OpenFile[], cred: Cred, force = false): number | Blocked {
    if (this.writeEnd) fail(Errno.EPIPE);
    if (!this.peer) {
      if (this.peerGone || (this.connected && this.stream())) fail(Errno.EPIPE);
      fail(this.type === SOCK.DGRAM ? Errno.EDESTADDRREQ : Errno.ENOTCONN);
    }
    if (this.peer.readEnd && this.stream()) fail(Errno.EPIPE);
    return this.sendTo(this.peer, data, files, cred, force);
  }

  // ---- receiving ----

  /**
   * Take up to `n` bytes: a stream reads across packets (collecting their
   * files and stopping after one that had some), a packet socket one packet
   * (`truncated` when it was longer). Blocked when nothing is there yet;
   * an empty result at end of file.
   */
  recv(n: number, peek: boolean): Received | Blocked {
    if (this.packets.length === 0) {
      if (this.listening) fail(Errno.EINVAL);
      if (this.readEnd || this.peerGone) return EMPTY;
      // An unconnected stream socket is EINVAL (unix_stream_recvmsg), a seqpacket one ENOTCONN.
      if (!this.connected && this.type !== SOCK.DGRAM) fail(this.stream() ? Errno.EINVAL : Errno.ENOTCONN);
      return new Blocked([this.readers]);
    }
    const first = this.packets[0]!;
    if (!this.stream()) {
      const data = first.data.subarray(0, n);
      if (!peek) this.drop(1, first.data.length);
      return { data: Buffer.from(data), files: peek ? [] : first.files, cred: first.cred, from: first.from, full: first.data.length, truncated: first.data.length > n };
    }
    const parts: Buffer[] = [];
    const files: OpenFile[] = [];
    let got = 0, i = 0;
    for (; i < this.packets.length && got < n; i++) {
      const p = this.packets[i]!;
      if (i > 0 && (p.cred.pid !== first.cred.pid || p.cred.uid !== first.cred.uid)) break;
      const k = Math.min(n - got, p.data.length - p.off);
      parts.push(p.data.subarray(p.off, p.off + k));
      got += k;
      if (!peek) {
        files.push(...p.files);
        p.files = [];
        p.off += k;
      }
      if (p.off < p.data.length || files.length) { i++; break; }
    }
    const data = Buffer.concat(parts);
    if (!peek) this.consume(got);
    return { data, files, cred: first.cred, from: first.from, full: got, truncated: false };
  }

  /** Drop `count` whole packets worth `bytes` (their files already handed on). */
  private drop(count: number, bytes: number): void {
    this.packets.splice(0, count);
    this.queued -= bytes;
    this.room.wake();
  }

  /** Stream bytes read: packets fully read leave the queue. */
  private consume(bytes: number): void {
    while (this.packets.length && this.packets[0]!.off >= this.packets[0]!.data.length) this.packets.shift();
    this.queued -= bytes;
    this.room.wake();
  }

  // ---- FileObject ----

  override read(_f: OpenFile, n: number): Buffer | Blocked {
    const r = this.recv(n, false);
    if (r instanceof Blocked) return r;
    // read(2) has nowhere to put passed files: they are closed, as Linux does.
    for (const f of r.files) this.files.unref(f);
    return r.data;
  }

  override write(_f: OpenFile, data: Buffer): number | Blocked {
    return this.send(data, [], this.cred);
  }

  override poll(_f: OpenFile): number {
    let ev = 0;
    if (this.listening) return this.backlog.length ? POLL.IN | POLL.RDNORM : 0;
    if (this.packets.length || this.readEnd) ev |= POLL.IN | POLL.RDNORM;
    if (this.readEnd) ev |= POLL.RDHUP;
    if ((this.readEnd && this.writeEnd) || (this.peerGone && this.stream())) ev |= POLL.HUP;
    if (this.error) ev |= POLL.ERR;
    const peer = this.peer;
    // An unconnected datagram socket may always send (somewhere).
    if (this.peerGone && !this.writeEnd) ev |= POLL.OUT | POLL.WRNORM;
    if ((peer && peer.queued < peer.rcvbuf && !this.writeEnd) || (!peer && this.type === SOCK.DGRAM)) ev |= POLL.OUT | POLL.WRNORM;
    return ev;
  }

  override queues(_f: OpenFile) {
    return this.peer ? [this.readers, this.peer.room] : [this.readers];
  }

  override describe(): string {
    return `socket:[${this.node.ino}]`;
  }

  override released(): void {
    this.close();
  }

  /** The last descriptor went: the peer sees end of file and EPIPE, queued files are closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unbind?.();
    const peer = this.peer;
    this.peer = undefined;
    // A datagram socket's default destination does not point back.
    if (peer && peer.peer === this) {
      peer.peer = undefined;
      peer.peerGone = peer.readEnd = true;
      peer.readers.wake();
      peer.room.wake();
    }
    for (const s of this.backlog) s.close();
    this.backlog = [];
    for (const p of this.packets) for (const f of p.files) this.files.unref(f);
    this.packets = [];
    this.queued = 0;
    this.readers.wake();
    this.room.wake();
  }

  /** shutdown(2): SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2. */
  shutdown(how: number): void {
    if (how < 0 || how > 2) fail(Errno.EINVAL);
    if (!this.connected || (!this.peer && !this.peerGone)) fail(Errno.ENOTCONN);
    const peer = this.peer;
    if (how !== 1) this.readEnd = true;
    if (how !== 0) {
      this.writeEnd = true;
      if (peer) peer.readEnd = true;
    }
    if (how !== 1 && peer) peer.writeEnd = true;
    this.readers.wake();
    this.room.wake();
    peer?.readers.wake();
    peer?.room.wake();
  }

  persist(): Persisted {
    return { kind: 'socket' };
  }
}

export interface Received {
  data: Buffer;
  files: OpenFile[];
  cred: Cred;
  from: Buffer;
  /** The packet's whole length (MSG_TRUNC answers it). */
  full: number;
  truncated: boolean;
}

/** An unbound socket's address: the family alone. */
export const FAMILY_ONLY = Buffer.from([AF_UNIX, 0]);
const EMPTY: Received = { data: Buffer.alloc(0), files: [], cred: { pid: 0, uid: 0, gid: 0 }, from: FAMILY_ONLY, full: 0, truncated: false };
