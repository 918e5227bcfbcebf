/** Running the compose deployment from tests: which compose command exists, a free admin port, and a project runner. */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';

export function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  throw new Error('neither `docker compose` nor `docker-compose` is installed');
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A function running `compose -p project -f compose.yaml <args>` with `env()`, throwing on failure. */
export function composeProject(project: string, env: () => NodeJS.ProcessEnv): (...args: string[]) => string {
  const [cmd, ...pre] = composeCommand();
  return (...args) => {
    const r = spawnSync(cmd!, [...pre, '-p', project, '-f', join(ROOT, 'compose.yaml'), ...args], { cwd: ROOT, env: env(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`compose ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
}
