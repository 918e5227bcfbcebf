/**
 * /proc: self, one directory per process (exe, cwd, root, fd/, maps, status,
 * stat, statm, cmdline, environ, comm, mounts), the machine files (cpuinfo,
 * meminfo, uptime, loadavg, stat, version, filesystems, mounts) and
 * sys/kernel/{hostname,osrelease,ostype}. A file's text is made when it is opened
 * (reads see one snapshot, as seq_file gives); fd/N, exe and cwd are magic links
 * that lead to the object itself, so /dev/stdin works on a pipe.
 */
import { Errno, O, S, dtype, major, makedev, minor } from '../abi.js';
import { copyOf } from '../bytes.js';
import { fail } from '../fail.js';
import { FileObject, type Persisted } from '../files/file-object.js';
import { DirObject } from '../files/directory.js';
import type { OpenFile } from '../files/open-file.js';
import type { Procs, Proc } from '../procs.js';
import type { Tty } from '../tty/tty.js';
import { PTS_MAJOR } from '../tty/tty.js';
import type { ProcView } from '../proc/view.js';
import * as text from '../proc/text.js';
import type { Mounts } from './mounts.js';
import { Node, now, type DirEntry, type Fs, type Stat, type StatfsInfo, type Time, type Who } from './node.js';
import type { Loc, Walker } from './walk.js';

export const PROC_MAGIC = 0x9fa0;

/** What /proc reads of the rest of vfsd. */
export interface ProcContext {
  view: ProcView;
  procs: Procs;
  mounts: Mounts;
  walker: Walker;
  ctty(pid: number): Tty | undefined;
}

type Content = (who: Who) => string | Buffer;

export class ProcFs implements Fs {
  readonly dev = makedev(0, 21);
  readonly magic = PROC_MAGIC;
  readonly type = 'proc';
  readonly source = 'proc';
  readonly readonly = false;
  readonly born: Time = now();
  readonly root: ProcDir;

  constructor(readonly ctx: ProcContext) {
    let ino = 2;
    const file = (c: Content) => new ProcText(this, ino++, c);
    const machine = (f: (m: NonNullable<ReturnType<ProcView['machine']>>) => string): Content => () => {
      const m = this.ctx.view.machine();
      return m ? f(m) : '';
    };
    const statics: [string, Node][] = [
      ['self', new ProcLink(this, ino++, (who) => String(who.pid))],
      ['thread-self', new ProcLink(this, ino++, (who) => `${who.pid}/task/${who.pid}`)],
      ['cpuinfo', file(machine(text.cpuinfoText))],
      ['meminfo', file(machine(text.meminfoText))],
      ['uptime', file(machine(text.uptimeText))],
      ['loadavg', file(() => text.loadavgText(this.ctx.view.all()))],
      ['stat', file(() => {
        const m = this.ctx.view.machine();
        return m ? text.procStatText(m, this.ctx.view.all()) : '';
      })],
      ['version', file(() => text.versionText())],
      ['filesystems', file(() => text.filesystemsText())],
      ['mounts', new ProcLink(this, ino++, () => 'self/mounts')],
      ['sys', new ProcDir(this, ino++, 0o555, () => [
        ['kernel', new ProcDir(this, ino++, 0o555, () => kernel)],
        ['vm', new ProcDir(this, ino++, 0o555, () => vm)],
      ])],
    ];
    const kernel: [string, Node][] = [
      ['hostname', file(() => `${text.KERNEL.hostname}\n`)],
      ['osrelease', file(() => `${text.KERNEL.release}\n`)],
      ['ostype', file(() => `${text.KERNEL.ostype}\n`)],
      ['pid_max', file(() => '32768\n')],
      ['ngroups_max', file(() => '65536\n')],
    ];
    const vm: [string, Node][] = [['overcommit_memory', file(() => '0\n')]];
    this.root = new ProcRootDir(this, statics);
  }

  statfs(): StatfsInfo {
    return { blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 };
  }

  /** Is there a process `pid` (vfsd's own state, or the nucleus's table)? */
  exists(pid: number): boolean {
    return this.ctx.procs.procs.has(pid) || this.ctx.view.process(pid) !== undefined;
  }

  pids(): number[] {
    const all = new Set<number>(this.ctx.procs.procs.keys());
    for (const p of this.ctx.view.all()) all.add(p.pid);
    return [...all].sort((a, b) => a - b);
  }

  facts(pid: number, who: Who, regions = false): text.ProcFacts {
    const p: Proc | undefined = this.ctx.procs.procs.get(pid);
    const tty = this.ctx.ctty(pid);
    return {
      pid, info: this.ctx.view.process(pid, regions), umask: p?.umask ?? 0o022, uid: 0, gid: 0,
      ttyNr: tty ? makedev(PTS_MAJOR, tty.index) : 0, tpgid: tty?.fg ?? 0,
      fds: p?.table.slots.size ?? 0, self: pid === who.pid,
    };
  }
}

abstract class ProcNode extends Node {
  constructor(readonly fs: ProcFs, readonly ino: number) {
    super();
  }

  protected attrs(mode: number, nlink: number): Stat {
    const t = this.fs.born;
    return {
      dev: this.fs.dev, ino: this.ino, mode, nlink, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 1024, blocks: 0,
      atime: t, mtime: t, ctime: t, btime: null,
    };
  }
}

class ProcDir extends ProcNode {
  constructor(fs: ProcFs, ino: number, private readonly perm: number, protected readonly entries: (who: Who) => [string, Node][]) {
    super(fs, ino);
  }

  mode(): number { return S.IFDIR | this.perm; }

  stat(): Stat {
    return this.attrs(this.mode(), 2);
  }

  override lookup(name: string, who: Who): Node | undefined {
    return this.entries(who).find(([n]) => n === name)?.[1];
  }

  override list(who: Who): DirEntry[] {
    return this.entries(who).map(([name, n]) => ({ name, ino: n.ino, type: dtype(n.mode()) }));
  }

  override open(): FileObject {
    return new DirObject(this);
  }

  // proc's lookup answers ENOENT for a name it does not have, so creating one fails with it.
  override create(): Node { return fail(Errno.ENOENT); }
  override mkdir(): void { fail(Errno.ENOENT); }
  override symlink(): void { fail(Errno.ENOENT); }
  override mknod(): void { fail(Errno.ENOENT); }
  override link(): void { fail(Errno.ENOENT); }
}

class ProcRootDir extends ProcDir {
  constructor(fs: ProcFs, private readonly statics: [string, Node][]) {
    super(fs, 1, 0o555, () => statics);
  }

  override lookup(name: string): Node | undefined {
    if (/^[1-9][0-9]*$/.test(name)) {
      const pid = Number(name);
      return this.fs.exists(pid) ? pidDir(this.fs, pid) : undefined;
    }
    return this.statics.find(([n]) => n === name)?.[1];
  }

  override list(who: Who): DirEntry[] {
    const out = super.list(who);
    for (const pid of this.fs.pids()) out.push({ name: String(pid), ino: pidIno(pid, 0), type: dtype(S.IFDIR) });
    return out;
  }
}

const pidIno = (pid: number, i: number) => 0x100000 + pid * 64 + i;
const fdIno = (pid: number, fd: number) => 0x10000000 + pid * 1024 + fd;

function pidDir(fs: ProcFs, pid: number): ProcDir {
  let i = 1;
  const facts = (who: Who, regions = false) => fs.facts(pid, who, regions);
  const file = (c: Content, perm = 0o444) => new ProcText(fs, pidIno(pid, i++), c, perm);
  const proc = () => fs.ctx.procs.procs.get(pid);
  const entries: [string, Node][] = [
    ['fd', new ProcDir(fs, pidIno(pid, i++), 0o500, () => {
      const p = proc();
      if (!p) return [];
      return [...p.table.slots.keys()].sort((a, b) => a - b).map((fd) => [String(fd), new FdLink(fs, pid, fd)]);
    })],
    ['exe', new ProcLink(fs, pidIno(pid, i++), () => fs.ctx.view.process(pid)?.exe || fail(Errno.ENOENT),
      (who) => fs.ctx.walker.resolve(who, fs.ctx.walker.root(), fs.ctx.view.process(pid)?.exe || fail(Errno.ENOENT), true))],
    ['cwd', new ProcLink(fs, pidIno(pid, i++), () => proc()?.cwd ?? '/', (who) => fs.ctx.walker.canonical(proc()?.cwd ?? '/', who))],
    ['root', new ProcLink(fs, pidIno(pid, i++), () => '/', () => fs.ctx.walker.root())],
    ['cmdline', file((who) => text.cmdlineText(facts(who)))],
    ['comm', file((who) => text.commText(facts(who)), 0o644)],
    ['environ', file(() => '', 0o400)],
    ['maps', file((who) => text.mapsText(facts(who, true)))],
    ['mounts', file(() => mountsText(fs.ctx.mounts))],
    ['mountinfo', file(() => mountinfoText(fs.ctx.mounts))],
    ['task', new ProcDir(fs, pidIno(pid, i++), 0o555, () => [[String(pid), self]])],
    ['stat', file((who) => text.statText(facts(who)))],
    ['statm', file((who) => text.statmText(facts(who)))],
    ['status', file((who) => text.statusText(facts(who)))],
  ];
  // task/<pid>: the main thread, as the process itself (vfsd does not know the other threads' ids).
  const self: ProcDir = new ProcDir(fs, pidIno(pid, 0), 0o555, () => entries);
  return self;
}

export function mountsText(mounts: Mounts): string {
  return mounts.all().map((m) => `${m.fs.source} ${m.path} ${m.fs.type} ${m.options} 0 0\n`).join('');
}

const PER_MOUNT = new Set(['rw', 'ro', 'nosuid', 'nodev', 'noexec', 'relatime', 'noatime']);

/** /proc/<pid>/mountinfo: id, parent, major:minor, root, mount point, mount options, "-", type, source, superblock options. */
export function mountinfoText(mounts: Mounts): string {
  const all = mounts.all();
  const id = (i: number) => 20 + i;
  return all.map((m, i) => {
    const parent = m.path === '/' ? 1 : id(all.reduce((best, o, j) =>
      (o.path !== m.path && (o.path === '/' || m.path.startsWith(`${o.path}/`)) && o.path.length > all[best]!.path.length ? j : best), 0));
    const opts = m.options.split(',');
    const mount = opts.filter((o) => PER_MOUNT.has(o)).join(',');
    const sb = [opts.includes('ro') ? 'ro' : 'rw', ...opts.filter((o) => !PER_MOUNT.has(o))].join(',');
    return `${id(i)} ${parent} ${major(m.fs.dev)}:${minor(m.fs.dev)} / ${m.path} ${mount} - ${m.fs.type} ${m.fs.source} ${sb}\n`;
  }).join('');
}

class ProcLink extends ProcNode {
  constructor(fs: ProcFs, ino: number, private readonly target: (who: Who) => string, private readonly leadsTo?: (who: Who) => Loc) {
    super(fs, ino);
  }

  mode(): number { return S.IFLNK | 0o777; }
  stat(): Stat { return this.attrs(this.mode(), 1); }
  override readlink(who: Who): string { return this.target(who); }
  override magic(who: Who): Loc | undefined { return this.leadsTo?.(who); }
  override open(): FileObject { return fail(Errno.ELOOP); }
}

/** /proc/<pid>/fd/N: reads as the description's path, leads to its object. */
class FdLink extends ProcNode {
  constructor(fs: ProcFs, private readonly pid: number, private readonly fd: number) {
    super(fs, fdIno(pid, fd));
  }

  private file(): OpenFile {
    const p = this.fs.ctx.procs.procs.get(this.pid) ?? fail(Errno.ENOENT);
    return p.table.slots.get(this.fd)?.file ?? fail(Errno.ENOENT);
  }

  mode(): number {
    const f = this.file();
    // proc_fd_link: read access gives r-x, write access -wx.
    return S.IFLNK | (f.readable() ? 0o500 : 0) | (f.writable() ? 0o300 : 0);
  }

  stat(): Stat { return { ...this.attrs(this.mode(), 1), size: 64 }; }
  override readlink(): string { return this.file().obj.describe(this.file()); }

  override magic(): Loc {
    const f = this.file();
    return { node: f.obj.node, path: f.path };
  }

  override open(): FileObject { return fail(Errno.ELOOP); }
}

class ProcText extends ProcNode {
  constructor(fs: ProcFs, ino: number, private readonly content: Content, private readonly perm = 0o444) {
    super(fs, ino);
  }

  mode(): number { return S.IFREG | this.perm; }
  stat(): Stat { return this.attrs(this.mode(), 1); }

  override open(flags: number, who: Who): FileObject {
    if ((flags & O.ACCMODE) !== O.RDONLY) fail(Errno.EACCES);
    const c = this.content(who);
    return new ProcFile(this, typeof c === 'string' ? Buffer.from(c) : c);
  }
}

/** An open /proc file: the text as it was at open. */
export class ProcFile extends FileObject {
  constructor(readonly node: Node, private readonly text: Buffer) {
    super();
  }

  override seekable(): boolean { return true; }
  override size(): number { return this.text.length; }

  override read(_f: OpenFile, n: number, at: number): Buffer {
    return copyOf(this.text, at, Math.min(this.text.length, at + n));
  }

  persist(): Persisted {
    return { kind: 'proc' };
  }
}
