/**
 * Runs a program natively on the host, the reference every emulated run is compared
 * with: exact argv (including argv[0]), exactly the given environment (nothing
 * inherited, like `env -i`), the given stdin, and captured stdout/stderr.
 */
import { spawnSync } from 'node:child_process';

export interface Invocation {
  /** The executable's path on the host (also AT_EXECFN and /proc/self/exe). */
  path: string;
  /** argv including argv[0]. */
  argv: string[];
  envp: string[];
  stdin?: Uint8Array;
}

export interface NativeResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  signal: string | null;
}

function spawn(cmd: string, args: string[], argv0: string, envp: string[], stdin?: Uint8Array): NativeResult {
  const env: Record<string, string> = {};
  for (const e of envp) {
    const eq = e.indexOf('=');
    env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  const r = spawnSync(cmd, args, { argv0, env, input: stdin ?? new Uint8Array(0), maxBuffer: 64 << 20, timeout: 60_000 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status, signal: r.signal };
}

export function runNative(inv: Invocation): NativeResult {
  return spawn(inv.path, inv.argv.slice(1), inv.argv[0]!, inv.envp, inv.stdin);
}

/**
 * The same program under qemu-x86_64 user mode with `-cpu max`: another CPU model
 * (so glibc picks other string/math variants) and an independent x86 implementation.
 * qemu-user rebuilds the guest environment in reverse order, so it is handed reversed.
 */
export function runQemu(inv: Invocation): NativeResult {
  const args = ['-cpu', 'max', '-0', inv.argv[0]!, inv.path, ...inv.argv.slice(1)];
  return spawn('qemu-x86_64', args, 'qemu-x86_64', [...inv.envp].reverse(), inv.stdin);
}
