/**
 * The differential suite (tests/src/linux) against the compose deployment: the
 * same case table as against the local system, reached through the published
 * admin endpoint (`rustos --endpoint`, here RUSTOS_ENDPOINT), with the images
 * holding build/rootfs as vfsd's root.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';
import { buildImages, baseImage } from './images.js';
import { composeProject, freePort } from './compose.js';
import { defineSuite } from '../linux/suite.js';
import { endpointTarget } from '../linux/guest.js';

let env: NodeJS.ProcessEnv = process.env;
const compose = composeProject(`rustos-suite-${randomBytes(3).toString('hex')}`, () => env);

async function ready(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin', 'rustos.js'), 'status', '--json'], { env: { ...env, RUSTOS_ENDPOINT: endpoint }, encoding: 'utf8' });
    try {
      if (r.status === 0 && (JSON.parse(r.stdout) as { ready: boolean }).ready) return;
    } catch { /* not JSON yet */ }
    if (Date.now() > deadline) throw new Error(`the compose system at ${endpoint} was not ready after ${timeoutMs} ms: ${r.stderr}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

defineSuite({
  async connect() {
    buildImages();
    const port = await freePort();
    env = { ...process.env, RUSTOS_BASE_IMAGE: baseImage(), RUSTOS_ADMIN_PORT: String(port), RUSTOS_DISPLAY_PORT: String(await freePort()) };
    compose('build', '-q');
    compose('up', '-d');
    const endpoint = `127.0.0.1:${port}`;
    await ready(endpoint, 180_000);
    return endpointTarget(endpoint);
  },
  async release() {
    try { compose('down', '-v', '-t', '2'); } catch { /* never came up */ }
  },
});
