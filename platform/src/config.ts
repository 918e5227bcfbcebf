/**
 * Where things are: every address and path a process needs comes from the
 * environment, with local-mode defaults under RUSTOS_HOME. The local launcher and
 * compose.yaml set the same variables, so no code path knows which mode it is in.
 */
import { resolve, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository (or image) root: platform/dist/config.js is two levels below it. */
export const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

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
