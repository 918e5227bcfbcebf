/**
 * For unit tests: a vfsd with its mailbox handler, driven the way the nucleus
 * drives it (messages with ids, control ops), plus a record of the signals its
 * terminals asked for.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROL, Dispatcher } from './dispatch.js';
import type { Journal } from './journal.js';
import type { ProcSource } from './proc/view.js';
import { Vfs } from './vfs.js';
import type { Answer } from './wait.js';

/** Syscall numbers the tests use. */
export const NR = {
  read: 0, write: 1, open: 2, close: 3, stat: 4, fstat: 5, lstat: 6, poll: 7, lseek: 8, ioctl: 16, pread64: 17,
  readv: 19, writev: 20, access: 21, pipe: 22, select: 23, dup: 32, dup2: 33, fcntl: 72, getcwd: 79, chdir: 80,
  rename: 82, mkdir: 83, rmdir: 84, unlink: 87, symlink: 88, readlink: 89, chmod: 90, getdents64: 217,
  openat: 257, mkdirat: 258, newfstatat: 262, unlinkat: 263, ppoll: 271, pipe2: 293,
} as const;

export interface Pending {
  id: number;
  done: boolean;
  answer: Promise<Answer>;
}

export class TestGuest {
  readonly v: Vfs;
  readonly d: Dispatcher;
  readonly signals: [number, number][] = [];
  readonly dir: string;
  private nextId = 1;

  constructor(opts: { journal?: Journal; procSource?: ProcSource; rootDir?: string; dir?: string; tmpfsBytes?: number } = {}) {
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'vfsd-unit-'));
    const root = opts.rootDir ?? join(this.dir, 'root');
    mkdirSync(root, { recursive: true });
    this.v = new Vfs({
      rootDir: root, homeDir: join(this.dir, 'home'), journal: opts.journal, procSource: opts.procSource,
      signal: (pid, signo) => this.signals.push([pid, signo]), tmpfsBytes: opts.tmpfsBytes,
    });
    this.d = new Dispatcher(this.v, (err) => { throw err; });
  }

  /** Start a call; it may stay pending (a blocking read). */
  start(pid: number, op: number, args: number[] = [], inputs: (Buffer | string)[] = [], context: Record<string, string> = {}): Pending {
    const id = this.nextId++;
    const full = [...args];
    while (full.length < 6) full.push(0);
    const p: Pending = {
      id, done: false,
      answer: Promise.resolve(this.d.handle({
        id, pid, tid: pid, op, args: full, inputs: inputs.map((b) => (typeof b === 'string' ? Buffer.from(b) : b)), context,
      })),
    };
    void p.answer.then(() => { p.done = true; });
    return p;
  }

  call(pid: number, op: number, args: number[] = [], inputs: (Buffer | string)[] = []): Promise<Answer> {
    return this.start(pid, op, args, inputs).answer;
  }

  /** The result alone (for calls without outputs). */
  async result(pid: number, op: number, args: number[] = [], inputs: (Buffer | string)[] = []): Promise<number> {
    return (await this.call(pid, op, args, inputs)).result;
  }

  cancel(p: Pending): Promise<Answer> {
    return Promise.resolve(this.d.handle({ id: this.nextId++, pid: 0, tid: 0, op: CONTROL.CANCEL, args: [p.id], inputs: [], context: {} }));
  }

  control(op: number, args: number[]): void {
    void this.d.handle({ id: this.nextId++, pid: 0, tid: 0, op, args, inputs: [], context: {} });
  }

  fork(parent: number, child: number, flags = 0): void { this.control(CONTROL.PROC_FORK, [parent, child, flags]); }
  exec(pid: number): void { this.control(CONTROL.PROC_EXEC, [pid]); }
  exit(pid: number): void { this.control(CONTROL.PROC_EXIT, [pid, 0]); }

  /** pipe2 for `pid`: [read fd, write fd]. */
  async pipe(pid: number, flags = 0): Promise<[number, number]> {
    const a = await this.call(pid, NR.pipe2, [0, flags]);
    if (a.result !== 0) throw new Error(`pipe2: ${a.result}`);
    return [a.outputs![0]!.readInt32LE(0), a.outputs![0]!.readInt32LE(4)];
  }

  async open(pid: number, path: string, flags: number, mode = 0o644): Promise<number> {
    return this.result(pid, NR.open, [0, flags, mode], [path]);
  }

  async read(pid: number, fd: number, n: number): Promise<string> {
    const a = await this.call(pid, NR.read, [fd, 0, n]);
    if (a.result < 0) throw new Error(`read: ${a.result}`);
    return a.outputs![0]!.toString();
  }

  write(pid: number, fd: number, data: string | Buffer): Promise<number> {
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    return this.result(pid, NR.write, [fd, 0, b.length], [b]);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Let queued microtasks and timers of `ms` run. */
export const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));
