/**
 * Per-process file state: the fd table (shared between processes created with
 * CLONE_FILES), the working directory, the umask and the controlling terminal;
 * and the registry of open file descriptions that fd tables point into. Fork
 * copies or shares, exec closes close-on-exec descriptors (after unsharing the
 * table, as Linux does), exit closes everything — so pipes see end of file.
 */
import { Errno } from './abi.js';
import { fail } from './fail.js';
import { OpenFile } from './files/open-file.js';
import type { FileObject, Persisted } from './files/file-object.js';
import { json, type Journal } from './journal.js';
import type { Loc } from './fs/walk.js';

/** RLIMIT_NOFILE's usual soft limit: the first fd number that cannot exist. */
export const NOFILE = 1024;

export interface Slot {
  file: OpenFile;
  cloexec: boolean;
}

export class FdTable {
  readonly slots = new Map<number, Slot>();
  /** Processes using this table. */
  users = 0;

  constructor(readonly id: number) {}

  lowestFree(min: number, limit: number): number {
    let fd = min;
    while (this.slots.has(fd)) fd++;
    if (fd >= limit) fail(Errno.EMFILE);
    return fd;
  }
}

export class Proc {
  /** The working directory, resolved (cleared when it changes). */
  cwdLoc: Loc | undefined;

  constructor(
    readonly pid: number,
    public table: FdTable,
    public cwd = '/',
    public umask = 0o022,
    /** The controlling terminal's session, 0 for none. */
    public ctty = 0,
  ) {}
}

interface FileRecord {
  flags: number;
  pos: number;
  path: string;
  obj: Persisted;
}

interface ProcRecord {
  table: number;
  cwd: string;
  umask: number;
  ctty: number;
}

export class Procs {
  readonly files = new Map<number, OpenFile>();
  readonly tables = new Map<number, FdTable>();
  readonly procs = new Map<number, Proc>();
  nextFile = 1;
  nextTable = 1;

  constructor(private readonly journal: Journal) {}

  /** The process's state; one vfsd never heard of starts with no fds, at "/". */
  get(pid: number): Proc {
    let p = this.procs.get(pid);
    if (!p) {
      p = new Proc(pid, this.newTable());
      p.table.users++;
      this.procs.set(pid, p);
      this.procChanged(p);
    }
    return p;
  }

  private newTable(): FdTable {
    const t = new FdTable(this.nextTable++);
    this.tables.set(t.id, t);
    this.metaChanged();
    return t;
  }

  // ---- open file descriptions ----

  open(flags: number, obj: FileObject, path: string): OpenFile {
    const f = new OpenFile(this.nextFile++, flags, obj, path);
    obj.opened(f);
    this.files.set(f.id, f);
    this.fileChanged(f);
    this.metaChanged();
    return f;
  }

  ref(f: OpenFile): void {
    f.refs++;
  }

  /** One reference fewer; the description ends with its last. */
  unref(f: OpenFile): void {
    if (--f.refs > 0) return;
    this.files.delete(f.id);
    this.fileChanged(f);
    f.obj.released(f);
  }

  // ---- descriptors ----

  slot(p: Proc, fd: number): Slot {
    return p.table.slots.get(fd) ?? fail(Errno.EBADF);
  }

  file(p: Proc, fd: number): OpenFile {
    return this.slot(p, fd).file;
  }

  /** A description made for a descriptor that could not be had: it ends unused. */
  discard(f: OpenFile): void {
    f.refs++;
    this.unref(f);
  }

  /** Install a just-made description; if no fd is free it is discarded (EMFILE). */
  installNew(p: Proc, f: OpenFile, cloexec: boolean, min = 0): number {
    try {
      return this.install(p, f, cloexec, min);
    } catch (err) {
      this.discard(f);
      throw err;
    }
  }

  install(p: Proc, f: OpenFile, cloexec: boolean, min = 0, limit = NOFILE): number {
    const fd = p.table.lowestFree(min, limit);
    this.place(p.table, fd, f, cloexec);
    return fd;
  }

  /** Put `f` at `fd`, closing what was there (dup2, dup3, session binding). */
  place(t: FdTable, fd: number, f: OpenFile, cloexec: boolean): void {
    this.ref(f);
    const old = t.slots.get(fd);
    t.slots.set(fd, { file: f, cloexec });
    this.tableChanged(t);
    if (old) this.unref(old.file);
  }

  close(p: Proc, fd: number): void {
    const s = this.slot(p, fd);
    p.table.slots.delete(fd);
    this.tableChanged(p.table);
    this.unref(s.file);
  }

  // ---- process events ----

  fork(parent: number, child: number, shareFiles: boolean): void {
    if (parent === child) return;
    this.exit(child);
    const p = this.get(parent);
    const table = shareFiles ? p.table : this.copy(p.table);
    table.users++;
    const c = new Proc(child, table, p.cwd, p.umask, p.ctty);
    this.procs.set(child, c);
    this.procChanged(c);
  }

  private copy(t: FdTable): FdTable {
    const n = this.newTable();
    for (const [fd, s] of t.slots) {
      this.ref(s.file);
      n.slots.set(fd, { file: s.file, cloexec: s.cloexec });
    }
    this.tableChanged(n);
    return n;
  }

  /** Give `p` its own copy of a shared fd table. */
  unshare(p: Proc): void {
    if (p.table.users <= 1) return;
    p.table.users--;
    p.table = this.copy(p.table);
    p.table.users++;
    this.procChanged(p);
  }

  exec(pid: number): void {
    const p = this.get(pid);
    this.unshare(p);
    for (const [fd, s] of p.table.slots) if (s.cloexec) this.close(p, fd);
  }

  exit(pid: number): void {
    const p = this.procs.get(pid);
    if (!p) return;
    this.procs.delete(pid);
    this.procChanged(p);
    this.drop(p.table);
  }

  private drop(t: FdTable): void {
    if (--t.users > 0) return;
    this.tables.delete(t.id);
    const files = [...t.slots.values()];
    t.slots.clear();
    this.tableChanged(t);
    for (const s of files) this.unref(s.file);
  }

  // ---- journal ----

  fileChanged(f: OpenFile): void {
    this.journal.touch(`f/${f.id}`, () => (this.files.get(f.id) === f
      ? json({ flags: f.flags, pos: f.pos, path: f.path, obj: f.obj.persist() } satisfies FileRecord) : null));
  }

  tableChanged(t: FdTable): void {
    this.journal.touch(`fdt/${t.id}`, () => (this.tables.get(t.id) === t
      ? json([...t.slots].map(([fd, s]) => [fd, s.file.id, s.cloexec ? 1 : 0])) : null));
  }

  procChanged(p: Proc): void {
    this.journal.touch(`p/${p.pid}`, () => (this.procs.get(p.pid) === p
      ? json({ table: p.table.id, cwd: p.cwd, umask: p.umask, ctty: p.ctty } satisfies ProcRecord) : null));
  }

  private metaChanged(): void {
    this.journal.touch('procs', () => json({ nextFile: this.nextFile, nextTable: this.nextTable }));
  }

  /**
   * Rebuild from the journal. `revive` turns a persisted object back into a live
   * one (or undefined when what it referred to is gone: the description is dropped).
   */
  restore(entries: Map<string, Buffer>, revive: (r: Persisted, path: string, flags: number) => FileObject | undefined): void {
    const meta = entries.get('procs');
    if (meta) ({ nextFile: this.nextFile, nextTable: this.nextTable } = JSON.parse(meta.toString()) as { nextFile: number; nextTable: number });
    for (const [key, value] of entries) {
      if (!key.startsWith('f/')) continue;
      const r = JSON.parse(value.toString()) as FileRecord;
      const obj = revive(r.obj, r.path, r.flags);
      if (!obj) continue;
      const f = new OpenFile(Number(key.slice(2)), r.flags, obj, r.path);
      f.pos = r.pos;
      obj.opened(f);
      this.files.set(f.id, f);
    }
    for (const [key, value] of entries) {
      if (!key.startsWith('fdt/')) continue;
      const t = new FdTable(Number(key.slice(4)));
      for (const [fd, id, cloexec] of JSON.parse(value.toString()) as [number, number, number][]) {
        const f = this.files.get(id);
        if (!f) continue;
        f.refs++;
        t.slots.set(fd, { file: f, cloexec: cloexec === 1 });
      }
      this.tables.set(t.id, t);
    }
    for (const [key, value] of entries) {
      if (!key.startsWith('p/')) continue;
      const r = JSON.parse(value.toString()) as ProcRecord;
      const t = this.tables.get(r.table);
      if (!t) continue;
      t.users++;
      this.procs.set(Number(key.slice(2)), new Proc(Number(key.slice(2)), t, r.cwd, r.umask, r.ctty));
    }
  }

  /** After restore and once the sessions took their references: what nobody refers to is closed. */
  sweep(): void {
    for (const t of [...this.tables.values()]) if (t.users === 0) { t.users = 1; this.drop(t); }
    for (const f of [...this.files.values()]) if (f.refs === 0) { f.refs = 1; this.unref(f); }
  }
}

/** Does a journalled description or working directory lie under `dir`? */
export function refersTo(entries: Map<string, Buffer>, dir: string): boolean {
  const under = (path: string) => path === dir || path.startsWith(`${dir}/`);
  for (const [key, value] of entries) {
    if (key.startsWith('f/') && under((JSON.parse(value.toString()) as FileRecord).path)) return true;
    if (key.startsWith('p/') && under((JSON.parse(value.toString()) as ProcRecord).cwd)) return true;
  }
  return false;
}
