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

/** The program's memory, through the tracer. */
class Remote {
  constructor(private readonly ask: (line: string) => Promise<string>) {}

  async read(addr: number, len: number): Promise<Buffer | null> {
    if (len === 0) return Buffer.alloc(0);
    const r = await this.ask(`R ${addr} ${len}`);
    return r.startsWith('D ') ? Buffer.from(r.slice(2), 'hex') : null;
  }

  async write(addr: number, data: Buffer): Promise<boolean> {
    return data.length === 0 || (await this.ask(`W ${addr} ${data.toString('hex')}`)) === 'K';
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
      throw new Error('cstrv is not used by vfsd');
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
    const max = s.kind === 'buf' ? length(args, s.max) : s.size;
    if (data.length > max) return -22;
    if (!(await m.write(ptr, data))) return EFAULT;
  }
  return 0;
}

export interface TracedRun {
  stdout: string;
  stderr: string;
  /** The exit status, or 128 + the signal that ended it. */
  status: number;
  /** Syscalls vfsd answered. */
  calls: number;
}

const SPECS = new Map(VFSD_SYSCALLS.map((s) => [s.nr, s]));
let nextId = 1;

/** Run `argv` with vfsd answering its file syscalls; its cwd is the guest path `cwd`. */
export async function runTraced(v: Vfs, d: Dispatcher, argv: string[], opts: { cwd: string; stdin?: string; env: string[] }): Promise<TracedRun> {
  const child = spawn(tracerBinary(), argv, {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: Object.fromEntries(opts.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])),
  });
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l); else queue.push(l);
  });
  const next = () => new Promise<string>((resolve) => {
    const l = queue.shift();
    if (l !== undefined) resolve(l); else waiting.push(resolve);
  });
  const send = (l: string) => child.stdin.write(`${l}\n`);
  const remote = new Remote(async (l) => {
    send(l);
    return next();
  });

  send(`F ${[...SPECS.keys()].join(' ')}`);
  const ready = await next();
  const pid = Number(ready.slice(2));
  const session = v.sessions.create(false, undefined, argv.join(' '));
  v.sessions.bind(session.id, pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const ended = new Set<string>();
  session.attach((stream, data) => {
    if (!data) ended.add(stream);
    else (stream === 'STDOUT' ? out : err).push(data);
  });
  if (opts.stdin) session.input(Buffer.from(opts.stdin));
  session.endInput();
  const p = v.procs.get(pid);
  p.cwd = opts.cwd;
  p.cwdLoc = undefined;
  send('G');

  let calls = 0;
  let status = 0;
  for (;;) {
    const l = await next();
    if (l.startsWith('X ')) {
      status = Number(l.slice(2));
      break;
    }
    if (l === 'E') {
      void d.handle({ id: nextId++, pid: 0, tid: 0, op: CONTROL.PROC_EXEC, args: [pid], inputs: [], context: {} });
      continue;
    }
    const [, nr, ...rest] = l.split(' ');
    const args = rest.map(Number);
    const spec = SPECS.get(Number(nr))!;
    const inputs = await marshalIn(remote, args, spec.in);
    let result = EFAULT;
    if (inputs) {
      const a = await d.handle({ id: nextId++, pid, tid: pid, op: spec.nr, args, inputs, context: {} });
      result = a.result;
      if (result >= 0) {
        const copied = await marshalOut(remote, args, spec.out, a.outputs ?? []);
        if (copied < 0) result = copied;
      }
    }
    calls++;
    send(`V ${result}`);
  }
  void d.handle({ id: nextId++, pid: 0, tid: 0, op: CONTROL.PROC_EXIT, args: [pid, status], inputs: [], context: {} });
  for (let i = 0; i < 100 && ended.size < 2; i++) await new Promise((r) => setTimeout(r, 5));
  v.sessions.close(session.id);
  child.stdin.end();
  const code = (status & 0x7f) === 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), status: code, calls };
}
