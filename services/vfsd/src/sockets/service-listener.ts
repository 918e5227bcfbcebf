/**
 * A service listening on a guest AF_UNIX socket (vfsd.proto, "Service-side
 * listeners"): uiserver is a process outside the guest, so it has no fd table;
 * vfsd keeps the listening socket and each accepted connection's server end
 * for it, and turns what arrives into events — connections, bytes with the
 * files passed alongside (as handles the service can read), hang-ups. What the
 * service sends is queued for the guest at once: a service never blocks on a
 * guest that does not read.
 */
import { errnoName } from '@rustos/platform';
import { Errno, S } from '../abi.js';
import { Fail, fail } from '../fail.js';
import type { OpenFile } from '../files/open-file.js';
import { PipeEnd } from '../files/pipe.js';
import type { Node, Who } from '../fs/node.js';
import { TmpFile } from '../fs/tmpfs.js';
import type { Loc } from '../fs/walk.js';
import type { Vfs } from '../vfs.js';
import { Blocked } from '../wait.js';
import { pathAddress } from './address.js';
import { bindAt } from './connect.js';
import { SOCK, UnixSocket } from './unix-socket.js';

export type FileKind = 'MEMFD' | 'REGULAR' | 'PIPE' | 'SOCKET' | 'OTHER';

export interface PassedInfo {
  handle: number;
  kind: FileKind;
  size: number;
  path: string;
  seals: number;
  flags: number;
}

export type ListenerEventOut =
  | { listening: { errno: number; path: string } }
  | { accepted: { conn: number; pid: number; uid: number; gid: number } }
  | { data: { conn: number; data: Buffer; fds: PassedInfo[] } }
  | { hangup: number }
  | { error: { conn: number; errno: number; message: string } };

export interface ListenOptions {
  path: string;
  uid: number;
  gid: number;
  mode: number;
  dirMode: number;
  backlog: number;
}

/** Every file passed to a service, by handle: each holds a reference, as an open fd would. */
export class PassedFiles {
  private readonly byHandle = new Map<number, { file: OpenFile; owner: object }>();
  private next = 1;

  constructor(private readonly v: Vfs) {}

  /** Take over the in-flight reference of `file` (it is the handle's now). */
  add(file: OpenFile, owner: object): PassedInfo {
    const handle = this.next++;
    this.byHandle.set(handle, { file, owner });
    return describe(this.v, file, handle);
  }

  get(handle: number): OpenFile {
    return this.byHandle.get(handle)?.file ?? fail(Errno.EBADF);
  }

  release(handle: number): void {
    const h = this.byHandle.get(handle) ?? fail(Errno.EBADF);
    this.byHandle.delete(handle);
    this.v.procs.unref(h.file);
  }

  releaseAll(owner: object): void {
    for (const [handle, h] of this.byHandle) if (h.owner === owner) this.release(handle);
  }

  /** A passed file's bytes now [offset, offset + length), and its size. */
  read(handle: number, offset: number, length: number): { data: Buffer; size: number } {
    const f = this.get(handle);
    if (!f.obj.seekable() || f.obj.node.isDir()) fail(Errno.EINVAL);
    const r = f.obj.read(f, length, offset, performance.now());
    if (r instanceof Blocked) fail(Errno.EAGAIN);
    return { data: r, size: f.obj.size() };
  }
}

function describe(v: Vfs, f: OpenFile, handle: number): PassedInfo {
  const o = f.obj;
  const type = o.node.mode() & S.IFMT;
  const memfd = o instanceof TmpFile && o.node.fs === v.memfd;
  const kind: FileKind = memfd ? 'MEMFD' : type === S.IFREG ? 'REGULAR' : o instanceof PipeEnd ? 'PIPE' : o instanceof UnixSocket ? 'SOCKET' : 'OTHER';
  return {
    handle, kind, size: type === S.IFREG ? o.size() : 0, path: o.describe(f),
    seals: o instanceof TmpFile ? o.node.seals : 0, flags: f.flags,
  };
}

/** How much one `data` event carries at most. */
const CHUNK = 1 << 20;

export class ServiceListener {
  private socket: UnixSocket | undefined;
  private readonly conns = new Map<number, { sock: UnixSocket; hungUp: boolean; scheduled: boolean }>();
  private nextConn = 1;
  private bound: { dir: Loc; name: string; node: Node } | undefined;
  private ended = false;

  constructor(private readonly v: Vfs, private readonly emit: (e: ListenerEventOut) => void) {}

  /** Create the socket file and listen: 0 or the errno (the event is emitted either way). */
  listen(o: ListenOptions): number {
    let errno = 0;
    try {
      this.open(o);
    } catch (err) {
      if (!(err instanceof Fail)) throw err;
      errno = err.errno;
    }
    this.emit({ listening: { errno, path: o.path } });
    return errno;
  }

  private open(o: ListenOptions): void {
    if (!o.path.startsWith('/')) fail(Errno.EINVAL);
    const raw = pathAddress(o.path);
    const who: Who = { pid: 0, uid: o.uid, gid: o.gid };
    const root: Who = { pid: 0, uid: 0, gid: 0 };
    const at = { dir: this.parentsMade(o, who), name: o.path.slice(o.path.lastIndexOf('/') + 1) };
    if (at.name === '' || at.name === '.' || at.name === '..') fail(Errno.EINVAL);
    const old = this.v.walker.child(at.dir, at.name, root);
    if (old) {
      // A socket file nobody listens behind is a leftover (a previous generation's): replace it.
      if ((old.mode() & S.IFMT) !== S.IFSOCK || this.listenerAt(old)) fail(Errno.EADDRINUSE);
      at.dir.node.unlink(at.name);
    }
    if (at.dir.node.fs.readonly) fail(Errno.EROFS);
    const s = new UnixSocket(SOCK.STREAM, { pid: 0, uid: o.uid, gid: o.gid }, this.v.procs);
    bindAt(this.v.sockets, s, at, o.mode || 0o755, who, raw);
    s.listening = true;
    s.maxBacklog = o.backlog || 128;
    s.onConnect = () => queueMicrotask(() => this.acceptAll());
    this.socket = s;
    this.bound = { dir: at.dir, name: at.name, node: at.dir.node.lookup(at.name, root)! };
  }

  private listenerAt(node: Node): boolean {
    try {
      this.v.sockets.byInode(node);
      return true;
    } catch {
      return false;
    }
  }

  /** The socket's directory, created if missing (owned by the service's uid/gid), with missing parents (root's). */
  private parentsMade(o: ListenOptions, who: Who): Loc {
    const root: Who = { pid: 0, uid: 0, gid: 0 };
    let loc = this.v.walker.root();
    const parts = o.path.split('/').filter(Boolean).slice(0, -1);
    for (const [i, name] of parts.entries()) {
      let child = this.v.walker.child(loc, name, root);
      if (!child) {
        if (loc.node.fs.readonly) fail(Errno.EROFS);
        // The socket's own directory is the service's (XDG_RUNTIME_DIR); those above it root's, 0755.
        const own = i === parts.length - 1;
        loc.node.mkdir(name, own ? o.dirMode || 0o700 : 0o755, root);
        child = this.v.walker.child(loc, name, root) ?? fail(Errno.ENOENT);
        if (own) child.setattr({ uid: who.uid, gid: who.gid });
      }
      loc = this.v.walker.resolve(root, loc, name, true);
      if (!loc.node.isDir()) fail(Errno.ENOTDIR);
    }
    return loc;
  }

  private acceptAll(): void {
    const s = this.socket;
    if (!s || this.ended) return;
    for (let server = s.backlog.shift(); server; server = s.backlog.shift()) {
      const conn = this.nextConn++;
      const entry = { sock: server, hungUp: false, scheduled: false };
      this.conns.set(conn, entry);
      const cred = server.peerCred ?? { pid: 0, uid: 0, gid: 0 };
      this.emit({ accepted: { conn, pid: cred.pid, uid: cred.uid, gid: cred.gid } });
      server.readers.watchers.add(() => {
        if (entry.scheduled) return;
        entry.scheduled = true;
        queueMicrotask(() => { entry.scheduled = false; this.pump(conn); });
      });
      this.pump(conn);
    }
    s.room.wake();
  }

  /** Hand on what the guest sent on `conn`: bytes with their files, then a hang-up at the end. */
  private pump(conn: number): void {
    const c = this.conns.get(conn);
    if (!c || c.hungUp || this.ended) return;
    for (;;) {
      const r = c.sock.recv(CHUNK, false);
      if (r instanceof Blocked) return;
      if (r.data.length === 0 && r.files.length === 0) {
        c.hungUp = true;
        this.emit({ hangup: conn });
        return;
      }
      const fds = r.files.map((f) => this.v.passed.add(f, this));
      this.emit({ data: { conn, data: r.data, fds } });
    }
  }

  /** The service's bytes (and files) to the guest end of `conn`. */
  send(conn: number, data: Buffer, handles: number[], newFiles: Buffer[]): void {
    const c = this.conns.get(conn);
    const made: OpenFile[] = [];
    try {
      if (!c) fail(Errno.ENOTCONN);
      const files = handles.map((h) => this.v.passed.get(h));
      for (const bytes of newFiles) made.push(this.memfd(bytes));
      const r = c.sock.send(data, [...files, ...made], c.sock.cred, true);
      if (r instanceof Blocked) fail(Errno.EAGAIN);
    } catch (err) {
      if (!(err instanceof Fail)) throw err;
      this.emit({ error: { conn, errno: err.errno, message: `send on connection ${conn}: ${errnoName(err.errno)}` } });
    } finally {
      // Files made for this send live on in the guest's queue only (or not at all, if it failed).
      for (const f of made) this.v.procs.unref(f);
    }
  }

  /** A new memfd holding `bytes` (a keymap, say), with one reference for the caller. */
  private memfd(bytes: Buffer): OpenFile {
    const node = this.v.memfd.allocate(S.IFREG | 0o600, { pid: 0, uid: 0, gid: 0 });
    node.nlink = 0;
    node.write(bytes, 0);
    const f = this.v.procs.open(2, new TmpFile(node), '/memfd:service (deleted)');
    this.v.procs.ref(f);
    return f;
  }

  close(conn: number): void {
    const c = this.conns.get(conn);
    if (!c) return this.emit({ error: { conn, errno: Errno.ENOTCONN, message: `close: no connection ${conn}` } });
    this.conns.delete(conn);
    c.sock.close();
  }

  /** The stream ended: every connection hangs up, the socket file goes, passed files are released. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const c of this.conns.values()) c.sock.close();
    this.conns.clear();
    this.socket?.close();
    const b = this.bound;
    if (b && this.v.walker.child(b.dir, b.name, { pid: 0, uid: 0, gid: 0 }) === b.node) {
      try { b.dir.node.unlink(b.name); } catch { /* already gone */ }
    }
    this.v.passed.releaseAll(this);
  }
}

