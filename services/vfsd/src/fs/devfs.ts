/**
 * /dev: the character devices programs expect (null, zero, full, random,
 * urandom with host entropy, tty = the caller's controlling terminal, console),
 * the symlinks into /proc/self/fd (fd, stdin, stdout, stderr), and /dev/pts with
 * the sessions' terminals. Device numbers are Linux's (1:3 null … 5:0 tty).
 */
import { randomBytes } from 'node:crypto';
import { Errno, S, dtype, makedev } from '../abi.js';
import { fail } from '../fail.js';
import { FileObject, type Persisted } from '../files/file-object.js';
import { DirObject } from '../files/directory.js';
import type { OpenFile } from '../files/open-file.js';
import { DEVPTS, TTY_GID, type Tty } from '../tty/tty.js';
import { TMPFS_MAGIC } from './tmpfs.js';
import { Node, now, type DirEntry, type Fs, type Stat, type StatfsInfo, type Time, type Who } from './node.js';

/** What /dev needs to know of the caller: its controlling terminal, and every terminal. */
export interface DevContext {
  ctty(pid: number): Tty | undefined;
  ttys(): Tty[];
}

type Device = 'null' | 'zero' | 'full' | 'random' | 'urandom' | 'tty' | 'console';

const DEVICES: [Device, number, number, number][] = [
  // name, major, minor, permissions
  ['null', 1, 3, 0o666], ['zero', 1, 5, 0o666], ['full', 1, 7, 0o666], ['random', 1, 8, 0o666],
  ['urandom', 1, 9, 0o666], ['tty', 5, 0, 0o666], ['console', 5, 1, 0o600],
];
const LINKS: [string, string][] = [
  ['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2'],
];
/** Most one read of an endless device returns (a short read is legal, and keeps replies small). */
const MAX_DEVICE_READ = 1 << 20;

export class DevFs implements Fs {
  readonly dev = makedev(0, 5);
  readonly magic = TMPFS_MAGIC;
  readonly type = 'devtmpfs';
  readonly source = 'devtmpfs';
  readonly readonly = false;
  readonly born: Time = now();
  readonly root: DevDir;
  readonly nodes = new Map<string, Node>();

  constructor(readonly context: DevContext) {
    this.root = new DevDir(this, 1, () => this.nodes);
    let ino = 2;
    for (const [name, maj, min, perm] of DEVICES) this.nodes.set(name, new DevChar(this, ino++, name, makedev(maj, min), perm));
    for (const [name, target] of LINKS) this.nodes.set(name, new DevLink(this, ino++, target));
  }

  statfs(): StatfsInfo {
    return { blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 };
  }
}

abstract class DevNode extends Node {
  constructor(readonly fs: DevFs, readonly ino: number) {
    super();
  }

  protected attrs(mode: number, rdev: number, nlink: number, gid = 0): Stat {
    const t = this.fs.born;
    return {
      dev: this.fs.dev, ino: this.ino, mode, nlink, uid: 0, gid, rdev, size: 0, blksize: 4096, blocks: 0,
      atime: t, mtime: t, ctime: t, btime: t,
    };
  }
}

export class DevDir extends DevNode {
  constructor(fs: DevFs, ino: number, private readonly entries: () => Map<string, Node>) {
    super(fs, ino);
  }

  mode(): number { return S.IFDIR | 0o755; }
  stat(): Stat { return this.attrs(this.mode(), 0, 2); }
  override lookup(name: string): Node | undefined { return this.entries().get(name); }

  override list(): DirEntry[] {
    return [...this.entries()].map(([name, n]) => ({ name, ino: n.ino, type: dtype(n.mode()) }));
  }

  override open(): FileObject { return new DirObject(this); }
}

class DevChar extends DevNode {
  constructor(fs: DevFs, ino: number, readonly name: Device, readonly rdev: number, private readonly perm: number) {
    super(fs, ino);
  }

  mode(): number { return S.IFCHR | this.perm; }
  stat(): Stat { return this.attrs(this.mode(), this.rdev, 1, this.name === 'tty' ? TTY_GID : 0); }

  override open(_flags: number, who: Who): FileObject {
    if (this.name === 'tty' || this.name === 'console') {
      const tty = this.fs.context.ctty(who.pid);
      if (tty && !tty.hungUp) return tty;
      if (this.name === 'tty') fail(Errno.ENXIO);
      return new DeviceFile(this, 'null');
    }
    return new DeviceFile(this, this.name);
  }
}

class DevLink extends DevNode {
  constructor(fs: DevFs, ino: number, private readonly target: string) {
    super(fs, ino);
  }

  mode(): number { return S.IFLNK | 0o777; }
  stat(): Stat { return { ...this.attrs(this.mode(), 0, 1), size: this.target.length }; }
  override readlink(): string { return this.target; }
  override open(): FileObject { return fail(Errno.ELOOP); }
}

/** The endless devices. */
export class DeviceFile extends FileObject {
  constructor(readonly node: Node, readonly device: Device) {
    super();
  }

  override seekable(): boolean { return true; }

  override read(_f: OpenFile, n: number): Buffer {
    switch (this.device) {
      case 'null': return Buffer.alloc(0);
      case 'random':
      case 'urandom': return randomBytes(Math.min(n, MAX_DEVICE_READ));
      default: return Buffer.alloc(Math.min(n, MAX_DEVICE_READ));
    }
  }

  override write(_f: OpenFile, data: Buffer): number {
    if (this.device === 'full') fail(Errno.ENOSPC);
    return data.length;
  }

  persist(): Persisted {
    return { kind: 'dev', device: this.device };
  }
}

/** /dev/pts: the sessions' terminals, numbered as they were created. */
export class PtsDir extends Node {
  readonly fs = DEVPTS;
  readonly ino = 1;
  private readonly born = now();

  constructor(private readonly context: DevContext) {
    super();
  }

  mode(): number { return S.IFDIR | 0o755; }

  stat(): Stat {
    const t = this.born;
    return {
      dev: DEVPTS.dev, ino: 1, mode: this.mode(), nlink: 2, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 1024, blocks: 0,
      atime: t, mtime: t, ctime: t, btime: null,
    };
  }

  override lookup(name: string): Node | undefined {
    if (!/^(0|[1-9][0-9]*)$/.test(name)) return undefined;
    return this.context.ttys().find((t) => t.index === Number(name) && !t.hungUp)?.node;
  }

  override list(): DirEntry[] {
    return this.context.ttys().filter((t) => !t.hungUp).map((t) => ({ name: String(t.index), ino: t.node.ino, type: dtype(t.node.mode()) }));
  }

  override open(): FileObject { return new DirObject(this); }
}
