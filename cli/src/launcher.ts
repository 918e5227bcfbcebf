/**
 * The local platform: runs the nucleus and every service as separate local
 * processes on Unix sockets under RUSTOS_HOME, and is the *executor* of restarts
 * (as Docker's restart policy is under compose): a process that exits with a
 * non-zero status is started again at once; rootd decides when it is admitted.
 * A warm spare (spare.ts) takes over a dead service's role when one is ready, so
 * a restart does not pay Node's start-up again. If the nucleus goes, everything
 * goes (a power cut), and so does the launcher.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
// Deep imports of dependency-free modules: the launcher starts the system before it loads gRPC (launch.ts).
import { ROOT, manifestsDir, unixAddress } from '@rustos/platform/config.js';
import { loadManifests, type Manifest } from '@rustos/platform/manifest.js';

export interface Program {
  name: string;
  entry: string;
}

interface Child {
  program: Program;
  proc: ChildProcess | undefined;
  startedAt: number;
  quickExits: number;
}

const SPARE_ENTRY = join(ROOT, 'cli', 'dist', 'spare.cjs');

export function programs(): Program[] {
  const services = [...loadManifests(manifestsDir()).values()].filter((m: Manifest) => m.autostart);
  return [{ name: 'nucleus', entry: 'nucleus/dist/nucleus.cjs' }, ...services.map((m) => ({ name: m.name, entry: m.entry }))];
}

/**
 * The environment the system's processes start with: the caller's, less
 * NODE_EXTRA_CA_CERTS. Node parses that CA bundle at every start before running
 * any code (~60 ms of CPU here, two thirds of a bare `node` start), and no process
 * of the system makes a TLS connection: it talks gRPC over Unix sockets and loopback.
 */
export function systemEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

export class Launcher {
  private readonly children = new Map<string, Child>();
  private readonly logs = new Map<string, WriteStream>();
  /** Role of each running process, for routing its output to the right log. */
  private readonly roles = new Map<ChildProcess, string>();
  private spare: ChildProcess | undefined;
  private spareReady = false;
  private stopping = false;
  private finished!: () => void;
  readonly done = new Promise<void>((resolve) => { this.finished = resolve; });
  exitCode = 0;

  constructor(private readonly home: string, private readonly env: NodeJS.ProcessEnv) {}

  start(list: Program[]): void {
    mkdirSync(join(this.home, 'logs'), { recursive: true });
    for (const program of list) {
      this.children.set(program.name, { program, proc: undefined, startedAt: 0, quickExits: 0 });
      this.adopt(program.name, this.fork([join(ROOT, program.entry)]));
    }
    this.writeState();
  }

  /** Keep a warm spare from now on (after boot, so it does not compete with it). */
  keepSpare(): void {
    if (this.stopping || this.spare) return;
    const proc = this.fork([SPARE_ENTRY], true);
    this.spare = proc;
    this.spareReady = false;
    this.roles.set(proc, 'spare');
    proc.on('message', (m: { ready?: boolean }) => { if (m?.ready && this.spare === proc) this.spareReady = true; });
    proc.on('exit', () => {
      if (this.spare !== proc) return;
      this.spare = undefined;
      if (!this.stopping) setTimeout(() => this.keepSpare(), 1000);
    });
  }

  private fork(args: string[], ipc = false): ChildProcess {
    // RUSTOS_NODE_ARGS: extra Node flags for every process (e.g. --cpu-prof, --inspect).
    const nodeArgs = (this.env.RUSTOS_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const proc = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: ROOT,
      env: { ...systemEnv(this.env), RUSTOS_PARENT_PID: String(process.pid) },
      stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal's Ctrl-C reaches the launcher only, which then
      // shuts the system down in order.
      detached: true,
    });
    const relay = (chunk: Buffer) => this.logFor(this.roles.get(proc) ?? 'launcher').write(chunk);
    proc.stdout!.on('data', relay);
    proc.stderr!.on('data', relay);
    return proc;
  }

  private logFor(name: string): WriteStream {
    let s = this.logs.get(name);
    if (!s) {
      s = createWriteStream(join(this.home, 'logs', `${name}.log`), { flags: 'a' });
      this.logs.set(name, s);
    }
    return s;
  }

  private adopt(name: string, proc: ChildProcess): void {
    const child = this.children.get(name)!;
    this.roles.set(proc, name);
    child.proc = proc;
    child.startedAt = Date.now();
    proc.on('exit', (code, signal) => this.exited(name, proc, code, signal));
    this.writeState();
  }

  private exited(name: string, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const child = this.children.get(name)!;
    if (child.proc !== proc) return;
    child.proc = undefined;
    if (name === 'nucleus') {
      // The machine is gone: nothing can run without it.
      this.exitCode = code ?? 1;
      this.stopping = true;
      for (const c of this.children.values()) c.proc?.kill('SIGKILL');
      this.spare?.kill('SIGKILL');
    }
    const allDown = [...this.children.values()].every((c) => !c.proc);
    if (this.stopping || code === 0) {
      if (allDown) this.finish();
      return;
    }
    // Unexpected exit: start it again at once; a process that keeps dying within a
    // second of starting is slowed down (rootd's backoff governs admission anyway).
    child.quickExits = Date.now() - child.startedAt < 1000 ? child.quickExits + 1 : 0;
    const delay = child.quickExits > 1 ? Math.min(1000, 25 * 2 ** child.quickExits) : 0;
    this.logFor('launcher').write(`launcher: ${name} exited (${signal ?? `status ${code}`}); starting it again${delay ? ` in ${delay} ms` : ''}\n`);
    setTimeout(() => this.restart(name), delay);
  }

  private restart(name: string): void {
    if (this.stopping) return;
    const spare = this.spare;
    if (spare && this.spareReady && spare.connected) {
      this.spare = undefined;
      spare.send({ become: name, entry: join(ROOT, this.children.get(name)!.program.entry) });
      this.adopt(name, spare);
      this.keepSpare();
    } else {
      this.adopt(name, this.fork([join(ROOT, this.children.get(name)!.program.entry)]));
    }
  }

  /** Wait for every process to be gone (the nucleus shuts them down), then cut off stragglers. */
  async stop(graceMs = 6000): Promise<void> {
    this.stopping = true;
    this.spare?.kill('SIGKILL');
    const deadline = Date.now() + graceMs;
    while ([...this.children.values()].some((c) => c.proc) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    for (const c of this.children.values()) c.proc?.kill('SIGKILL');
    if ([...this.children.values()].every((c) => !c.proc)) this.finish();
  }

  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [n, c] of this.children) if (c.proc?.pid) out[n] = c.proc.pid;
    if (this.spare?.pid) out.spare = this.spare.pid;
    return out;
  }

  private writeState(): void {
    writeFileSync(join(this.home, 'launcher.json'), JSON.stringify({ pid: process.pid, nucleus: unixAddress('nucleus'), children: this.pids() }, null, 2));
  }

  private finish(): void {
    rmSync(join(this.home, 'launcher.json'), { force: true });
    for (const s of this.logs.values()) s.end();
    this.finished();
  }
}
