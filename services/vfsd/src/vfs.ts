/**
 * All of vfsd's state in one place: the mounted tree (a read-only host root
 * image, /home on the host, tmpfs at /tmp and /dev/shm, /dev, /dev/pts, /proc),
 * the per-process fd tables, pipes and sessions, and the journal that keeps what
 * must outlive a generation. Syscall handlers and the peer API work on it.
 */
import { mkdirSync } from 'node:fs';
import { Errno, O, S, makedev } from './abi.js';
import { fail } from './fail.js';
import { DirObject, PathObject } from './files/directory.js';
import type { FileObject, Persisted } from './files/file-object.js';
import type { OpenFile } from './files/open-file.js';
import { PipeEnd, Pipes, type Ends } from './files/pipe.js';
import { DevFs, DeviceFile, PtsDir } from './fs/devfs.js';
import { HostFs } from './fs/hostfs.js';
import { Mounts } from './fs/mounts.js';
import type { Who } from './fs/node.js';
import { ProcFile, ProcFs } from './fs/procfs.js';
import { TmpFile, TmpFs, TmpfsBudget } from './fs/tmpfs.js';
import { Walker, type Loc } from './fs/walk.js';
import { NO_JOURNAL, type Journal } from './journal.js';
import { ProcView, type ProcSource } from './proc/view.js';
import { Procs, type Proc } from './procs.js';
import { Sessions } from './session.js';
import { SectionSync, type SectionBroker } from './files/sections.js';
import { SocketNames } from './sockets/address.js';
import { PassedFiles } from './sockets/service-listener.js';
import { DEVPTS, type Tty } from './tty/tty.js';

export interface VfsOptions {
  /** Host directory of the read-only root image. */
  rootDir: string;
  /** Host directory behind the writable /home. */
  homeDir: string;
  journal?: Journal;
  /** The nucleus's process table, for /proc (none: /proc knows only vfsd's own state). */
  procSource?: ProcSource;
  /** Signal delivery for terminals (syscalld's Kill): pid > 0 a process, < 0 a group. */
  signal?: (pid: number, signo: number) => void;
  /** Bytes all tmpfs mounts may hold together (they live in the nucleus state store, 64 MiB at most). */
  tmpfsBytes?: number;
  /** The nucleus's file sections, for coherent MAP_SHARED of tmpfs files (none: write-back only). */
  sections?: SectionBroker;
}

export class Vfs {
  readonly journal: Journal;
  readonly mounts = new Mounts();
  readonly walker: Walker;
  readonly procs: Procs;
  readonly pipes: Pipes;
  readonly sessions: Sessions;
  readonly view: ProcView;
  readonly tmpfs: Map<string, TmpFs>;
  /** Where memfd_create's files live: a tmpfs mounted nowhere (Linux's internal shm mount). */
  readonly memfd: TmpFs;
  /** AF_UNIX names: bound paths (by inode) and abstract names. */
  readonly sockets = new SocketNames();
  /** Keeps sectioned files' bytes and their shared mappings one (files/sections.ts). */
  readonly sectionSync: SectionSync;
  /** Files guests passed to services' listeners, by handle. */
  readonly passed = new PassedFiles(this);
  /** Files with a shared writable mapping somewhere, by "device:inode": where msync writes back. */
  readonly mapped = new Map<string, WeakRef<OpenFile>>();

  constructor(opts: VfsOptions) {
    this.journal = opts.journal ?? NO_JOURNAL;
    this.procs = new Procs(this.journal);
    this.pipes = new Pipes(this.journal);
    this.sessions = new Sessions(this.procs, this.pipes, this.journal, opts.signal ?? (() => undefined));
    this.view = new ProcView(opts.procSource);
    this.walker = new Walker(this.mounts);
    this.sectionSync = new SectionSync(opts.sections);

    mkdirSync(opts.homeDir, { recursive: true });
    const root = new HostFs(opts.rootDir, makedev(254, 1), true, '/dev/root');
    const home = new HostFs(opts.homeDir, makedev(254, 2), false, '/dev/home');
    const budget = new TmpfsBudget(opts.tmpfsBytes ?? 40 * 1024 * 1024);
    const tmp = new TmpFs('tmp', makedev(0, 26), 0o1777, this.journal, budget);
    const shm = new TmpFs('shm', makedev(0, 25), 0o1777, this.journal, budget);
    const run = new TmpFs('run', makedev(0, 24), 0o755, this.journal, budget);
    this.memfd = new TmpFs('memfd', makedev(0, 1), 0o1777, this.journal, budget);
    this.tmpfs = new Map([['tmp', tmp], ['shm', shm], ['run', run], ['memfd', this.memfd]]);
    for (const fs of this.tmpfs.values()) {
      fs.onGone = (node) => this.sectionSync.drop(node);
      fs.onSectionChanged = (node) => this.sectionSync.changed(node);
    }
    const dev = new DevFs({ ctty: (pid) => this.ctty(pid), ttys: () => this.sessions.ttys() });
    const proc = new ProcFs(this);

    this.mounts.add('/', root, root.root(), 'ro,relatime');
    this.mounts.add('/dev', dev, dev.root, 'rw,nosuid,relatime,mode=755');
    this.mounts.add('/dev/pts', DEVPTS, new PtsDir({ ctty: (pid) => this.ctty(pid), ttys: () => this.sessions.ttys() }),
      'rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000');
    this.mounts.add('/dev/shm', shm, shm.root(), 'rw,nosuid,nodev');
    this.mounts.add('/proc', proc, proc.root, 'rw,nosuid,nodev,noexec,relatime');
    this.mounts.add('/tmp', tmp, tmp.root(), 'rw,nosuid,nodev');
    // /run as on a systemd host: a tmpfs, where services put their sockets (/run/user/<uid>/wayland-0),
    // with the runtime directory of user 1000 (XDG_RUNTIME_DIR) as logind makes it. A restore replaces it.
    this.mounts.add('/run', run, run.root(), 'rw,nosuid,nodev,mode=755');
    run.root().mkdir('user', 0o755, { pid: 0, uid: 0, gid: 0 });
    run.root().lookup('user')!.mkdir('1000', 0o700, { pid: 0, uid: 1000, gid: 1000 });
    this.mounts.add('/home', home, home.root(), 'rw,relatime');
  }

  /** The calling process's controlling terminal. */
  ctty(pid: number): Tty | undefined {
    const sid = this.procs.procs.get(pid)?.ctty;
    return sid ? this.sessions.byId.get(sid)?.tty : undefined;
  }

  // ---- locations ----

  cwd(p: Proc, who: Who): Loc {
    if (p.cwdLoc) return p.cwdLoc;
    const loc = this.walker.canonical(p.cwd, who);
    p.cwdLoc = loc;
    return loc;
  }

  /** Where a relative path starts: the cwd (AT_FDCWD) or the directory `dirfd` names. */
  base(p: Proc, dirfd: number, who: Who): Loc {
    if (dirfd === -100) return this.cwd(p, who);
    const f = this.procs.file(p, dirfd);
    return { node: f.obj.node, path: f.path };
  }

  /** Resolve `path` for process `p` relative to `dirfd`. */
  resolve(p: Proc, who: Who, dirfd: number, path: string, follow: boolean): Loc {
    // Absolute paths need no starting directory (and no valid dirfd, as in Linux).
    const base = path.startsWith('/') ? this.walker.root() : this.base(p, dirfd, who);
    if (!path.startsWith('/') && !base.node.isDir()) fail(Errno.ENOTDIR);
    return this.walker.resolve(who, base, path, follow);
  }

  parent(p: Proc, who: Who, dirfd: number, path: string) {
    const base = path.startsWith('/') ? this.walker.root() : this.base(p, dirfd, who);
    if (!path.startsWith('/') && !base.node.isDir()) fail(Errno.ENOTDIR);
    return this.walker.parent(who, base, path);
  }

  /** An open file description for `loc` (its node decides the object), with `flags` as F_GETFL will show them. */
  openAt(loc: Loc, flags: number, who: Who): OpenFile {
    const node = loc.node;
    const obj: FileObject = flags & O.PATH ? new PathObject(node) : node.isDir() ? new DirObject(node) : node.open(flags, who);
    return this.procs.open(flags, obj, loc.path);
  }

  // ---- recovery ----

  /** A persisted object made live again, or undefined when what it referred to is gone. */
  revive(r: Persisted, path: string, flags: number): FileObject | undefined {
    const who = { pid: 0, uid: 0, gid: 0 };
    try {
      switch (r.kind) {
        case 'pipe': {
          const pipe = this.pipes.byId.get(r.pipe as number);
          if (!pipe) return undefined;
          // A FIFO's description keeps showing its file, if the file is still there.
          let inode;
          if (pipe.fifo) try { inode = this.walker.resolve(who, this.walker.root(), path, false).node; } catch { inode = undefined; }
          return new PipeEnd(pipe, r.ends as Ends, inode);
        }
        case 'socket':
          return undefined; // sockets end with the generation that held them (sockets/unix-socket.ts)
        case 'tty':
          return this.sessions.tty(r.index as number);
        case 'tmp': {
          const node = this.tmpfs.get(r.fs as string)?.inodes.get(r.ino as number);
          return node && new TmpFile(node);
        }
        case 'dev':
          return new DeviceFile(this.walker.resolve(who, this.walker.root(), path, true).node, r.device as never);
        case 'proc':
          return new ProcFile(this.walker.resolve(who, this.walker.root(), path, false).node, Buffer.alloc(0));
        default: {
          const node = this.walker.resolve(who, this.walker.root(), path, false).node;
          if (r.kind === 'path') return new PathObject(node);
          if (r.kind === 'dir') return new DirObject(node);
          return (node.mode() & S.IFMT) === S.IFREG ? node.open(flags, who) : undefined;
        }
      }
    } catch {
      return undefined;
    }
  }

  /** Rebuild everything from the journal's entries (a fresh Vfs, before any call). */
  restore(entries: Map<string, Buffer>): void {
    for (const fs of this.tmpfs.values()) fs.restore(entries);
    this.pipes.restore(entries);
    this.sessions.restore(entries);
    this.procs.restore(entries, (r, path, flags) => this.revive(r, path, flags));
    this.sessions.claim();
    this.procs.sweep();
    this.pipes.sweep();
    for (const fs of this.tmpfs.values()) fs.sweep();
  }
}
