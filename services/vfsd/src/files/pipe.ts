/**
 * Pipes as Linux implements them (fs/pipe.c): a ring of 16 pages (F_SETPIPE_SZ
 * changes it), full when every slot holds a page however little of it is unread;
 * a small write joins the last page when it fits there, so writes of at most
 * PIPE_BUF bytes are atomic and larger ones may be split; a read returns what is
 * there, end of file once no writer is left; a write with no reader left fails
 * with EPIPE (and SIGPIPE, which the write handler asks the nucleus for). The
 * buffered bytes are journalled: a pipe survives vfsd restarts.
 */
import { Errno, IOCTL, POLL, S } from '../abi.js';
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
  /** Each page: its read offset and its bytes up to the write end. */
  slots: [number, string][];
  fifo?: string;
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

  /** Opened again through /proc/<pid>/fd/N (or /dev/stdin): a new end of the same pipe. */
  override open(flags: number): FileObject {
    const acc = flags & 3;
    return new PipeEnd(this.pipe, acc === 0 ? 'r' : acc === 1 ? 'w' : 'rw');
  }
}

/**
 * One page of a pipe's ring (Linux's struct pipe_buffer): bytes [off, end) of it
 * are unread; a small write may still land after `end` if it fits in the page.
 */
interface Slot {
  page: Buffer;
  off: number;
  end: number;
}

const PAGE_SIZE = 4096;

export class Pipe {
  /** Readers wait here for bytes or end of file. */
  readonly readable = new WaitQueue();
  /** Writers wait here for room, or for the last reader to go. */
  readonly writable = new WaitQueue();
  readonly node: PipeNode;
  /** The ring: a pipe is full when every slot holds a page, however little of it is unread. */
  private slots: Slot[] = [];
  length = 0;
  /** Slots the ring may use (F_SETPIPE_SZ sets it; 16 pages by default). */
  maxSlots = PIPE_DEFAULT / PAGE_SIZE;
  readers = 0;
  writers = 0;
  /** Opens of each end so far: a FIFO opener waits for the other count to move (fifo_open). */
  readOpens = 0;
  writeOpens = 0;
  /** FIFO openers wait here for the other side to open. */
  readonly opens = new WaitQueue();
  /** A FIFO's identity (device:inode of its file); empty for pipe(2). */
  fifo = '';
  /** Called when the last end closed. */
  onGone: (() => void) | undefined;

  constructor(readonly id: number, ino: number, who: Who, private readonly journal: Journal) {
    this.node = new PipeNode(ino, who, this);
  }

  get capacity(): number {
    return this.maxSlots * PAGE_SIZE;
  }

  full(): boolean {
    return this.slots.length >= this.maxSlots;
  }

  /** Up to `n` bytes, across pages, as pipe_read copies them. */
  take(n: number): Buffer {
    const out = Buffer.allocUnsafe(Math.min(n, this.length));
    let at = 0;
    while (at < out.length) {
      const s = this.slots[0]!;
      const k = Math.min(s.end - s.off, out.length - at);
      s.page.copy(out, at, s.off, s.off + k);
      s.off += k;
      at += k;
      if (s.off === s.end) this.slots.shift();
    }
    this.length -= out.length;
    this.node.atime = now();
    this.writable.wake();
    this.changed();
    return out;
  }

  /**
   * Write what fits now, as pipe_write does: the part past the last whole page
   * joins the last page if it fits there, the rest fills fresh pages while slots
   * are free. The count written (0 when full).
   */
  write(data: Buffer, unbounded = false): number {
    let at = 0;
    const chars = data.length & (PAGE_SIZE - 1);
    const last = this.slots[this.slots.length - 1];
    if (chars && last && last.end + chars <= PAGE_SIZE) {
      data.copy(last.page, last.end, 0, chars);
      last.end += chars;
      at = chars;
    }
    while (at < data.length && (unbounded || !this.full())) {
      const k = Math.min(PAGE_SIZE, data.length - at);
      const page = Buffer.allocUnsafe(PAGE_SIZE);
      data.copy(page, 0, at, at + k);
      this.slots.push({ page, off: 0, end: k });
      at += k;
    }
    if (at) {
      this.length += at;
      this.node.mtime = this.node.ctime = now();
      this.readable.wake();
      this.changed();
    }
    return at;
  }

  /** Bytes from outside the guest (a session's input): they all go in, room or not. */
  put(data: Buffer): void {
    this.write(data, true);
  }

  peek(): Buffer {
    return Buffer.concat(this.slots.map((s) => s.page.subarray(s.off, s.end)));
  }

  changed(): void {
    this.journal.touch(`pipe/${this.id}`, () => (this.readers + this.writers > 0 ? json(this.record()) : null));
  }

  record(): PipeRecord {
    const n = this.node;
    return {
      ino: n.ino, capacity: this.capacity, uid: n.uidv, gid: n.gidv, mode: n.modev, fifo: this.fifo,
      times: [n.atime, n.mtime, n.ctime].map((t) => [t.sec, t.nsec]),
      slots: this.slots.map((s) => [s.off, s.page.subarray(0, s.end).toString('base64')]),
    };
  }

  static restore(id: number, r: PipeRecord, journal: Journal): Pipe {
    const p = new Pipe(id, r.ino, { pid: 0, uid: r.uid, gid: r.gid }, journal);
    p.maxSlots = r.capacity / PAGE_SIZE;
    p.fifo = r.fifo ?? '';
    p.node.modev = r.mode;
    [p.node.atime, p.node.mtime, p.node.ctime] = r.times.map(([sec, nsec]) => ({ sec, nsec }));
    for (const [off, data] of r.slots) {
      const page = Buffer.alloc(PAGE_SIZE);
      const bytes = Buffer.from(data, 'base64');
      bytes.copy(page);
      p.slots.push({ page, off, end: bytes.length });
      p.length += bytes.length - off;
    }
    return p;
  }

  /** F_SETPIPE_SZ: a power-of-two number of pages, no fewer than are in use. */
  resize(size: number): number {
    if (size > PIPE_MAX) fail(Errno.EPERM);
    let cap = PAGE_SIZE;
    while (cap < size) cap *= 2;
    if (cap / PAGE_SIZE < this.slots.length) fail(Errno.EBUSY);
    this.maxSlots = cap / PAGE_SIZE;
    this.writable.wake();
    this.changed();
    return cap;
  }
}

/** Which ends an open file description holds: a pipe(2) end is one; a FIFO opened O_RDWR is both. */
export type Ends = 'r' | 'w' | 'rw';

/** One end of a pipe (or both), as an open file description refers to it. */
export class PipeEnd extends FileObject {
  readonly reads: boolean;
  readonly writes: boolean;

  constructor(readonly pipe: Pipe, readonly ends: Ends, private readonly inode?: Node) {
    super();
    this.reads = ends !== 'w';
    this.writes = ends !== 'r';
  }

  /** A FIFO's own inode (fstat shows the file); a pipe's pipefs inode. */
  get node(): Node {
    return this.inode ?? this.pipe.node;
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
    const n = p.write(data);
    return n > 0 ? n : new Blocked([p.writable]);
  }

  override poll(): number {
    const p = this.pipe;
    let ev = 0;
    if (this.reads) {
      if (p.length) ev |= POLL.IN | POLL.RDNORM;
      if (p.writers === 0) ev |= POLL.HUP;
    }
    if (this.writes) {
      if (!p.full()) ev |= POLL.OUT | POLL.WRNORM;
      if (p.readers === 0) ev |= POLL.ERR;
    }
    return ev;
  }

  override queues(): WaitQueue[] {
    return this.ends === 'rw' ? [this.pipe.readable, this.pipe.writable] : [this.writes ? this.pipe.writable : this.pipe.readable];
  }

  override ioctl(_f: OpenFile, req: number): Answer {
    if (req !== IOCTL.FIONREAD) fail(Errno.ENOTTY);
    const b = Buffer.alloc(4);
    b.writeInt32LE(this.pipe.length);
    return { result: 0, outputs: [b] };
  }

  override opened(): void {
    const p = this.pipe;
    if (this.reads) {
      p.readers++;
      p.readOpens++;
    }
    if (this.writes) {
      p.writers++;
      p.writeOpens++;
    }
    p.opens.wake();
    p.changed();
  }

  override released(): void {
    const p = this.pipe;
    if (this.writes && --p.writers === 0) p.readable.wake();
    if (this.reads && --p.readers === 0) p.writable.wake();
    p.changed();
    if (p.readers + p.writers === 0) p.onGone?.();
  }

  override describe(f: OpenFile): string {
    return this.pipe.fifo ? f.path : `pipe:[${this.pipe.node.ino}]`;
  }

  persist(): Persisted {
    return { kind: 'pipe', pipe: this.pipe.id, ends: this.ends };
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

  /** The pipe behind the FIFO file `key` (device:inode), made on its first open. */
  fifo(key: string, who: Who): Pipe {
    for (const p of this.byId.values()) if (p.fifo === key) return p;
    const p = this.create(who);
    p.fifo = key;
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
