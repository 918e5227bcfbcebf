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
import { existsSync, mkdirSync, writeFileSync, rmSync, createWriteStream, type WriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
// Deep imports of dependency-free modules: the launcher starts the system before it loads gRPC (launch.ts).
import { ROOT, manifestsDir, unixAddress } from '@rustos/platform/config.js';
import { loadManifests, type Manifest } from '@rustos/platform/manifest.js';
import { withMallocTunables } from '@rustos/platform/process-env.js';

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
/**
 * Processes loading at once during a boot: three per core. Measured on two cores
 * (`up` → desktop.ready, median of 5): 2 or 3 at once 1.7 s (each service is still
 * loading when its turn in the boot order comes), 6 at once 1.6 s, all 11 at once
 * 1.9 s (the nucleus and rootd, which everyone waits for, get their share last).
 */
const BOOT_PARALLELISM = 3 * availableParallelism();

/** Where a service comes in the boot: rootd (launched by the nucleus), those rootd admits by order, those they launch. */
function bootRank(m: Manifest, all: Map<string, Manifest>, depth = 0): number {
  const by = all.get(m.launcher);
  if (!by || depth > all.size) return 0;
  return 1 + bootRank(by, all, depth + 1) + m.order / 1e6;
}

/** The nucleus, then every autostart service in boot order. */
export function programs(): Program[] {
  const all = loadManifests(manifestsDir());
  const services = [...all.values()].filter((m: Manifest) => m.autostart).sort((a, b) => bootRank(a, all) - bootRank(b, all));
  return [{ name: 'nucleus', entry: 'nucleus/dist/nucleus.cjs' }, ...services.map((m) => ({ name: m.name, entry: m.entry }))];
}

/**
 * The environment the system's processes start with: the caller's, less
 * NODE_EXTRA_CA_CERTS, plus the system's malloc tunables (platform/src/process-env.ts).
 * Node parses that CA bundle at every start before running any code (~60 ms of CPU
 * here, two thirds of a bare `node` start), and no process of the system makes a
 * TLS connection: it talks gRPC over Unix sockets and loopback.
 */
export function systemEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return withMallocTunables(rest);
}

/** A milestone as the nucleus logs it (its pino line carries `milestone`, `seq`, `time`). */
export interface LoggedMilestone {
  seq: number;
  name: string;
  subject: string;
  detail: string;
  generation: number;
  unixMs: number;
}

/** The boot's last milestone. */
export const BOOT_DONE = 'desktop.ready';

/** The milestone a nucleus log line reports, if it reports one. */
export function milestoneOf(line: string): LoggedMilestone | undefined {
  if (!line.includes('"milestone":')) return undefined;
  try {
    const l = JSON.parse(line) as { milestone?: unknown; seq?: unknown; subject?: string; detail?: string; generation?: number; time?: number };
    if (typeof l.milestone !== 'string' || typeof l.seq !== 'number') return undefined;
    return { seq: l.seq, name: l.milestone, subject: l.subject ?? '', detail: l.detail ?? '', generation: l.generation ?? 0, unixMs: l.time ?? Date.now() };
  } catch {
    return undefined;
  }
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
  private readonly milestoneWatchers = new Set<(m: LoggedMilestone) => void>();
  private onBooted!: (m: LoggedMilestone) => void;
  /** desktop.ready, as the nucleus logs it. */
  readonly booted = new Promise<LoggedMilestone>((resolve) => { this.onBooted = resolve; });
  exitCode = 0;

  constructor(private readonly home: string, private readonly env: NodeJS.ProcessEnv) {}

  /**
   * The nucleus first, then the services in boot order, BOOT_PARALLELISM loading
   * at once: a service is done loading when it has enrolled (it says so over IPC)
   * or after a second and a half. Started all at once, a dozen Node processes
   * shared the cores evenly, so the nucleus and rootd, which everything waits
   * for, came last (the nucleus served ~1 s after its start, ~0.2 s alone).
   */
  start(list: Program[]): void {
    mkdirSync(join(this.home, 'logs'), { recursive: true });
    for (const program of list) this.children.set(program.name, { program, proc: undefined, startedAt: 0, quickExits: 0 });
    const [nucleus, ...queue] = list;
    const socket = unixAddress('nucleus').slice('unix:'.length);
    rmSync(socket, { force: true });
    const nucleusProc = this.fork([join(ROOT, nucleus!.entry)]);
    this.adopt(nucleus!.name, nucleusProc);
    this.tapMilestones(nucleusProc);
    let loading = 1;
    const next = () => {
      while (loading < BOOT_PARALLELISM && queue.length && !this.stopping) {
        const p = queue.shift()!;
        const proc = this.fork([join(ROOT, p.entry)], true);
        this.adopt(p.name, proc);
        loading++;
        let settled = false;
        const settle = () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          loading--;
          next();
        };
        const timer = setTimeout(settle, 1500);
        proc.once('message', settle);
        proc.once('exit', settle);
      }
      this.writeState();
    };
    const nucleusUp = setInterval(() => {
      if (!existsSync(socket) && !this.stopping) return;
      clearInterval(nucleusUp);
      loading--;
      next();
    }, 5);
    next();
  }

  /** Every milestone from now on. Returns a function that stops the calls. */
  onMilestone(fn: (m: LoggedMilestone) => void): () => void {
    this.milestoneWatchers.add(fn);
    return () => this.milestoneWatchers.delete(fn);
  }

  /**
   * The launcher holds the nucleus's stdout, whose pino lines report every
   * milestone: following the boot needs no gRPC client here or in the CLI, which
   * would load one (~0.1 s of CPU each) while the system boots.
   */
  private tapMilestones(proc: ChildProcess): void {
    let partial = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const m = milestoneOf(line);
        if (!m) continue;
        for (const watch of this.milestoneWatchers) watch(m);
        if (m.name === BOOT_DONE) this.onBooted(m);
      }
    });
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
