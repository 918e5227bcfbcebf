/**
 * A local system for tests: booted with the real CLI (`rustos up --detach`) in a
 * fresh RUSTOS_HOME, every service its own process, torn down with `rustos down`
 * and checked to leave no process behind.
 */
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, symlinkSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNucleus, unaryCall, ROOT, type NucleusClients } from '@rustos/platform';
import type { SystemStatus__Output } from '@rustos/platform/gen/rustos/v1/SystemStatus.js';
import type { Milestone__Output } from '@rustos/platform/gen/rustos/v1/Milestone.js';

export const CLI = join(ROOT, 'cli', 'bin', 'rustos.js');

export interface BootOptions {
  env?: NodeJS.ProcessEnv;
  /** Also expose the tests' operator-tool manifests (the probe) to rootd. */
  tools?: boolean;
}

export class LocalSystem {
  readonly admin: NucleusClients;

  private constructor(readonly home: string, readonly env: NodeJS.ProcessEnv, readonly bootMs: number) {
    this.admin = connectNucleus(`unix:${join(home, 'run', 'nucleus.sock')}`);
  }

  static async boot(opts: BootOptions = {}): Promise<LocalSystem> {
    const home = mkdtempSync(join(tmpdir(), 'rustos-test-'));
    const env: NodeJS.ProcessEnv = { ...process.env, RUSTOS_HOME: home, ...opts.env };
    delete env.RUSTOS_ENDPOINT;
    if (opts.tools) {
      const dir = join(home, 'manifests');
      mkdirSync(dir);
      for (const s of readdirSync(join(ROOT, 'services'))) symlinkSync(join(ROOT, 'services', s), join(dir, s));
      for (const t of readdirSync(join(ROOT, 'tests', 'manifests'))) symlinkSync(join(ROOT, 'tests', 'manifests', t), join(dir, t));
      env.RUSTOS_MANIFESTS = dir;
    }
    const started = Date.now();
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'up', '--detach', '--quiet'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      child.on('exit', (code) => resolve({ code, out }));
    });
    const sys = new LocalSystem(home, env, Date.now() - started);
    if (r.code !== 0) {
      const logs = LocalSystem.logsOf(home);
      await sys.down().catch(() => undefined);
      throw new Error(`rustos up failed (${r.code}): ${r.out}\n${logs}`);
    }
    return sys;
  }

  static logsOf(home: string): string {
    const dir = join(home, 'logs');
    if (!existsSync(dir)) return '';
    return readdirSync(dir).map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-15).join('\n')}`).join('\n');
  }

  cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { env: this.env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  status(): Promise<SystemStatus__Output> {
    return unaryCall((cb) => this.admin.admin.Status({}, { deadline: Date.now() + 5000 }, cb));
  }

  async milestones(): Promise<Milestone__Output[]> {
    const r = await unaryCall<{ milestones: Milestone__Output[] }>((cb) => this.admin.milestones.List({ fromSeq: 1 }, { deadline: Date.now() + 5000 }, cb));
    return r.milestones;
  }

  /** Poll `check` until it returns a value (not undefined) or the deadline passes. */
  async until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 20): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${LocalSystem.logsOf(this.home)}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  launcherPids(): number[] {
    try {
      const state = JSON.parse(readFileSync(join(this.home, 'launcher.json'), 'utf8')) as { pid: number; children: Record<string, number> };
      return [state.pid, ...Object.values(state.children)];
    } catch {
      return [];
    }
  }

  /** `rustos down`, then assert every process of the system is gone. */
  async down(): Promise<void> {
    const pids = this.launcherPids();
    this.admin.close();
    const r = this.cli('down');
    const alive = pids.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
    for (const p of alive) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(this.home, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`rustos down failed: ${r.stderr}`);
    if (alive.length) throw new Error(`processes left behind after rustos down: ${alive.join(', ')}`);
  }
}
