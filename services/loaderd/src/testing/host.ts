/**
 * Test support against the host: the C programs of testdata/ built with the
 * host gcc (cached by source content), the native oracle exec-probe (an execve
 * with randomisation off, stopped under ptrace at its first instruction), and
 * an ExecFiles that opens host files with the host's own answers (ENOENT,
 * EACCES, ...), standing in for vfsd.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Errno } from '@rustos/platform';
import type { ExecFile, ExecFiles } from '../exec/files.js';

const here = dirname(fileURLToPath(import.meta.url));
const testdata = join(here, '..', '..', 'testdata');
const out = join(here, '..', '..', 'dist', 'testdata');

/** name -> gcc arguments before the source. */
const VARIANTS: Record<string, { src: string; flags: string[] }> = {
  'hello-static': { src: 'hello.c', flags: ['-static', '-O1'] },
  'hello-static-pie': { src: 'hello.c', flags: ['-static-pie', '-O1'] },
  'hello-dynamic': { src: 'hello.c', flags: ['-O1'] },
  'hello-nopie': { src: 'hello.c', flags: ['-no-pie', '-O1'] },
  'hello-align2m': { src: 'hello.c', flags: ['-static-pie', '-O1', '-Wl,-z,max-page-size=0x200000', '-Wl,-z,common-page-size=0x200000'] },
  'hello-execstack': { src: 'hello.c', flags: ['-static', '-O1', '-z', 'execstack'] },
  'exec-probe': { src: 'exec-probe.c', flags: ['-O2'] },
};

/** Builds what changed and returns name -> path. */
export function hostPrograms(): Record<string, string> {
  mkdirSync(out, { recursive: true });
  const paths: Record<string, string> = {};
  for (const [name, v] of Object.entries(VARIANTS)) {
    const bin = join(out, name);
    const stamp = createHash('sha256').update(readFileSync(join(testdata, v.src))).update(v.flags.join(' ')).digest('hex');
    if (!existsSync(bin) || !existsSync(`${bin}.stamp`) || readFileSync(`${bin}.stamp`, 'utf8') !== stamp) {
      // Test files run in parallel processes: build beside, then rename into place (atomic).
      const tmp = `${bin}.${process.pid}.tmp`;
      execFileSync('gcc', [...v.flags, '-o', tmp, join(testdata, v.src)], { stdio: ['ignore', 'ignore', 'inherit'] });
      renameSync(tmp, bin);
      writeFileSync(`${tmp}.stamp`, stamp);
      renameSync(`${tmp}.stamp`, `${bin}.stamp`);
    }
    paths[name] = bin;
  }
  return paths;
}

export interface NativeImage {
  rip: number;
  rsp: number;
  /** mm->start_brk. */
  brk: number;
  maps: string[];
  auxv: Array<[number, number]>;
  stack: Buffer;
  /** Each mapping but the stack; null where the pages cannot be read (past the end of the file). */
  memory: Array<{ start: number; bytes: Buffer | null }>;
}

export type NativeExec = { errno: number } | { signal: number } | NativeImage;

/** What Linux does with execve(path, argv, envp) under `setarch -R`; `memory`: read every mapping's bytes too. */
export function nativeExec(probe: string, path: string, argv: string[], envp: string[], opts: { cwd?: string; memory?: boolean } = {}): NativeExec {
  const input = [...argv, ...envp].map((s) => `${s}\0`).join('');
  const r = spawnSync(probe, [...(opts.memory ? ['-m'] : []), path, String(argv.length)], { cwd: opts.cwd, input, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`exec-probe failed (${r.status}): ${r.stderr}`);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  if ('errno' in j || 'signal' in j) return j as NativeExec;
  return {
    rip: j.rip as number,
    rsp: j.rsp as number,
    brk: j.brk as number,
    maps: j.maps as string[],
    auxv: j.auxv as Array<[number, number]>,
    stack: Buffer.from(j.stack as string, 'hex'),
    memory: (j.memory as Array<{ start: number; hex: string | null }>).map((m) => ({ start: m.start, bytes: m.hex === null ? null : Buffer.from(m.hex, 'hex') })),
  };
}

/** Host files with the host's answers, relative paths from `cwd`. */
export class HostFiles implements ExecFiles {
  readonly opened: string[] = [];

  constructor(private readonly cwd = process.cwd()) {}

  async openExec(_pid: number, path: string): Promise<ExecFile | number> {
    this.opened.push(path);
    const full = path.startsWith('/') ? path : join(this.cwd, path);
    try {
      const st = statSync(full);
      if (!st.isFile()) return Errno.EACCES;
      accessSync(full, constants.X_OK);
      const bytes = readFileSync(full);
      return { path: realpathSync(full), bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), device: Number(st.dev), inode: Number(st.ino), mode: st.mode };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      return code in Errno ? Errno[code as keyof typeof Errno] : Errno.EIO;
    }
  }
}

/** ExecFiles over named in-memory images (for fuzzing and crafted files). */
export class MemoryFiles implements ExecFiles {
  constructor(readonly files: Map<string, Uint8Array>) {}

  async openExec(_pid: number, path: string): Promise<ExecFile | number> {
    const bytes = this.files.get(path);
    return bytes ? { path, bytes, device: 1, inode: 2, mode: 0o100755 } : Errno.ENOENT;
  }
}
