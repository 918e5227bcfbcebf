/**
 * Differential syscall scripts: the same sequence of raw file syscalls runs on the
 * host kernel (tests/oracle/syscall-script.c, in a directory on the host's tmpfs)
 * and through vfsd's mailbox handler (in /tmp, vfsd's tmpfs), marshalled by the
 * ABI table as the nucleus will. Results and output bytes are compared; what
 * legitimately differs (inode and device numbers, times) is compared by identity:
 * each side's values are renamed #1, #2… in the order they appear, so "the same
 * file keeps its inode" and "two files differ" are still checked.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';
import { VFSD_SYSCALLS } from '@rustos/nucleus/dist/ps/linux/table/vfsd.js';
import type { OffloadSpec } from '@rustos/nucleus/dist/ps/linux/spec.js';
import { Dispatcher } from '@rustos/vfsd/dist/dispatch.js';
import { Vfs } from '@rustos/vfsd/dist/vfs.js';
import { FakeMemory, marshalIn, marshalOut } from './fake-memory.js';

export type ScriptArg =
  | number
  | null
  | { s: string }
  | { b: Buffer; show?: boolean }
  | { o: number }
  | { v: Buffer[] }
  | { V: number[] }
  | { r: number }
  | { f: [number, number] };

export type Decode = 'stat' | 'statx' | 'dirents' | 'statfs' | 'raw';

export interface Step {
  name: string;
  args: ScriptArg[];
  decode?: Decode;
}

export type Line = Step | { wait: number };

export const str = (s: string): ScriptArg => ({ s });
export const bytes = (b: Buffer | string, show = false): ScriptArg => ({ b: Buffer.isBuffer(b) ? b : Buffer.from(b), show });
export const out = (n: number): ScriptArg => ({ o: n });
export const res = (k: number): ScriptArg => ({ r: k });
export const fdAt = (k: number, at: number): ScriptArg => ({ f: [k, at] });
export const iov = (...chunks: string[]): ScriptArg => ({ v: chunks.map((c) => Buffer.from(c)) });
export const iovOut = (...sizes: number[]): ScriptArg => ({ V: sizes });
export const call = (name: string, ...args: ScriptArg[]): Step => ({ name, args });
export const decoded = (decode: Decode, name: string, ...args: ScriptArg[]): Step => ({ name, args, decode });
export const AT_FDCWD = -100;

const SPECS = new Map<string, OffloadSpec>(VFSD_SYSCALLS.map((s) => [s.name, s]));

function spec(name: string): OffloadSpec {
  const s = SPECS.get(name);
  if (!s) throw new Error(`${name} is not a vfsd syscall`);
  return s;
}

// ---- the host side ----

let binary: string | undefined;

function oracle(): string {
  if (binary) return binary;
  const source = join(ROOT, 'tests', 'oracle', 'syscall-script.c');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'rustos-vfsd-oracle');
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, `syscall-script-${hash}`);
  if (!existsSync(exe)) {
    const r = spawnSync('gcc', ['-O1', '-o', exe, source], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gcc failed: ${r.stderr}`);
  }
  binary = exe;
  return exe;
}

function hex(b: Buffer): string {
  return b.length ? b.toString('hex') : '-';
}

function wire(lines: Line[]): string {
  return lines.map((l) => {
    if ('wait' in l) return `w:${l.wait}`;
    const parts = [String(spec(l.name).nr)];
    for (const a of l.args) {
      if (a === null) parts.push('n');
      else if (typeof a === 'number') parts.push(`i:${a}`);
      else if ('s' in a) parts.push(`s:${Buffer.from(a.s).toString('hex')}`);
      else if ('b' in a) parts.push(`${a.show ? 'B' : 'b'}:${a.b.toString('hex')}`);
      else if ('o' in a) parts.push(`o:${a.o}`);
      else if ('v' in a) parts.push(`v:${a.v.map((c) => c.toString('hex')).join(',')}`);
      else if ('V' in a) parts.push(`V:${a.V.join(',')}`);
      else if ('r' in a) parts.push(`r:${a.r}`);
      else parts.push(`f:${a.f[0]}:${a.f[1]}`);
    }
    return parts.join(' ');
  }).join('\n') + '\n';
}

/** Run on the host, in a fresh directory on the host's tmpfs. */
export function runNative(lines: Line[]): string[] {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'vfsd-oracle-'));
  const cwd = join(dir, 'w');
  mkdirSync(cwd);
  try {
    const r = spawnSync(oracle(), [], { cwd, input: wire(lines), encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`oracle failed (${r.status} ${r.signal}): ${r.stderr}`);
    return r.stdout.trim().split('\n').filter((l) => l.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the vfsd side ----

export const PID = 100;

export interface Guest {
  v: Vfs;
  d: Dispatcher;
  /** A raw mailbox call (inputs already marshalled). */
  raw(nr: number, args: number[], inputs?: Buffer[]): Promise<{ result: number; outputs: Buffer[]; context: Record<string, string> }>;
  cleanup(): void;
}

let nextId = 1;

/** A fresh vfsd with process PID: fds 0-2 on a pipe session, cwd /tmp/w. */
export async function guest(rootDir?: string): Promise<Guest> {
  const dir = mkdtempSync(join(tmpdir(), 'vfsd-guest-'));
  const root = rootDir ?? join(dir, 'root');
  mkdirSync(root, { recursive: true });
  const v = new Vfs({ rootDir: root, homeDir: join(dir, 'home') });
  const d = new Dispatcher(v, (err) => { throw err; });
  const s = v.sessions.create(false, undefined, 'test');
  v.sessions.bind(s.id, PID);
  const raw = async (nr: number, args: number[], inputs: Buffer[] = []) => {
    const a = await d.handle({ id: nextId++, pid: PID, tid: PID, op: nr, args, inputs, context: {} });
    return { result: a.result, outputs: a.outputs ?? [], context: a.context ?? {} };
  };
  await raw(83, [0, 0o755], [Buffer.from('/tmp/w')]);
  await raw(80, [0], [Buffer.from('/tmp/w')]);
  return { v, d, raw, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run through vfsd's mailbox handler, marshalling as the ABI table says. */
export async function runVfsd(lines: Line[], g?: Guest): Promise<string[]> {
  const own = g ?? await guest();
  const results: number[] = [];
  const firstShown: Buffer[] = [];
  const outLines: string[] = [];
  try {
    for (const l of lines) {
      if ('wait' in l) {
        await new Promise((r) => setTimeout(r, l.wait));
        continue;
      }
      const s = spec(l.name);
      const mem = new FakeMemory();
      const shown: (() => Buffer)[] = [];
      const args = l.args.map((a): number => {
        if (a === null) return 0;
        if (typeof a === 'number') return a;
        if ('s' in a) return mem.alloc(Buffer.concat([Buffer.from(a.s), Buffer.alloc(1)]));
        if ('b' in a) {
          const at = mem.alloc(Buffer.from(a.b));
          if (a.show) shown.push(() => mem.read(at, a.b.length));
          return at;
        }
        if ('o' in a) {
          const at = mem.alloc(Buffer.alloc(a.o));
          shown.push(() => mem.read(at, a.o));
          return at;
        }
        if ('v' in a || 'V' in a) {
          const chunks = 'v' in a ? a.v : a.V.map((n) => Buffer.alloc(n));
          const vec = Buffer.alloc(chunks.length * 16);
          const addrs = chunks.map((c, i) => {
            const at = mem.alloc(Buffer.from(c));
            vec.writeBigUInt64LE(BigInt(at), i * 16);
            vec.writeBigUInt64LE(BigInt(c.length), i * 16 + 8);
            return at;
          });
          if ('V' in a) shown.push(() => Buffer.concat(addrs.map((at, i) => mem.read(at, chunks[i]!.length))));
          return mem.alloc(vec);
        }
        if ('r' in a) return results[a.r]!;
        return firstShown[a.f[0]]!.readInt32LE(a.f[1]);
      });
      while (args.length < 6) args.push(0);
      const reply = await own.raw(s.nr, args, marshalIn(mem, args, s.in));
      let result = reply.result;
      if (result >= 0) {
        const copied = marshalOut(mem, args, s.out, reply.outputs);
        if (copied < 0) result = copied;
      }
      results.push(result);
      const bufs = shown.map((f) => f());
      firstShown.push(bufs[0] ?? Buffer.alloc(0));
      outLines.push([`${results.length - 1} ${result}`, ...bufs.map(hex)].join(' '));
    }
  } finally {
    if (!g) own.cleanup();
  }
  return outLines;
}

// ---- comparing ----

/** Renames values (inodes, devices) to #1, #2… in order of appearance. */
class Labels {
  private readonly seen = new Map<string, string>();
  label(kind: string, v: bigint | number): string {
    const key = `${kind}:${v}`;
    let l = this.seen.get(key);
    if (!l) {
      l = `${kind}#${[...this.seen.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1}`;
      this.seen.set(key, l);
    }
    return l;
  }
}

function decode(kind: Decode | undefined, h: string, labels: Labels, result: number): string {
  if (h === '-' || !kind || kind === 'raw') return h;
  const b = Buffer.from(h, 'hex');
  switch (kind) {
    case 'stat':
      return `mode=${b.readUInt32LE(24).toString(8)} nlink=${b.readBigUInt64LE(16)} uid=${b.readUInt32LE(28)} gid=${b.readUInt32LE(32)} `
        + `rdev=${b.readBigUInt64LE(40).toString(16)} size=${b.readBigInt64LE(48)} blksize=${b.readBigInt64LE(56)} blocks=${b.readBigInt64LE(64)} `
        + `${labels.label('ino', b.readBigUInt64LE(8))} ${labels.label('dev', b.readBigUInt64LE(0))}`;
    case 'statx':
      return `mask=${b.readUInt32LE(0).toString(16)} blksize=${b.readUInt32LE(4)} attrs=${b.readBigUInt64LE(8).toString(16)} `
        + `nlink=${b.readUInt32LE(16)} uid=${b.readUInt32LE(20)} gid=${b.readUInt32LE(24)} mode=${b.readUInt16LE(28).toString(8)} `
        + `size=${b.readBigUInt64LE(40)} blocks=${b.readBigUInt64LE(48)} attrmask=${b.readBigUInt64LE(56).toString(16)} `
        + `rdev=${b.readUInt32LE(128)}:${b.readUInt32LE(132)} ${labels.label('ino', b.readBigUInt64LE(32))} `
        + `${labels.label('dev', BigInt(b.readUInt32LE(136)) << 32n | BigInt(b.readUInt32LE(140)))}`;
    case 'statfs':
      return `type=${b.readBigInt64LE(0).toString(16)} bsize=${b.readBigInt64LE(8)} namelen=${b.readBigInt64LE(64)} frsize=${b.readBigInt64LE(72)}`;
    case 'dirents': {
      const names: string[] = [];
      // Only the first `result` bytes are records.
      for (let at = 0; at + 19 <= Math.max(0, result);) {
        const reclen = b.readUInt16LE(at + 16);
        if (reclen === 0) return `${names.join(',')},<zero reclen>`;
        const name = b.subarray(at + 19, b.indexOf(0, at + 19)).toString();
        names.push(`${name}:${b[at + 18]}:${reclen}:${labels.label('ino', b.readBigUInt64LE(at))}`);
        at += reclen;
      }
      return names.join(',');
    }
  }
}

/** Each transcript line rendered for comparison: the call, its result, its decoded outputs. */
export function render(lines: Line[], transcript: string[]): string[] {
  const labels = new Labels();
  const steps = lines.filter((l): l is Step => !('wait' in l));
  return transcript.map((t, i) => {
    const [k, result, ...bufs] = t.split(' ');
    const step = steps[i]!;
    const r = Number(result);
    const shown = r < 0 ? `-${errname(-r)}` : String(r);
    return `${k} ${step.name} = ${shown}${bufs.map((h) => ` [${decode(step.decode, h, labels, r)}]`).join('')}`;
  });
}

const ERRNAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 9: 'EBADF', 11: 'EAGAIN', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY',
  17: 'EEXIST', 18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 24: 'EMFILE', 25: 'ENOTTY', 27: 'EFBIG',
  28: 'ENOSPC', 29: 'ESPIPE', 30: 'EROFS', 32: 'EPIPE', 34: 'ERANGE', 36: 'ENAMETOOLONG', 39: 'ENOTEMPTY', 40: 'ELOOP',
  61: 'ENODATA', 95: 'EOPNOTSUPP',
};
const errname = (e: number) => ERRNAMES[e] ?? `E${e}`;

/** Both transcripts, rendered. */
export async function both(lines: Line[]): Promise<{ native: string[]; vfsd: string[] }> {
  const native = render(lines, runNative(lines));
  const vfsd = render(lines, await runVfsd(lines));
  return { native, vfsd };
}
