/**
 * The socket syscalls, for AF_UNIX (sockets/): socket, socketpair, bind,
 * listen, accept/accept4, connect, sendto, sendmsg, recvfrom, recvmsg with SCM_RIGHTS and
 * SCM_CREDENTIALS, shutdown, get/setsockopt, getsockname/getpeername. A send
 * or receive that cannot proceed waits (EAGAIN with O_NONBLOCK or
 * MSG_DONTWAIT) without holding up anyone else, as pipes do.
 */
import { AT, Errno, O, SIG, W_OK } from '../abi.js';
import { Fail, fail } from '../fail.js';
import type { OpenFile } from '../files/open-file.js';
import { require } from '../fs/perm.js';
import { Blocked, EINTR, Wait, type Answer, type Outcome } from '../wait.js';
import { parseAddress } from '../sockets/address.js';
import { MSG, buildControl, parseControl } from '../sockets/cmsg.js';
import { bindAt, connectDgram, connectStream, target } from '../sockets/connect.js';
import { AF_UNIX, FAMILY_ONLY, SOCK, UnixSocket, type Cred, type Received } from '../sockets/unix-socket.js';
import { creating } from './dirs.js';
import { file, int, int32, type Call } from './call.js';

const SOL_SOCKET = 1;
const SO = { TYPE: 3, ERROR: 4, SNDBUF: 7, RCVBUF: 8, PASSCRED: 16, PEERCRED: 17, ACCEPTCONN: 30, PROTOCOL: 38, DOMAIN: 39 } as const;

/** The socket an fd argument names: EBADF, ENOTSOCK. */
function sock(c: Call, i: number): { f: OpenFile; s: UnixSocket } {
  const f = file(c, i);
  if (!(f.obj instanceof UnixSocket) || f.flags & O.PATH) fail(f.flags & O.PATH ? Errno.EBADF : Errno.ENOTSOCK);
  return { f, s: f.obj };
}

function cred(c: Call): Cred {
  return { pid: c.pid, uid: c.who.uid, gid: c.who.gid };
}

function newSocket(c: Call, type: number): UnixSocket {
  return new UnixSocket(type, cred(c), c.v.procs);
}

/** A description for `s`, installed: its fd. */
function install(c: Call, s: UnixSocket, flags: number): number {
  const f = c.v.procs.open(O.RDWR | (flags & SOCK.NONBLOCK ? O.NONBLOCK : 0), s, `socket:[${s.node.ino}]`);
  return c.v.procs.installNew(c.p, f, (flags & SOCK.CLOEXEC) !== 0);
}

function checkType(domain: number, type: number, protocol: number): number {
  if (domain !== AF_UNIX) fail(Errno.EAFNOSUPPORT);
  const base = type & 0xf;
  if (type & ~(0xf | SOCK.NONBLOCK | SOCK.CLOEXEC)) fail(Errno.EINVAL);
  if (base !== SOCK.STREAM && base !== SOCK.DGRAM && base !== SOCK.SEQPACKET) fail(Errno.ESOCKTNOSUPPORT);
  if (protocol !== 0 && protocol !== AF_UNIX) fail(Errno.EPROTONOSUPPORT);
  return base;
}

export function socket(c: Call): Outcome {
  const base = checkType(int(c, 0), int(c, 1), int(c, 2));
  return { result: install(c, newSocket(c, base), int(c, 1)) };
}

export function socketpair(c: Call): Outcome {
  const base = checkType(int(c, 0), int(c, 1), int(c, 2));
  const a = newSocket(c, base), b = newSocket(c, base);
  UnixSocket.pair(a, b);
  const fa = install(c, a, int(c, 1));
  let fb: number;
  try {
    fb = install(c, b, int(c, 1));
  } catch (err) {
    c.v.procs.close(c.p, fa);
    throw err;
  }
  const out = Buffer.alloc(8);
  out.writeInt32LE(fa, 0);
  out.writeInt32LE(fb, 4);
  return { result: 0, outputs: [out] };
}

export function bind(c: Call): Outcome {
  const { s } = sock(c, 0);
  const addr = parseAddress(c.inputs[0]!);
  // A path taken is EADDRINUSE even for a bound socket (unix_bind_bsd makes the inode first).
  if (s.name && addr.kind !== 'path') fail(Errno.EINVAL);
  const names = c.v.sockets;
  if (addr.kind === 'autobind') names.autobind(s);
  else if (addr.kind === 'abstract') names.bind(s, `@${addr.key}`, addr.raw);
  else {
    let at;
    try {
      at = creating(c, AT.FDCWD, addr.path);
    } catch (err) {
      throw err instanceof Fail && err.errno === Errno.EEXIST ? new Fail(Errno.EADDRINUSE) : err;
    }
    bindAt(names, s, at, 0o777 & ~c.p.umask, c.who, addr.raw);
  }
  return { result: 0 };
}

export function listen(c: Call): Outcome {
  const { s } = sock(c, 0);
  if (s.type === SOCK.DGRAM) fail(Errno.EOPNOTSUPP);
  if (!s.name || s.connected) fail(Errno.EINVAL);
  s.listening = true;
  s.maxBacklog = Math.max(0, Math.min(int(c, 1), 4096));
  s.room.wake();
  return { result: 0 };
}

/** A path's socket, as connect finds it: search and write permission needed. */
function byPath(c: Call) {
  return (path: string) => {
    const loc = c.v.resolve(c.p, c.who, AT.FDCWD, path, true);
    require(c.who, loc.node, W_OK);
    return loc.node;
  };
}

export function connect(c: Call): Outcome {
  const { f, s } = sock(c, 0);
  const addr = parseAddress(c.inputs[0]!);
  const to = target(c.v.sockets, addr, byPath(c));
  if (s.type === SOCK.DGRAM) {
    connectDgram(s, to);
    return { result: 0 };
  }
  const step = (): Outcome => {
    if (connectStream(s, to)) return { result: 0 };
    if (f.nonblocking()) fail(Errno.EAGAIN);
    return new Wait([to.room], () => attemptStep(step));
  };
  return step();
}

/** A retried step whose Fail must become its answer (the first try's Fail is the handler's). */
function attemptStep(step: () => Outcome): Outcome {
  try {
    return step();
  } catch (err) {
    if (err instanceof Fail) return { result: -err.errno };
    throw err;
  }
}

/** struct sockaddr of `name`, cut to the caller's *addrlen (input `k`), and the full length. */
function addrOut(c: Call, k: number, name: Buffer): Buffer[] {
  const lenIn = c.inputs[k];
  if (!lenIn || lenIn.length < 4) return [Buffer.alloc(0), Buffer.alloc(0)];
  const cap = lenIn.readInt32LE(0);
  if (cap < 0) fail(Errno.EINVAL);
  return [name.subarray(0, cap), int32(name.length)];
}

function acceptOf(c: Call, flags: number): Outcome {
  if (flags & ~(SOCK.NONBLOCK | SOCK.CLOEXEC)) fail(Errno.EINVAL);
  const { f, s } = sock(c, 0);
  if (!s.listening) fail(Errno.EINVAL);
  if (c.inputs[0]?.length && c.inputs[0].readInt32LE(0) < 0) fail(Errno.EINVAL);
  const step = (): Outcome => {
    const server = s.backlog.shift();
    if (!server) {
      if (s.closed) fail(Errno.EINVAL);
      if (f.nonblocking()) fail(Errno.EAGAIN);
      return new Wait([s.readers], () => attemptStep(step));
    }
    s.room.wake();
    const fd = install(c, server, flags);
    return { result: fd, outputs: addrOut(c, 0, server.peer?.name ?? FAMILY_ONLY) };
  };
  return step();
}

export const accept = (c: Call) => acceptOf(c, 0);
export const accept4 = (c: Call) => acceptOf(c, int(c, 3));

/** Send `data` and `files` on `s` (to `to`, for an addressed datagram), blocking as a write does. */
function sendOn(c: Call, f: OpenFile, s: UnixSocket, data: Buffer, files: OpenFile[], from: Cred, flags: number, to?: UnixSocket): Outcome {
  if (flags & MSG.OOB) fail(Errno.EOPNOTSUPP);
  if (s.stream() && data.length === 0) return { result: 0 };
  const nonblock = f.nonblocking() || (flags & MSG.DONTWAIT) !== 0;
  let done = 0;
  let pending = files;
  const step = (): Outcome => {
    for (;;) {
      let r: number | Blocked;
      try {
        r = to ? s.sendTo(to, data, pending, from) : s.send(done ? data.subarray(done) : data, pending, from);
      } catch (err) {
        if (!(err instanceof Fail)) throw err;
        if (done > 0) return { result: done };
        if (err.errno === Errno.EPIPE && !(flags & MSG.NOSIGNAL)) return { result: -Errno.EPIPE, context: { 'signal.self': String(SIG.PIPE) } };
        return { result: -err.errno };
      }
      if (r instanceof Blocked) {
        if (nonblock) return done > 0 ? { result: done } : { result: -Errno.EAGAIN };
        return new Wait(r.queues, step, () => (done > 0 ? { result: done } : EINTR));
      }
      done += r;
      pending = [];
      if (done >= data.length || !s.stream()) return { result: done };
    }
  };
  return step();
}

/** The files fds name in the sender's table (EBADF if one is not open). */
function passed(c: Call, fds: number[]): OpenFile[] {
  return fds.map((fd) => {
    const f = c.v.procs.file(c.p, fd);
    if (f.flags & O.PATH) fail(Errno.EBADF);
    return f;
  });
}

/** An addressed send: datagram sockets only, else EISCONN/EOPNOTSUPP. */
function destination(c: Call, s: UnixSocket, raw: Buffer | undefined): UnixSocket | undefined {
  if (!raw || raw.length === 0) return undefined;
  if (s.type !== SOCK.DGRAM) fail(s.connected ? Errno.EISCONN : Errno.EOPNOTSUPP);
  return target(c.v.sockets, parseAddress(raw), byPath(c));
}

export function sendto(c: Call): Outcome {
  const { f, s } = sock(c, 0);
  const to = destination(c, s, c.inputs[1]);
  return sendOn(c, f, s, c.inputs[0]!, [], cred(c), int(c, 3), to);
}

/** The 16-byte header the ABI table puts before a msghdr's bytes (spec.ts, kind 'msghdr'). */
function msgHeader(b: Buffer): { name: number; control: number; data: number } {
  if (b.length < 16) fail(Errno.EFAULT);
  return { name: b.readUInt32LE(0), control: b.readUInt32LE(4), data: b.readUInt32LE(8) };
}

export function sendmsg(c: Call): Outcome {
  const { f, s } = sock(c, 0);
  const m = c.inputs[0]!;
  const h = msgHeader(m);
  const name = m.subarray(16, 16 + h.name);
  const control = m.subarray(16 + h.name, 16 + h.name + h.control);
  const data = m.subarray(16 + h.name + h.control);
  const ctl = parseControl(control, cred(c));
  const files = passed(c, ctl.fds);
  const to = destination(c, s, name);
  return sendOn(c, f, s, data, files, ctl.cred ?? cred(c), int(c, 2), to);
}

/** Receive on `s`, blocking as a read does, and `finish` with what came. */
function recvOn(c: Call, f: OpenFile, s: UnixSocket, n: number, flags: number, finish: (r: Received) => Answer): Outcome {
  if (flags & MSG.OOB) fail(Errno.EOPNOTSUPP);
  const nonblock = f.nonblocking() || (flags & MSG.DONTWAIT) !== 0;
  const step = (): Outcome => {
    let r: Received | Blocked;
    try {
      r = s.recv(n, (flags & MSG.PEEK) !== 0);
    } catch (err) {
      if (err instanceof Fail) return { result: -err.errno };
      throw err;
    }
    if (r instanceof Blocked) {
      if (nonblock) return { result: -Errno.EAGAIN };
      return new Wait(r.queues, step);
    }
    return finish(r);
  };
  return step();
}

function resultLength(r: Received, flags: number, s: UnixSocket): number {
  return flags & MSG.TRUNC && !s.stream() ? r.full : r.data.length;
}

export function recvfrom(c: Call): Outcome {
  const { f, s } = sock(c, 0);
  const n = Math.max(0, Math.min(c.args[2]!, 0x7ffff000));
  const flags = int(c, 3);
  return recvOn(c, f, s, n, flags, (r) => {
    for (const g of r.files) c.v.procs.unref(g);
    return { result: resultLength(r, flags, s), outputs: [r.data, ...addrOut(c, 0, r.from)] };
  });
}

export function recvmsg(c: Call): Outcome {
  const { f, s } = sock(c, 0);
  const h = msgHeader(c.inputs[0]!);
  const flags = int(c, 2);
  return recvOn(c, f, s, h.data, flags, (r) => {
    const cloexec = (flags & MSG.CMSG_CLOEXEC) !== 0;
    const ctl = buildControl(h.control, s.passcred && r.data.length + r.files.length > 0 ? r.cred : undefined, r.files.length,
      (i) => c.v.procs.install(c.p, r.files[i]!, cloexec));
    // The in-flight references end: installed files are held by their new descriptors, the rest close.
    for (const g of r.files) c.v.procs.unref(g);
    const name = s.type === SOCK.DGRAM ? r.from : s.peer?.name ?? FAMILY_ONLY;
    const nameOut = h.name ? name.subarray(0, h.name) : Buffer.alloc(0);
    const msgFlags = ctl.flags | (r.truncated ? MSG.TRUNC : 0);
    const head = Buffer.alloc(16);
    head.writeUInt32LE(h.name ? name.length : 0, 0);
    head.writeUInt32LE(ctl.bytes.length, 4);
    head.writeUInt32LE(r.data.length, 8);
    head.writeUInt32LE(msgFlags, 12);
    return { result: resultLength(r, flags, s), outputs: [Buffer.concat([head, nameOut, ctl.bytes, r.data])] };
  });
}

export function shutdown(c: Call): Outcome {
  sock(c, 0).s.shutdown(int(c, 1));
  return { result: 0 };
}

export function getsockname(c: Call): Outcome {
  const { s } = sock(c, 0);
  return { result: 0, outputs: addrOut(c, 0, s.name ?? FAMILY_ONLY) };
}

export function getpeername(c: Call): Outcome {
  const { s } = sock(c, 0);
  if (!s.peer) fail(Errno.ENOTCONN);
  return { result: 0, outputs: addrOut(c, 0, s.peer.name ?? FAMILY_ONLY) };
}

export function getsockopt(c: Call): Outcome {
  const { s } = sock(c, 0);
  const level = int(c, 1), name = int(c, 2);
  const cap = c.inputs[0]!.readInt32LE(0);
  if (cap < 0) fail(Errno.EINVAL);
  if (level !== SOL_SOCKET) fail(Errno.EOPNOTSUPP);
  let value: Buffer;
  switch (name) {
    case SO.TYPE: value = int32(s.type); break;
    case SO.ERROR: value = int32(s.error); s.error = 0; break;
    case SO.SNDBUF: value = int32(s.sndbuf); break;
    case SO.RCVBUF: value = int32(s.rcvbuf); break;
    case SO.PASSCRED: value = int32(s.passcred ? 1 : 0); break;
    case SO.ACCEPTCONN: value = int32(s.listening ? 1 : 0); break;
    case SO.PROTOCOL: value = int32(0); break;
    case SO.DOMAIN: value = int32(AF_UNIX); break;
    case SO.PEERCRED: {
      // No peer: pid 0 and the overflow ids, as cred_to_ucred gives for a missing cred.
      const p = s.peerCred ?? { pid: 0, uid: 65534, gid: 65534 };
      value = Buffer.alloc(12);
      value.writeInt32LE(p.pid, 0); value.writeUInt32LE(p.uid, 4); value.writeUInt32LE(p.gid, 8);
      break;
    }
    default: fail(Errno.ENOPROTOOPT);
  }
  const out = value.subarray(0, Math.min(cap, value.length));
  return { result: 0, outputs: [out, int32(out.length)] };
}

/**
 * setsockopt: SO_PASSCRED turns credentials on for recvmsg; buffer sizes are
 * recorded (doubled, as Linux reports them) but queues keep their default
 * bound; other SOL_SOCKET options (SO_REUSEADDR, SO_KEEPALIVE, timeouts...)
 * are accepted and have no effect on AF_UNIX here.
 */
export function setsockopt(c: Call): Outcome {
  const { s } = sock(c, 0);
  const level = int(c, 1), name = int(c, 2), len = int(c, 4);
  if (len < 0) fail(Errno.EINVAL);
  if (level !== SOL_SOCKET) fail(Errno.EOPNOTSUPP);
  const v = c.inputs[0]!;
  const intValue = () => (v.length >= 4 ? v.readInt32LE(0) : fail(Errno.EINVAL));
  switch (name) {
    case SO.PASSCRED: s.passcred = intValue() !== 0; break;
    case SO.SNDBUF: s.sndbuf = Math.max(4608, Math.min(2 * intValue(), 2 * SOCK_MAX)); break;
    case SO.RCVBUF: intValue(); break;
    case SO.TYPE: case SO.ERROR: case SO.PEERCRED: case SO.ACCEPTCONN: case SO.PROTOCOL: case SO.DOMAIN: fail(Errno.ENOPROTOOPT);
  }
  return { result: 0 };
}

const SOCK_MAX = 212992;
