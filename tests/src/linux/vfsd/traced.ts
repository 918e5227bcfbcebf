/**
 * Real, unmodified programs with vfsd as their kernel for files: the program runs
 * natively under a ptrace tracer (tests/oracle/vfsd-trace.c); every syscall the
 * ABI table routes to vfsd is stopped, marshalled exactly as the table says
 * (reading and writing the program's memory through the tracer), answered by
 * vfsd's mailbox handler, and its result returned to the program. The program's
 * stdin/stdout/stderr are a vfsd pipe session. Until the emulated CPU runs glibc
 * programs, this is how busybox meets vfsd.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '@rustos/platform';
import { VFSD_SYSCALLS } from '@rustos/nucleus/dist/ps/linux/table/vfsd.js';
import type { InSpec, Len, OutSpec, When } from '@rustos/nucleus/dist/ps/linux/spec.js';
import { CONTROL, type Dispatcher } from '@rustos/vfsd/dist/dispatch.js';
import type { Vfs } from '@rustos/vfsd/dist/vfs.js';

const EFAULT = -14;

let tracer: string | undefined;
function tracerBinary(): string {
  if (tracer) return tracer;
  const source = join(ROOT, 'tests', 'oracle', 'vfsd-trace.c');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'rustos-vfsd-oracle');
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, `vfsd-trace-${hash}`);
  if (!existsSync(exe)) {
    const r = spawnSync('gcc', ['-O1', '-o', exe, source], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gcc failed: ${r.stderr}`);
  }
  tracer = exe;
  return exe;
}

/** A process's memory, through the tracer. */
class Remote {
  constructor(private readonly ask: (kind: 'R' | 'W', rest: string) => Promise<string>) {}

  async read(addr: number, len: number): Promise<Buffer | null> {
    if (len === 0) return Buffer.alloc(0);
    const r = await this.ask('R', `${addr} ${len}`);
    return r === '!' ? null : Buffer.from(r, 'hex');
  }

  async write(addr: number, data: Buffer): Promise<boolean> {
    return data.length === 0 || (await this.ask('W', `${addr} ${data.toString('hex')}`)) === 'ok';
  }

  /** A NUL-terminated string, read a page at a time so the read never crosses into an unmapped page. */
  async cstring(addr: number): Promise<Buffer | null> {
    const parts: Buffer[] = [];
    let at = addr;
    for (let total = 0; total <= 4096;) {
      const chunk = await this.read(at, 4096 - (at % 4096));
      if (!chunk) return null;
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        parts.push(chunk.subarray(0, nul));
        return Buffer.concat(parts);
      }
      parts.push(chunk);
      total += chunk.length;
      at += chunk.length;
    }
    return null;
  }

  async iovecs(addr: number, count: number): Promise<[number, number][] | null> {
    const raw = await this.read(addr, count * 16);
    if (!raw) return null;
    const out: [number, number][] = [];
    for (let i = 0; i < count; i++) out.push([Number(raw.readBigUInt64LE(i * 16)), Number(raw.readBigUInt64LE(i * 16 + 8))]);
    return out;
  }
}

const length = (args: number[], len: Len) => (typeof len === 'number' ? args[len]! : 'const' in len ? len.const : args[len.arg]! * len.times);
const applies = (args: number[], when: When | undefined) => !when || when.is.includes(args[when.arg]! | 0);

async function marshalIn(m: Remote, args: number[], specs: readonly InSpec[] | undefined): Promise<Buffer[] | null> {
  const out: Buffer[] = [];
  for (const s of specs ?? []) {
    const ptr = args[s.ptr]!;
    if (!applies(args, s.when) || ('optional' in s && s.optional && ptr === 0)) {
      out.push(Buffer.alloc(0));
      continue;
    }
    let b: Buffer | null;
    if (s.kind === 'cstr') b = await m.cstring(ptr);
    else if (s.kind === 'buf') b = await m.read(ptr, length(args, s.len));
    else if (s.kind === 'struct') b = await m.read(ptr, s.size);
    else if (s.kind === 'iov') {
      const vecs = await m.iovecs(ptr, args[s.count]!);
      if (!vecs) return null;
      const parts: Buffer[] = [];
      for (const [base, len] of vecs) {
        const p = await m.read(base, len);
        if (!p) return null;
        parts.push(p);
      }
      b = Buffer.concat(parts);
    } else {
      throw new Error(`${s.kind} is not replayed here`);
    }
    if (!b) return null;
    out.push(b);
  }
  return out;
}

async function marshalOut(m: Remote, args: number[], specs: readonly OutSpec[] | undefined, outputs: Buffer[]): Promise<number> {
  for (const [i, s] of (specs ?? []).entries()) {
    const data = outputs[i];
    if (!data || data.length === 0 || !applies(args, s.when)) continue;
    const ptr = args[s.ptr]!;
    if ('optional' in s && s.optional && ptr === 0) continue;
    if (s.kind === 'iov') {
      const vecs = await m.iovecs(ptr, args[s.count]!);
      if (!vecs) return EFAULT;
      let at = 0;
      for (const [base, len] of vecs) {
        if (at >= data.length) break;
        if (!(await m.write(base, data.subarray(at, at + len)))) return EFAULT;
        at += len;
      }
      continue;
    }
    if (s.kind === 'msghdr') throw new Error('msghdr (recvmsg) is not replayed here');
    const max = s.kind === 'buf' ? length(args, s.max) : s.size;
    if (data.length > max) return -22;
    if (!(await m.write(ptr, data))) return EFAULT;
  }
  return 0;
}

export interface TracedRun {
  stdout: string;
  stderr: string;
  /** The first process's exit status, or 128 + the signal that ended it. */
  status: number;
  /** Syscalls vfsd answered, and processes that ran. */
  calls: number;
  processes: number;
}

/** vfsd as the traced programs see it; a test may swap it mid-run for a restarted one. */
export interface Kernel {
  v: Vfs;
  d: Dispatcher;
}

const SPECS = new Map(VFSD_SYSCALLS.map((s) => [s.nr, s]));
let nextId = 1;

/**
 * A program tree under the tracer, vfsd answering its file syscalls. `restart`
 * stands for `rustos kill vfsd`: calls in flight fail with EINTR (as the nucleus
 * fails them) and the next calls go to the new generation.
 */
export class Traced {
  private readonly child;
  private readonly waiters = new Map<number, (payload: string) => void>();
  private readonly inFlight = new Map<number, { abandoned: boolean }>();
  private nextReq = 1;
  private first = 0;
  private status = 0;
  private calls = 0;
  private processes = 0;
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private readonly ended = new Set<string>();
  private session = 0;
  private readonly done: Promise<void>;
  private started!: () => void;
  readonly ready: Promise<void>;

  constructor(private k: Kernel, argv: string[], private readonly opts: { cwd: string; stdin?: string; env: string[]; endInput?: boolean }) {
    this.ready = new Promise((r) => { this.started = r; });
    this.child = spawn(tracerBinary(), argv, {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: Object.fromEntries(opts.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])),
    });
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (l) => this.line(l));
    this.done = new Promise((resolve) => lines.on('close', () => resolve()));
    this.send(`F ${[...SPECS.keys()].join(' ')}`);
  }

  private send(l: string): void {
    this.child.stdin.write(`${l}\n`);
  }

  private line(l: string): void {
    const [kind, a, b, ...rest] = l.split(' ');
    switch (kind) {
      case 'P': return this.begin(Number(a));
      case 'D': {
        const w = this.waiters.get(Number(a));
        this.waiters.delete(Number(a));
        return w?.(b ?? '');
      }
      case 'C': return void this.syscall(Number(a), Number(b), rest.map(Number));
      case 'K':
        this.processes++;
        return void this.control(CONTROL.PROC_FORK, [Number(a), Number(b), 0]);
      case 'E': return void this.control(CONTROL.PROC_EXEC, [Number(a)]);
      case 'X':
        if (Number(a) === this.first) this.status = Number(b);
        return void this.control(CONTROL.PROC_EXIT, [Number(a), Number(b)]);
    }
  }

  private control(op: number, args: number[]): void {
    void this.k.d.handle({ id: nextId++, pid: 0, tid: 0, op, args, inputs: [], context: {} });
  }

  private begin(pid: number): void {
    this.first = pid;
    this.processes = 1;
    const { v } = this.k;
    const s = v.sessions.create(false, undefined, 'traced');
    this.session = s.id;
    v.sessions.bind(s.id, pid);
    this.attach();
    if (this.opts.stdin) s.input(Buffer.from(this.opts.stdin));
    if (this.opts.endInput !== false) s.endInput();
    const p = v.procs.get(pid);
    p.cwd = this.opts.cwd;
    p.cwdLoc = undefined;
    this.send('G');
    this.started();
  }

  /** The launcher's side of the session (again after a restart, as runtimed would). */
  private attach(): void {
    this.k.v.sessions.get(this.session).attach((stream, data) => {
      if (!data) this.ended.add(stream);
      else (stream === 'STDOUT' ? this.out : this.err).push(data);
    });
  }

  private remote(pid: number, call: { abandoned: boolean }): Remote {
    return new Remote((kind, rest) => new Promise((resolve) => {
      // A call given up (its process went on with EINTR) must not touch that process's memory any more.
      if (call.abandoned) return resolve('!');
      const id = this.nextReq++;
      this.waiters.set(id, resolve);
      this.send(`${kind} ${id} ${pid} ${rest}`);
    }));
  }

  private async syscall(pid: number, nr: number, args: number[]): Promise<void> {
    const call = { abandoned: false };
    this.inFlight.set(pid, call);
    const spec = SPECS.get(nr)!;
    const remote = this.remote(pid, call);
    const { d } = this.k;
    const inputs = await marshalIn(remote, args, spec.in);
    let result = EFAULT;
    let signal = 0;
    if (inputs && !call.abandoned) {
      const a = await d.handle({ id: nextId++, pid, tid: pid, op: spec.nr, args, inputs, context: {} });
      result = a.result;
      signal = Number(a.context?.['signal.self'] ?? 0);
      if (result >= 0 && !call.abandoned) {
        const copied = await marshalOut(remote, args, spec.out, a.outputs ?? []);
        if (copied < 0) result = copied;
      }
    }
    if (call.abandoned) return;
    this.inFlight.delete(pid);
    this.calls++;
    // The nucleus applies a reply's signal (SIGPIPE for EPIPE) before the thread
    // returns to user mode: here the host kernel does, so it is sent while the
    // process still waits in its call. Sent after the answer, it raced the process,
    // which could report the EPIPE first ("sort: standard output: Broken pipe").
    if (signal) process.kill(pid, signal);
    this.send(`V ${pid} ${result}`);
  }

  /** `rustos kill vfsd`: the calls in flight fail with EINTR; the next ones reach the new generation. */
  restart(k: Kernel): void {
    for (const [pid, call] of this.inFlight) {
      call.abandoned = true;
      this.send(`V ${pid} -4`);
    }
    this.inFlight.clear();
    this.k = k;
    this.attach();
  }

  /** Input for the program, as the launcher types it. */
  input(text: string): void {
    this.k.v.sessions.get(this.session).input(Buffer.from(text));
  }

  output(): string {
    return Buffer.concat(this.out).toString();
  }

  async finish(): Promise<TracedRun> {
    await this.done;
    for (let i = 0; i < 100 && this.ended.size < 2; i++) await new Promise((r) => setTimeout(r, 5));
    this.k.v.sessions.close(this.session);
    this.child.stdin.end();
    const st = this.status;
    const code = (st & 0x7f) === 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f);
    return { stdout: Buffer.concat(this.out).toString(), stderr: Buffer.concat(this.err).toString(), status: code, calls: this.calls, processes: this.processes };
  }
}

/** Run `argv` (and what it forks) with vfsd answering the file syscalls; its cwd is the guest path `cwd`. */
export function runTraced(v: Vfs, d: Dispatcher, argv: string[], opts: { cwd: string; stdin?: string; env: string[] }): Promise<TracedRun> {
  return new Traced({ v, d }, argv, opts).finish();
}
