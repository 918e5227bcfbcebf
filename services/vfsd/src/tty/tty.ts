/**
 * A terminal and its line discipline (Linux's n_tty, the parts programs notice):
 * input mapping (ICRNL, INLCR, IGNCR, ISTRIP), signal characters (ISIG: VINTR,
 * VQUIT, VSUSP signal the foreground process group), canonical editing (ICANON:
 * VERASE, VKILL, VWERASE, VLNEXT, VEOF, line delimiters; a read returns at most
 * one line), raw reads by VMIN/VTIME, echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL,
 * ECHOCTL), output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET), the window
 * size and the foreground process group. The other side — the launcher's
 * terminal — is the session (session.ts), reached through `host`.
 */
import { Errno, IOCTL, POLL, S, SIG, makedev } from '../abi.js';
import { fail } from '../fail.js';
import { FileObject, type Persisted } from '../files/file-object.js';
import type { OpenFile } from '../files/open-file.js';
import { Node, now, type Fs, type SetAttr, type Stat, type StatfsInfo, type Time } from '../fs/node.js';
import { Blocked, WaitQueue, passed, type Answer } from '../wait.js';
import {
  I, L, OF, V, decodeTermios, decodeWinsize, defaultTermios, encodeTermios, encodeWinsize, TERMIOS_SIZE,
  type Termios, type WinSize,
} from './termios.js';

export const DEVPTS_MAGIC = 0x1cd1;
export const PTS_MAJOR = 136;
/** The tty group, which owns terminals (crw--w----). */
export const TTY_GID = 5;
/** Output the launcher has not taken yet, beyond which writers wait. */
export const OUTPUT_BACKLOG = 64 * 1024;
/** n_tty's line limit: characters beyond it are dropped until the line ends. */
const LINE_MAX = 4095;

export const DEVPTS: Fs = {
  dev: makedev(0, 24), magic: DEVPTS_MAGIC, type: 'devpts', source: 'devpts', readonly: false,
  statfs: (): StatfsInfo => ({ blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 }),
};

/** What the terminal needs from its session. */
export interface TtyHost {
  /** Bytes for the launcher's screen. */
  output(data: Buffer): void;
  /** Bytes written but not yet taken by the launcher. */
  backlog(): number;
  /** Drop output the launcher has not taken yet (a signal character's flush, TCOFLUSH). */
  discard(): void;
  /** Signal a process group (the foreground one). */
  signal(pgrp: number, signo: number): void;
  /** Terminal state changed: journal it. */
  changed(): void;
}

/** /dev/pts/N: the terminal's inode. */
export class PtsNode extends Node {
  readonly fs = DEVPTS;
  readonly ino: number;
  modev = S.IFCHR | 0o620;
  uidv = 0;
  gidv = TTY_GID;
  atime: Time;
  mtime: Time;
  ctime: Time;

  constructor(readonly index: number, private readonly tty: Tty) {
    super();
    this.ino = index + 3;
    this.atime = this.mtime = this.ctime = now();
  }

  mode(): number { return this.modev; }
  override uid(): number { return this.uidv; }
  override gid(): number { return this.gidv; }

  stat(): Stat {
    return {
      dev: DEVPTS.dev, ino: this.ino, mode: this.modev, nlink: 1, uid: this.uidv, gid: this.gidv,
      rdev: makedev(PTS_MAJOR, this.index), size: 0, blksize: 1024, blocks: 0,
      atime: this.atime, mtime: this.mtime, ctime: this.ctime, btime: null,
    };
  }

  override setattr(a: SetAttr): void {
    if (a.mode !== undefined) this.modev = S.IFCHR | (a.mode & 0o7777);
    if (a.uid !== undefined) this.uidv = a.uid;
    if (a.gid !== undefined) this.gidv = a.gid;
    if (a.atime) this.atime = a.atime;
    if (a.mtime) this.mtime = a.mtime;
    this.ctime = now();
    this.tty.host.changed();
  }

  override open(): FileObject {
    if (this.tty.hungUp) fail(Errno.EIO);
    return this.tty;
  }
}

export interface TtyRecord {
  index: number;
  termios: Termios;
  winsize: WinSize;
  fg: number;
  sid: number;
  lines: string[];
  line: number[];
  inputEof: boolean;
  hungUp: boolean;
  everOpened: boolean;
  node: { mode: number; uid: number; gid: number };
}

export class Tty extends FileObject {
  readonly node: PtsNode;
  termios: Termios = defaultTermios();
  winsize: WinSize = { rows: 24, cols: 80, xpixel: 0, ypixel: 0 };
  /** Foreground process group, and the session leader (TIOCGSID). */
  fg = 0;
  sid = 0;
  /** Input ready for reading: canonical lines (an empty one is an end-of-file mark), or raw chunks. */
  private ready: Buffer[] = [];
  /** The line being edited (canonical mode). */
  private line: number[] = [];
  private literalNext = false;
  private lastInputAt = 0;
  /** Echoes of the input batch being processed (undefined outside input()): bytes, where a line began (null), a tab erased. */
  private echoes: (Buffer | null | { cols: number; afterTab: boolean })[] | undefined;
  /** The output column (for erasing tabs), and the column where the line being edited began. */
  private column = 0;
  private canonColumn = 0;
  /** The launcher closed its input: reads end once what is buffered is read. */
  inputEof = false;
  /** The session is gone: reads return end of file, writes EIO. */
  hungUp = false;
  /** Open file descriptions of this terminal. */
  opens = 0;
  everOpened = false;
  readonly readable = new WaitQueue();
  readonly writable = new WaitQueue();

  constructor(index: number, readonly host: TtyHost) {
    super();
    this.node = new PtsNode(index, this);
  }

  get index(): number {
    return this.node.index;
  }

  private on(flag: number): boolean {
    return (this.termios.lflag & flag) !== 0;
  }

  // ---- input from the launcher ----

  input(data: Buffer): void {
    this.echoes = [];
    const t = this.termios;
    const cc = t.cc;
    for (let c of data) {
      if (t.iflag & I.ISTRIP) c &= 0x7f;
      if (this.literalNext) {
        this.literalNext = false;
        this.accept(c);
        continue;
      }
      if (c === 13) {
        if (t.iflag & I.IGNCR) continue;
        if (t.iflag & I.ICRNL) c = 10;
      } else if (c === 10 && t.iflag & I.INLCR) {
        c = 13;
      }
      if (this.on(L.ISIG)) {
        const signo = c === cc[V.INTR] ? SIG.INT : c === cc[V.QUIT] ? SIG.QUIT : c === cc[V.SUSP] ? SIG.TSTP : 0;
        if (signo && c !== 0) {
          if (!this.on(L.NOFLSH)) {
            this.flushInput();
            this.host.discard();
          }
          this.echoChar(c);
          if (this.fg > 0) this.host.signal(this.fg, signo);
          continue;
        }
      }
      if (t.iflag & I.IXON && c !== 0 && (c === cc[V.START] || c === cc[V.STOP])) continue;
      if (this.on(L.ICANON)) this.edit(c); else this.accept(c);
    }
    const echoes = this.echoes;
    this.echoes = undefined;
    const shown: Buffer[] = [];
    for (const e of echoes) {
      if (e === null) this.canonColumn = this.column;
      else shown.push(this.post(Buffer.isBuffer(e) ? e : this.tabBackspaces(e)));
    }
    if (shown.length) this.host.output(Buffer.concat(shown));
    // Raw input is one stream: keep it one buffer.
    if (!this.on(L.ICANON) && this.ready.length > 1) this.ready = [Buffer.concat(this.ready)];
    this.lastInputAt = performance.now();
    this.readable.wake();
    this.host.changed();
  }

  /** Canonical-mode editing of one character. */
  private edit(c: number): void {
    const cc = this.termios.cc;
    const iexten = this.on(L.IEXTEN);
    if (c === 0) return this.accept(c);
    if (c === cc[V.ERASE]) return this.erase(1);
    if (iexten && c === cc[V.WERASE]) return this.eraseWord();
    if (c === cc[V.KILL]) return this.kill(c);
    if (iexten && c === cc[V.LNEXT]) {
      this.literalNext = true;
      if (this.on(L.ECHO) && this.on(L.ECHOCTL)) this.echo(Buffer.from('^\b'));
      return;
    }
    if (iexten && c === cc[V.REPRINT]) {
      if (this.on(L.ECHO)) {
        this.echoChar(c);
        this.echo(Buffer.from('\n'));
        this.echo(Buffer.from(this.line));
      }
      return;
    }
    if (c === cc[V.EOF]) {
      this.push(Buffer.from(this.line));
      this.line = [];
      return;
    }
    if (c === 10 || c === cc[V.EOL] || (iexten && c === cc[V.EOL2])) {
      if (c !== 10 && this.line.length === 0 && this.on(L.ECHO)) this.markCanon();
      if (c !== 10) this.echoChar(c);
      else if (this.on(L.ECHO) || this.on(L.ECHONL)) this.echo(Buffer.of(10));
      this.line.push(c);
      this.push(Buffer.from(this.line));
      this.line = [];
      return;
    }
    this.accept(c);
  }

  /** A character that goes into the input as itself. */
  private accept(c: number): void {
    if (this.on(L.ICANON)) {
      if (this.line.length >= LINE_MAX) return;
      if (this.line.length === 0 && this.on(L.ECHO)) this.markCanon();
      this.line.push(c);
    } else {
      this.ready.push(Buffer.of(c));
    }
    this.echoChar(c);
  }

  private push(line: Buffer): void {
    this.ready.push(line);
  }

  private erase(n: number): void {
    for (let i = 0; i < n && this.line.length; i++) {
      const c = this.line.pop()!;
      if (!this.on(L.ECHO)) continue;
      if (!this.on(L.ECHOE)) {
        this.echoChar(this.termios.cc[V.ERASE]!);
      } else if (c === 9) {
        this.eraseTab();
      } else {
        // A control character echoed as ^X took two columns.
        const wide = this.on(L.ECHOCTL) && (c < 32 || c === 127);
        this.echo(Buffer.from(wide ? '\b \b\b \b' : '\b \b'));
      }
    }
  }

  /**
   * Erase a tab: back to the column it started at — counted from the previous tab,
   * or from where the line began — when the echo goes out (n_tty's ECHO_OP_ERASE_TAB).
   */
  private eraseTab(): void {
    let cols = 0;
    let afterTab = false;
    for (let i = this.line.length - 1; i >= 0; i--) {
      const c = this.line[i]!;
      if (c === 9) {
        afterTab = true;
        break;
      }
      if (c < 32 || c === 127) cols += this.on(L.ECHOCTL) ? 2 : 0;
      else if (!(this.termios.iflag & I.IUTF8) || (c & 0xc0) !== 0x80) cols++;
    }
    const op = { cols, afterTab };
    if (this.echoes) this.echoes.push(op);
    else this.host.output(this.post(this.tabBackspaces(op)));
  }

  private tabBackspaces(op: { cols: number; afterTab: boolean }): Buffer {
    const n = op.afterTab ? op.cols : op.cols + this.canonColumn;
    return Buffer.alloc(Math.min(8 - (n & 7), this.column), 8);
  }

  private eraseWord(): void {
    let n = 0;
    let i = this.line.length;
    while (i > 0 && (this.line[i - 1] === 32 || this.line[i - 1] === 9)) { i--; n++; }
    while (i > 0 && this.line[i - 1] !== 32 && this.line[i - 1] !== 9) { i--; n++; }
    this.erase(n);
  }

  private kill(c: number): void {
    if (this.on(L.ECHO) && this.on(L.ECHOK) && this.on(L.ECHOKE)) {
      this.erase(this.line.length);
      return;
    }
    this.line = [];
    if (this.on(L.ECHO)) {
      this.echoChar(c);
      if (this.on(L.ECHOK)) this.echo(Buffer.from('\n'));
    }
  }

  private echoChar(c: number): void {
    if (!this.on(L.ECHO)) return;
    if (this.on(L.ECHOCTL) && (c < 32 || c === 127) && c !== 9 && c !== 10) {
      this.echo(Buffer.of(94, c === 127 ? 63 : c + 64));
    } else {
      this.echo(Buffer.of(c));
    }
  }

  /** The column the line being edited began at is recorded when its first character is echoed. */
  private markCanon(): void {
    if (this.echoes) this.echoes.push(null);
    else this.canonColumn = this.column;
  }

  /** Echoes of one batch of input go out together at its end; a signal's flush drops those not yet out (as n_tty's do). */
  private echo(data: Buffer): void {
    if (this.echoes) this.echoes.push(data);
    else this.host.output(this.post(data));
  }

  flushInput(): void {
    this.ready = [];
    this.line = [];
    if (this.echoes) this.echoes.length = 0;
    this.host.changed();
  }

  /** Switching ICANON moves what is buffered across: raw reads see pending lines, canonical editing resumes raw bytes. */
  private modeSwitched(wasCanonical: boolean): void {
    if (wasCanonical === this.on(L.ICANON)) return;
    if (wasCanonical) {
      const all = [...this.ready, Buffer.from(this.line)].filter((b) => b.length);
      this.ready = all.length ? [Buffer.concat(all)] : [];
      this.line = [];
    } else {
      this.line = [...Buffer.concat(this.ready)];
      this.ready = [];
    }
  }

  /** Bytes a read could take now (FIONREAD). */
  available(): number {
    return this.ready.reduce((n, b) => n + b.length, 0);
  }

  // ---- the guest's side ----

  override read(_f: OpenFile, n: number, _at: number, since: number): Buffer | Blocked {
    if (this.on(L.ICANON)) {
      const first = this.ready[0];
      if (first !== undefined) {
        if (first.length === 0 || n >= first.length) {
          this.ready.shift();
          this.host.changed();
          return first;
        }
        this.ready[0] = first.subarray(n);
        this.host.changed();
        return Buffer.from(first.subarray(0, n));
      }
      if (this.inputEof || this.hungUp || n === 0) return Buffer.alloc(0);
      return new Blocked([this.readable]);
    }
    const avail = this.available();
    const vmin = this.termios.cc[V.MIN]!;
    const vtime = this.termios.cc[V.TIME]! * 100;
    const enough = Math.min(vmin, n);
    if (avail > 0 && (avail >= enough || this.inputEof || this.hungUp)) return this.take(n);
    if (this.inputEof || this.hungUp || n === 0) return this.take(n);
    if (vmin === 0) {
      if (vtime === 0 || passed(since + vtime)) return this.take(n);
      return new Blocked([this.readable], since + vtime);
    }
    if (avail === 0 || vtime === 0) return new Blocked([this.readable]);
    // Some bytes but fewer than VMIN: the inter-byte timer runs from the last one.
    const deadline = this.lastInputAt + vtime;
    return passed(deadline) ? this.take(n) : new Blocked([this.readable], deadline);
  }

  private take(n: number): Buffer {
    const all = Buffer.concat(this.ready);
    const out = Buffer.from(all.subarray(0, n));
    this.ready = all.length > n ? [all.subarray(n)] : [];
    this.host.changed();
    return out;
  }

  override write(_f: OpenFile, data: Buffer): number | Blocked {
    if (this.hungUp) fail(Errno.EIO);
    if (this.host.backlog() >= OUTPUT_BACKLOG) return new Blocked([this.writable]);
    this.host.output(this.post(data));
    return data.length;
  }

  /** Output processing (OPOST). */
  /** Output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET), keeping the column as do_output_char does. */
  private post(data: Buffer): Buffer {
    const o = this.termios.oflag;
    if (!(o & OF.OPOST)) return data;
    const utf8 = (this.termios.iflag & I.IUTF8) !== 0;
    const out = Buffer.allocUnsafe(data.length * 2);
    let n = 0;
    for (const c of data) {
      if (c === 10) {
        if (o & OF.ONLRET) this.column = 0;
        if (o & OF.ONLCR) {
          this.column = 0;
          out[n++] = 13;
        }
        out[n++] = 10;
      } else if (c === 13) {
        if (o & OF.ONOCR && this.column === 0) continue;
        if (o & OF.OCRNL) {
          if (o & OF.ONLRET) this.column = 0;
          out[n++] = 10;
          continue;
        }
        this.column = 0;
        out[n++] = 13;
      } else {
        if (c === 9) this.column = (this.column | 7) + 1;
        else if (c === 8) { if (this.column > 0) this.column--; }
        else if (c >= 32 && c !== 127 && !(utf8 && (c & 0xc0) === 0x80)) this.column++;
        out[n++] = c;
      }
    }
    return out.subarray(0, n);
  }

  override poll(): number {
    if (this.hungUp) return POLL.HUP | POLL.IN | POLL.RDNORM;
    let ev = 0;
    if (this.ready.length || this.inputEof) ev |= POLL.IN | POLL.RDNORM;
    if (this.host.backlog() < OUTPUT_BACKLOG) ev |= POLL.OUT | POLL.WRNORM;
    return ev;
  }

  override queues(): WaitQueue[] {
    return [this.readable, this.writable];
  }

  /** The terminal's own ioctls; the ones about processes (TIOCSCTTY, TIOCNOTTY) are the handler's. */
  override ioctl(_f: OpenFile, req: number, arg: number, input: Buffer): Answer {
    const int = (v: number): Answer => {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      return { result: 0, outputs: [b] };
    };
    switch (req) {
      case IOCTL.TCGETS:
        return { result: 0, outputs: [encodeTermios(this.termios)] };
      case IOCTL.TCSETS:
      case IOCTL.TCSETSW:
      case IOCTL.TCSETSF: {
        if (input.length < TERMIOS_SIZE) fail(Errno.EFAULT);
        const wasCanonical = this.on(L.ICANON);
        this.termios = decodeTermios(input);
        if (req === IOCTL.TCSETSF) this.flushInput();
        this.modeSwitched(wasCanonical);
        this.host.changed();
        this.readable.wake();
        return { result: 0 };
      }
      case IOCTL.TIOCGWINSZ:
        return { result: 0, outputs: [encodeWinsize(this.winsize)] };
      case IOCTL.TIOCSWINSZ:
        if (input.length < 8) fail(Errno.EFAULT);
        this.resize(decodeWinsize(input));
        return { result: 0 };
      case IOCTL.TIOCGPGRP:
        return int(this.fg);
      case IOCTL.TIOCSPGRP: {
        if (input.length < 4) fail(Errno.EFAULT);
        const pgrp = input.readInt32LE(0);
        if (pgrp < 0) fail(Errno.EINVAL);
        this.fg = pgrp;
        this.host.changed();
        return { result: 0 };
      }
      case IOCTL.TIOCGSID:
        return this.sid ? int(this.sid) : fail(Errno.ENOTTY);
      case IOCTL.FIONREAD:
        return int(this.available());
      case IOCTL.TIOCOUTQ:
        return int(this.host.backlog());
      case IOCTL.TCFLSH:
        if (arg < 0 || arg > 2) fail(Errno.EINVAL);
        if (arg !== 1) this.flushInput();
        if (arg !== 0) this.host.discard();
        return { result: 0 };
      case IOCTL.TCSBRK:
      case IOCTL.TCXONC:
      case IOCTL.TIOCEXCL:
      case IOCTL.TIOCNXCL:
        return { result: 0 };
      default:
        return fail(Errno.ENOTTY);
    }
  }

  resize(w: WinSize): void {
    const changed = w.rows !== this.winsize.rows || w.cols !== this.winsize.cols;
    this.winsize = w;
    this.host.changed();
    if (changed && this.fg > 0) this.host.signal(this.fg, SIG.WINCH);
  }

  /** The launcher has no more input. */
  endInput(): void {
    this.inputEof = true;
    this.readable.wake();
    this.host.changed();
  }

  hangUp(): void {
    this.hungUp = true;
    this.readable.wake();
    this.writable.wake();
    this.host.changed();
  }

  override opened(): void {
    this.opens++;
    this.everOpened = true;
  }

  override released(): void {
    this.opens--;
    this.host.changed();
  }

  override describe(): string {
    return `/dev/pts/${this.index}`;
  }

  persist(): Persisted {
    return { kind: 'tty', index: this.index };
  }

  record(): TtyRecord {
    return {
      index: this.index, termios: this.termios, winsize: this.winsize, fg: this.fg, sid: this.sid,
      lines: this.ready.map((b) => b.toString('base64')), line: this.line, inputEof: this.inputEof,
      hungUp: this.hungUp, everOpened: this.everOpened,
      node: { mode: this.node.modev, uid: this.node.uidv, gid: this.node.gidv },
    };
  }

  restore(r: TtyRecord): void {
    this.termios = r.termios;
    this.winsize = r.winsize;
    this.fg = r.fg;
    this.sid = r.sid;
    this.ready = r.lines.map((s) => Buffer.from(s, 'base64'));
    this.line = r.line;
    this.inputEof = r.inputEof;
    this.hungUp = r.hungUp;
    this.everOpened = r.everOpened;
    this.node.modev = r.node.mode;
    this.node.uidv = r.node.uid;
    this.node.gidv = r.node.gid;
  }
}
