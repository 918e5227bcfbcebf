/**
 * Pipes as Linux's pipe(7) describes them: a 64 KiB buffer (F_SETPIPE_SZ changes
 * it), writes of at most PIPE_BUF bytes are atomic, larger ones may be split;
 * a read returns what is there, end of file once no writer is left; a write with
 * no reader left fails with EPIPE (and SIGPIPE, which the write handler asks the
 * nucleus for). The buffered bytes are journalled: a pipe survives vfsd restarts.
 */
import { Errno, IOCTL, PIPE_BUF, POLL, S } from '../abi.js';
import { fail } from '../fail.js';
import { json, type Journal } from '../journal.js';
import { Node, type Fs, type SetAttr, type Stat, type StatfsInfo, type Time, type Who, now } from '../fs/node.js';
import { Blocked, WaitQueue, type Answer } from '../wait.js';
import { FileObject, type Persisted } from './file-object.js';
import type { OpenFile } from './open-file.js';

export const PIPEFS_MAGIC = 0x50495045;
export const PIPE_DEFAULT = 16 * 4096;
export const PIPE_MAX = 1024 * 1024;

/** pipefs: where pipes' inodes live (st_dev, "pipe:[ino]"). */
export const PIPEFS: Fs = {
  dev: 0x0c, magic: PIPEFS_MAGIC, type: 'pipefs', source: 'pipefs', readonly: false,
  statfs: (): StatfsInfo => ({ blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 }),
};

export interface PipeRecord {
  ino: number;
  capacity: number;
  uid: number;
  gid: number;
  mode: number;
  times: [number, number][];
  data: string;
}

/** The pipe's inode, for fstat and fchmod. */
export class PipeNode extends Node {
  readonly fs = PIPEFS;
  modev = S.IFIFO | 0o600;
  uidv: number;
  gidv: number;
  atime: Time;
  mtime: Time;
  ctime: Time;

  constructor(readonly ino: number, who: Who, private readonly pipe: Pipe) {
    super();
    this.uidv = who.uid;
    this.gidv = who.gid;
    this.atime = this.mtime = this.ctime = now();
  }

  mode(): number { return this.modev; }
  override uid(): number { return this.uidv; }
  override gid(): number { return this.gidv; }

  stat(): Stat {
    return {
      dev: PIPEFS.dev, ino: this.ino, mode: this.modev, nlink: 1, uid: this.uidv, gid: this.gidv, rdev: 0,
      size: 0, blksize: 4096, blocks: 0, atime: this.atime, mtime: this.mtime, ctime: this.ctime, btime: null,
    };
  }

  override setattr(a: SetAttr): void {
    if (a.mode !== undefined) this.modev = S.IFIFO | (a.mode & 0o7777);
    if (a.uid !== undefined) this.uidv = a.uid;
    if (a.gid !== undefined) this.gidv = a.gid;
    if (a.atime) this.atime = a.atime;
    if (a.mtime) this.mtime = a.mtime;
    if (a.size !== undefined) fail(Errno.EINVAL);
    this.ctime = now();
    this.pipe.changed();
  }

  override open(): FileObject {
    return fail(Errno.ENXIO);
  }
}

export class Pipe {
  /** Readers wait here for bytes or end of file. */
  readonly readable = new WaitQueue();
  /** Writers wait here for room, or for the last reader to go. */
  readonly writable = new WaitQueue();
  readonly node: PipeNode;
  private chunks: Buffer[] = [];
  length = 0;
  capacity = PIPE_DEFAULT;
  readers = 0;
  writers = 0;
  /** Called when the last end closed. */
  onGone: (() => void) | undefined;

  constructor(readonly id: number, ino: number, who: Who, private readonly journal: Journal) {
    this.node = new PipeNode(ino, who, this);
  }

  take(n: number): Buffer {
    let out: Buffer;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      out = Buffer.from(first.subarray(0, n));
      if (first.length === n) this.chunks.shift(); else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(Math.min(n, this.length));
      let at = 0;
      while (at < out.length) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, out.length - at);
        c.copy(out, at, 0, k);
        at += k;
        if (k === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(k);
      }
    }
    this.length -= out.length;
    this.node.atime = now();
    this.writable.wake();
    this.changed();
    return out;
  }

  put(data: Buffer): void {
    this.chunks.push(Buffer.from(data));
    this.length += data.length;
    this.node.mtime = this.node.ctime = now();
    this.readable.wake();
    this.changed();
  }

  room(): number {
    return this.capacity - this.length;
  }

  peek(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }

  changed(): void {
    this.journal.touch(`pipe/${this.id}`, () => (this.readers + this.writers > 0 ? json(this.record()) : null));
  }

  record(): PipeRecord {
    const n = this.node;
    return {
      ino: n.ino, capacity: this.capacity, uid: n.uidv, gid: n.gidv, mode: n.modev,
      times: [n.atime, n.mtime, n.ctime].map((t) => [t.sec, t.nsec]), data: this.peek().toString('base64'),
    };
  }

  static restore(id: number, r: PipeRecord, journal: Journal): Pipe {
    const p = new Pipe(id, r.ino, { pid: 0, uid: r.uid, gid: r.gid }, journal);
    p.capacity = r.capacity;
    p.node.modev = r.mode;
    [p.node.atime, p.node.mtime, p.node.ctime] = r.times.map(([sec, nsec]) => ({ sec, nsec }));
    const data = Buffer.from(r.data, 'base64');
    if (data.length) p.chunks.push(data);
    p.length = data.length;
    return p;
  }

  /** F_SETPIPE_SZ: a power-of-two number of pages, not below what is buffered. */
  resize(size: number): number {
    if (size > PIPE_MAX) fail(Errno.EPERM);
    let cap = 4096;
    while (cap < size) cap *= 2;
    if (cap < this.length) fail(Errno.EBUSY);
    this.capacity = cap;
    this.writable.wake();
    this.changed();
    return cap;
  }
}

/** One end of a pipe, as an open file description refers to it. */
export class PipeEnd extends FileObject {
  constructor(readonly pipe: Pipe, readonly writer: boolean) {
    super();
  }

  get node(): PipeNode {
    return this.pipe.node;
  }

  override read(_f: OpenFile, n: number): Buffer | Blocked {
    const p = this.pipe;
    if (p.length) return p.take(n);
    if (p.writers === 0 || n === 0) return Buffer.alloc(0);
    return new Blocked([p.readable]);
  }

  override write(_f: OpenFile, data: Buffer): number | Blocked {
    const p = this.pipe;
    if (p.readers === 0) fail(Errno.EPIPE);
    const room = p.room();
    // Up to PIPE_BUF bytes go in whole or not at all; more may go in parts.
    if (data.length <= PIPE_BUF ? room < data.length : room === 0) return new Blocked([p.writable]);
    const n = Math.min(room, data.length);
    p.put(n === data.length ? data : data.subarray(0, n));
    return n;
  }

  override poll(): number {
    const p = this.pipe;
    if (this.writer) {
      if (p.readers === 0) return POLL.ERR;
      return p.room() >= PIPE_BUF ? POLL.OUT | POLL.WRNORM : 0;
    }
    let ev = p.length ? POLL.IN | POLL.RDNORM : 0;
    if (p.writers === 0) ev |= POLL.HUP;
    return ev;
  }

  override queues(): WaitQueue[] {
    return [this.writer ? this.pipe.writable : this.pipe.readable];
  }

  override ioctl(_f: OpenFile, req: number): Answer {
    if (req !== IOCTL.FIONREAD) fail(Errno.ENOTTY);
    const b = Buffer.alloc(4);
    b.writeInt32LE(this.pipe.length);
    return { result: 0, outputs: [b] };
  }

  override opened(): void {
    if (this.writer) this.pipe.writers++; else this.pipe.readers++;
    this.pipe.changed();
  }

  override released(): void {
    const p = this.pipe;
    if (this.writer) {
      if (--p.writers === 0) p.readable.wake();
    } else if (--p.readers === 0) {
      p.writable.wake();
    }
    p.changed();
    if (p.readers + p.writers === 0) p.onGone?.();
  }

  override describe(): string {
    return `pipe:[${this.pipe.node.ino}]`;
  }

  persist(): Persisted {
    return { kind: 'pipe', pipe: this.pipe.id, writer: this.writer };
  }
}

/** Every live pipe, by id (descriptions refer to pipes by id in the journal). */
export class Pipes {
  readonly byId = new Map<number, Pipe>();
  private nextId = 1;
  /** pipefs inode numbers, as "pipe:[N]" shows them. */
  private nextIno = 4000;

  constructor(private readonly journal: Journal) {}

  create(who: Who): Pipe {
    const p = new Pipe(this.nextId++, this.nextIno++, who, this.journal);
    this.adopt(p);
    this.journal.touch('pipes', () => json({ nextId: this.nextId, nextIno: this.nextIno }));
    return p;
  }

  private adopt(p: Pipe): void {
    this.byId.set(p.id, p);
    p.onGone = () => this.byId.delete(p.id);
  }

  /** After restore: pipes no description refers to any more are gone. */
  sweep(): void {
    for (const p of [...this.byId.values()]) {
      if (p.readers + p.writers === 0) {
        this.byId.delete(p.id);
        p.changed();
      }
    }
  }

  restore(entries: Map<string, Buffer>): void {
    const meta = entries.get('pipes');
    if (meta) ({ nextId: this.nextId, nextIno: this.nextIno } = JSON.parse(meta.toString()) as { nextId: number; nextIno: number });
    for (const [key, value] of entries) {
      if (!key.startsWith('pipe/')) continue;
      const id = Number(key.slice(5));
      this.adopt(Pipe.restore(id, JSON.parse(value.toString()) as PipeRecord, this.journal));
    }
  }
}
