/**
 * The local platform: runs the nucleus and every service as separate local
 * processes on Unix sockets under RUSTOS_HOME, and is the *executor* of restarts
 * (as Docker's restart policy is under compose): a process that exits with a
 * non-zero status is started again at once; rootd decides when it is admitted.
 * If the nucleus goes, everything goes (a power cut), and so does the launcher.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadManifests, manifestsDir, unixAddress, type Manifest } from '@rustos/platform';

export interface Program {
  name: string;
  entry: string;
}

interface Child {
  program: Program;
  proc: ChildProcess | undefined;
  startedAt: number;
  quickExits: number;
  restarts: number;
}

export function programs(): Program[] {
  const services = [...loadManifests(manifestsDir()).values()].filter((m: Manifest) => m.autostart);
  return [{ name: 'nucleus', entry: 'nucleus/dist/executive/main.js' }, ...services.map((m) => ({ name: m.name, entry: m.entry }))];
}

export class Launcher {
  private readonly children = new Map<string, Child>();
  private stopping = false;
  private finished!: () => void;
  readonly done = new Promise<void>((resolve) => { this.finished = resolve; });
  exitCode = 0;

  constructor(private readonly home: string, private readonly env: NodeJS.ProcessEnv) {}

  start(list: Program[]): void {
    mkdirSync(join(this.home, 'logs'), { recursive: true });
    for (const program of list) {
      this.children.set(program.name, { program, proc: undefined, startedAt: 0, quickExits: 0, restarts: 0 });
      this.spawn(program.name);
    }
    this.writeState();
  }

  private spawn(name: string): void {
    const child = this.children.get(name)!;
    const log = openSync(join(this.home, 'logs', `${name}.log`), 'a');
    const proc = spawn(process.execPath, [join(ROOT, child.program.entry)], {
      cwd: ROOT,
      env: { ...this.env, RUSTOS_PARENT_PID: String(process.pid) },
      stdio: ['ignore', log, log],
      // Own process group: a terminal's Ctrl-C reaches the launcher only, which then
      // shuts the system down in order.
      detached: true,
    });
    closeSync(log);
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
    }
    const allDown = [...this.children.values()].every((c) => !c.proc);
    if (this.stopping || code === 0) {
      if (allDown) this.finish();
      return;
    }
    // Unexpected exit: start it again at once; a process that keeps dying within a
    // second of starting is slowed down (rootd's backoff governs admission anyway).
    child.quickExits = Date.now() - child.startedAt < 1000 ? child.quickExits + 1 : 0;
    child.restarts++;
    const delay = child.quickExits > 1 ? Math.min(1000, 25 * 2 ** child.quickExits) : 0;
    process.stderr.write(`launcher: ${name} exited (${signal ?? `status ${code}`}); starting it again${delay ? ` in ${delay} ms` : ''}\n`);
    setTimeout(() => { if (!this.stopping) this.spawn(name); }, delay);
  }

  /** Stop everything: `graceful` lets the nucleus run its shutdown first. */
  async stop(graceMs = 6000): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + graceMs;
    while ([...this.children.values()].some((c) => c.proc) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    for (const c of this.children.values()) c.proc?.kill('SIGKILL');
    if ([...this.children.values()].every((c) => !c.proc)) this.finish();
  }

  pids(): Record<string, number> {
    return Object.fromEntries([...this.children].filter(([, c]) => c.proc?.pid).map(([n, c]) => [n, c.proc!.pid!]));
  }

  private writeState(): void {
    writeFileSync(join(this.home, 'launcher.json'), JSON.stringify({ pid: process.pid, nucleus: unixAddress('nucleus'), children: this.pids() }, null, 2));
  }

  private finish(): void {
    rmSync(join(this.home, 'launcher.json'), { force: true });
    this.finished();
  }
}
