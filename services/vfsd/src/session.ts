/**
 * Sessions: how a program launched by runtimed gets stdin, stdout and stderr.
 * A pipe session is three pipes whose far ends vfsd holds (no terminal, like
 * `docker exec` without -t); a terminal session is a /dev/pts/N with its line
 * discipline. The launcher attaches to a session to feed input and take output;
 * what the guest writes while nobody is attached waits (up to a pipe's or the
 * terminal's backlog, then writers block). Output stays with vfsd until the
 * launcher acknowledges it, and at most WINDOW bytes per stream are out unacknowledged.
 * Sessions are journalled, buffered and unacknowledged bytes included, so a vfsd
 * restart loses nothing but the attachment.
 */
import { Errno, O, SIG } from './abi.js';
import { fail } from './fail.js';
import type { OpenFile } from './files/open-file.js';
import { Pipe, PipeEnd, type Pipes } from './files/pipe.js';
import { json, type Journal } from './journal.js';
import type { Procs } from './procs.js';
import { Tty, type TtyHost, type TtyRecord } from './tty/tty.js';
import type { WinSize } from './tty/termios.js';

export type StreamName = 'STDOUT' | 'STDERR';
const STREAMS: readonly StreamName[] = ['STDOUT', 'STDERR'];

/** Output bytes per stream handed to the launcher and not acknowledged yet, at most. */
export const WINDOW = 256 * 1024;

/** The launcher's end: output bytes at a stream offset, or the end of a stream. */
export type OutputSink = (stream: StreamName, data: Buffer | undefined, offset: number) => void;

interface SessionRecord {
  label: string;
  tty: TtyRecord | null;
  files: number[];
  bound: boolean;
  eofSent: StreamName[];
  pending: string;
  /** Bytes handed to the launcher per stream (absent in records of older generations). */
  sent?: Record<StreamName, number>;
  /** The unacknowledged tail of what was sent, base64 (absent: everything was acknowledged). */
  unacked?: Record<StreamName, string>;
}

export class Session implements TtyHost {
  tty: Tty | undefined;
  /** Pipe sessions: the launcher's ends (stdin's writer, stdout's and stderr's readers). */
  ends: (OpenFile | undefined)[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private client: OutputSink | undefined;
  /** A process was bound: from then on, no writer left means the stream ended. */
  bound = false;
  private readonly eofSent = new Set<StreamName>();
  /** Bytes handed to the launcher per stream: the offset lets the launcher drop repeats. */
  private readonly sent: Record<StreamName, number> = { STDOUT: 0, STDERR: 0 };
  /**
   * The last bytes of `sent` the launcher has not acknowledged, journalled with the
   * buffers they left (one batch): handing a chunk to gRPC is not delivering it, so
   * the next attach (after a restart too) gets them again.
   */
  private readonly unacked: Record<StreamName, Buffer[]> = { STDOUT: [], STDERR: [] };
  private readonly unackedBytes: Record<StreamName, number> = { STDOUT: 0, STDERR: 0 };
  private flushScheduled = false;
  /** After a restore, the ids of `ends` until the descriptions exist again. */
  savedEnds: number[] = [];

  constructor(readonly id: number, readonly label: string, private readonly registry: Sessions) {}

  // ---- TtyHost ----

  output(data: Buffer): void {
    if (!data.length) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    this.schedule();
  }

  backlog(): number {
    return this.pendingBytes;
  }

  discard(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.tty?.writable.wake();
    this.registry.changed(this);
  }

  signal(pgrp: number, signo: number): void {
    this.registry.signal(-pgrp, signo);
  }

  changed(): void {
    this.registry.changed(this);
    this.schedule();
  }

  // ---- the launcher's side ----

  /** The launcher's sink; it first gets again what was not acknowledged, and the ends already sent. */
  attach(sink: OutputSink): () => void {
    this.client = sink;
    for (const stream of STREAMS) {
      const unacked = this.unackedBytes[stream];
      if (unacked) sink(stream, Buffer.concat(this.unacked[stream]), this.sent[stream] - unacked);
      if (this.eofSent.has(stream)) sink(stream, undefined, this.sent[stream]);
    }
    this.schedule();
    return () => {
      if (this.client === sink) this.client = undefined;
    };
  }

  /** The launcher has the first `have` bytes of `stream`: vfsd can forget them. */
  acknowledge(stream: StreamName, have: number): void {
    let drop = Math.min(have, this.sent[stream]) - (this.sent[stream] - this.unackedBytes[stream]);
    if (drop <= 0) return;
    this.unackedBytes[stream] -= drop;
    const q = this.unacked[stream];
    while (drop > 0) {
      if (q[0].length <= drop) drop -= q.shift()!.length;
      else { q[0] = q[0].subarray(drop); drop = 0; }
    }
    this.registry.changed(this);
    this.schedule();
  }

  input(data: Buffer): void {
    if (this.tty) return this.tty.input(data);
    const pipe = this.pipeOf(0);
    if (pipe && pipe.readers > 0 && data.length) pipe.put(data);
  }

  endInput(): void {
    if (this.tty) return this.tty.endInput();
    const stdin = this.ends[0];
    if (stdin) {
      this.ends[0] = undefined;
      this.registry.procs.unref(stdin);
      this.changed();
    }
  }

  resize(w: WinSize): void {
    this.tty?.resize(w);
  }

  pipeOf(i: number): Pipe | undefined {
    const f = this.ends[i];
    return f ? (f.obj as PipeEnd).pipe : undefined;
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Hand the launcher what is waiting (as much as the window allows), and the end of each stream once it came. */
  private flush(): void {
    const sink = this.client;
    if (!sink) return;
    if (this.tty) {
      const room = Math.min(this.pendingBytes, WINDOW - this.unackedBytes.STDOUT);
      if (room > 0) {
        const all = Buffer.concat(this.pending);
        this.pending = room < all.length ? [all.subarray(room)] : [];
        this.pendingBytes -= room;
        this.tty.writable.wake();
        this.send(sink, 'STDOUT', all.subarray(0, room));
      }
      if (this.tty.everOpened && this.tty.opens === 0 && !this.pendingBytes) this.end(sink, 'STDOUT');
      return;
    }
    for (const [i, stream] of [[1, 'STDOUT'], [2, 'STDERR']] as const) {
      const pipe = this.pipeOf(i);
      if (!pipe) continue;
      const room = Math.min(pipe.length, WINDOW - this.unackedBytes[stream]);
      if (room > 0) this.send(sink, stream, pipe.take(room));
      if (this.bound && pipe.writers === 0 && !pipe.length) this.end(sink, stream);
    }
  }

  private send(sink: OutputSink, stream: StreamName, data: Buffer): void {
    const offset = this.sent[stream];
    this.sent[stream] += data.length;
    this.unacked[stream].push(data);
    this.unackedBytes[stream] += data.length;
    this.registry.changed(this);
    sink(stream, data, offset);
  }

  private end(sink: OutputSink, stream: StreamName): void {
    if (this.eofSent.has(stream)) return;
    this.eofSent.add(stream);
    this.registry.changed(this);
    sink(stream, undefined, this.sent[stream]);
  }

  /** Watch the output pipes, so what the guest writes goes straight to an attached launcher. */
  watch(): void {
    for (const i of [1, 2]) this.pipeOf(i)?.readable.watchers.add(() => this.schedule());
  }

  record(): SessionRecord {
    return {
      label: this.label, tty: this.tty?.record() ?? null, files: this.ends.map((f) => f?.id ?? 0), bound: this.bound,
      eofSent: [...this.eofSent], pending: Buffer.concat(this.pending).toString('base64'), sent: { ...this.sent },
      unacked: { STDOUT: Buffer.concat(this.unacked.STDOUT).toString('base64'), STDERR: Buffer.concat(this.unacked.STDERR).toString('base64') },
    };
  }

  restore(r: SessionRecord): void {
    this.bound = r.bound;
    for (const s of r.eofSent) this.eofSent.add(s);
    Object.assign(this.sent, r.sent);
    for (const stream of STREAMS) {
      const tail = Buffer.from(r.unacked?.[stream] ?? '', 'base64');
      if (tail.length) this.unacked[stream].push(tail);
      this.unackedBytes[stream] = tail.length;
    }
    const pending = Buffer.from(r.pending, 'base64');
    if (pending.length) this.output(pending);
  }
}

export class Sessions {
  readonly byId = new Map<number, Session>();
  private nextId = 1;

  constructor(
    readonly procs: Procs,
    private readonly pipes: Pipes,
    private readonly journal: Journal,
    /** Send a signal (syscalld's Kill: pid > 0 a process, < 0 a process group). */
    readonly signal: (pid: number, signo: number) => void,
  ) {}

  get(id: number): Session {
    return this.byId.get(id) ?? fail(Errno.ENOENT);
  }

  create(tty: boolean, size: WinSize | undefined, label: string): Session {
    const s = new Session(this.nextId++, label, this);
    this.journal.touch('sessions', () => json({ nextId: this.nextId }));
    if (tty) {
      s.tty = new Tty(this.freeIndex(), s);
      if (size) s.tty.winsize = size;
    } else {
      const who = { pid: 0, uid: 0, gid: 0 };
      const [stdin, stdout, stderr] = [this.pipes.create(who), this.pipes.create(who), this.pipes.create(who)];
      const ends = [
        this.procs.open(O.WRONLY, new PipeEnd(stdin, 'w'), ''),
        this.procs.open(O.RDONLY, new PipeEnd(stdout, 'r'), ''),
        this.procs.open(O.RDONLY, new PipeEnd(stderr, 'r'), ''),
      ];
      for (const f of ends) this.procs.ref(f);
      s.ends = ends;
      s.watch();
    }
    this.byId.set(s.id, s);
    this.changed(s);
    return s;
  }

  /** Lowest /dev/pts number not in use. */
  private freeIndex(): number {
    const used = new Set([...this.byId.values()].map((s) => s.tty?.index));
    let i = 0;
    while (used.has(i)) i++;
    return i;
  }

  /** fds 0, 1, 2 of `pid` become the session's. */
  bind(id: number, pid: number): void {
    const s = this.get(id);
    const p = this.procs.get(pid);
    if (s.tty) {
      if (s.tty.hungUp) fail(Errno.EIO);
      const f = this.procs.open(O.RDWR | O.LARGEFILE, s.tty, `/dev/pts/${s.tty.index}`);
      for (const fd of [0, 1, 2]) this.procs.place(p.table, fd, f, false);
      p.ctty = s.id;
      this.procs.procChanged(p);
      if (!s.tty.sid) s.tty.sid = pid;
      if (!s.tty.fg) s.tty.fg = pid;
    } else {
      const files = [0, 1, 2].map((i) => {
        const pipe = s.pipeOf(i) ?? fail(Errno.EPIPE);
        return this.procs.open((i === 0 ? O.RDONLY : O.WRONLY), new PipeEnd(pipe, i === 0 ? 'r' : 'w'), `pipe:[${pipe.node.ino}]`);
      });
      for (const [fd, f] of files.entries()) this.procs.place(p.table, fd, f, false);
    }
    s.bound = true;
    this.changed(s);
  }

  close(id: number): void {
    const s = this.get(id);
    this.byId.delete(id);
    // A terminal hung up: its foreground process group gets SIGHUP (tty_vhangup), then SIGCONT in case it was stopped.
    if (s.tty && !s.tty.hungUp && s.tty.opens > 0 && s.tty.fg > 0) {
      this.signal(-s.tty.fg, SIG.HUP);
      this.signal(-s.tty.fg, SIG.CONT);
    }
    s.tty?.hangUp();
    for (const f of s.ends) if (f) this.procs.unref(f);
    s.ends = [];
    this.changed(s);
  }

  /** The terminal at /dev/pts/`index`. */
  tty(index: number): Tty | undefined {
    for (const s of this.byId.values()) if (s.tty?.index === index) return s.tty;
    return undefined;
  }

  ttys(): Tty[] {
    return [...this.byId.values()].flatMap((s) => (s.tty ? [s.tty] : []));
  }

  changed(s: Session): void {
    this.journal.touch(`s/${s.id}`, () => (this.byId.get(s.id) === s ? json(s.record()) : null));
  }

  /** Sessions first (terminals must exist before descriptions refer to them), ends after (claim). */
  restore(entries: Map<string, Buffer>): void {
    const meta = entries.get('sessions');
    if (meta) ({ nextId: this.nextId } = JSON.parse(meta.toString()) as { nextId: number });
    for (const [key, value] of entries) {
      if (!key.startsWith('s/')) continue;
      const r = JSON.parse(value.toString()) as SessionRecord;
      const s = new Session(Number(key.slice(2)), r.label, this);
      if (r.tty) {
        s.tty = new Tty(r.tty.index, s);
        s.tty.restore(r.tty);
      }
      s.restore(r);
      s.savedEnds = r.files;
      this.byId.set(s.id, s);
    }
  }

  /** Once descriptions are restored: each pipe session takes back its ends. */
  claim(): void {
    for (const s of this.byId.values()) {
      s.ends = s.savedEnds.map((id) => {
        const f = this.procs.files.get(id);
        if (f) this.procs.ref(f);
        return f;
      });
      if (!s.tty) s.watch();
    }
  }
}
