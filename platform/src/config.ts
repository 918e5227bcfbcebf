/**
 * Where things are: every address and path a process needs comes from the
 * environment, with local-mode defaults under RUSTOS_HOME. The local launcher and
 * compose.yaml set the same variables, so no code path knows which mode it is in.
 */
import { resolve, join, dirname } from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository (or image) root: the nearest directory above this file holding the project's package.json. */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'rustos-ts') return dir;
    if (dirname(dir) === dir) throw new Error(`no rustos-ts package.json above ${from}`);
  }
}

export const ROOT = process.env.RUSTOS_ROOT ?? findRoot(dirname(fileURLToPath(import.meta.url)));

export function home(): string {
  return resolve(process.env.RUSTOS_HOME ?? '.rustos');
}

export function runDir(): string {
  return join(home(), 'run');
}

export function unixAddress(name: string): string {
  return `unix:${join(runDir(), `${name}.sock`)}`;
}

/** The nucleus's gRPC address (control, brokers, IPC, admin). */
export function nucleusAddress(): string {
  return process.env.RUSTOS_NUCLEUS ?? process.env.RUSTOS_ENDPOINT ?? unixAddress('nucleus');
}

export function manifestsDir(): string {
  return process.env.RUSTOS_MANIFESTS ?? join(ROOT, 'services');
}

/**
 * The enrollment secret shared by the platform and the processes it starts.
 * Local mode keeps it in RUSTOS_HOME/secret (mode 0600); compose passes RUSTOS_SECRET.
 */
export function secret(): string {
  if (process.env.RUSTOS_SECRET) return process.env.RUSTOS_SECRET;
  try {
    return readFileSync(join(home(), 'secret'), 'utf8').trim();
  } catch {
    return '';
  }
}
