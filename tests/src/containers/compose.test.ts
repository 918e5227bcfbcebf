/**
 * Compose smoke test: `up` (with whichever compose command exists: `docker compose`
 * or `docker-compose`), wait for every container to be healthy, `rustos status`
 * against the published admin endpoint says ready, the display page's console
 * and a Wayland client's window work, a `docker kill`ed service (vfsd) comes
 * back and the Wayland socket with it, what a guest wrote and synced into /data
 * outlives `down`/`up` (the disk is in the named volume `disks`), and `down -v`
 * removes everything.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROOT } from '@rustos/platform';
import { buildImages, baseImage, docker } from './images.js';
import { composeCommand, composeProject, freePort } from './compose.js';

const project = `rustos-smoke-${randomBytes(3).toString('hex')}`;
const [cmd, ...pre] = composeCommand();
let env: NodeJS.ProcessEnv = process.env;
const compose = composeProject(project, () => env);

function rustos(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin', 'rustos.js'), ...args], { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await (async () => { try { return await check(); } catch { return undefined; } })();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

after(() => {
  try { compose('down', '-v', '-t', '2'); } catch { /* already down */ }
});

test(`compose (${[cmd, ...pre].join(' ')}): up, healthy, status ready, recover a killed service, /data survives down/up, down`, async () => {
  buildImages();
  const port = await freePort();
  const display = await freePort();
  env = { ...process.env, RUSTOS_BASE_IMAGE: baseImage(), RUSTOS_ADMIN_PORT: String(port), RUSTOS_DISPLAY_PORT: String(display), RUSTOS_ENDPOINT: `127.0.0.1:${port}` };
  compose('build', '-q');
  compose('up', '-d');
  const ids = compose('ps', '-q').trim().split('\n').filter(Boolean);
  assert.equal(ids.length, 12, 'nucleus, ten services and the executor');
  await until('every container healthy', () => {
    const health = ids.map((id) => docker('inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', id).trim());
    return health.every((h) => h === 'healthy' || h === 'none') ? true : undefined;
  }, 120_000);
  const ready = await until('status ready', () => {
    const r = rustos('status', '--json');
    return r.status === 0 && (JSON.parse(r.stdout) as { ready: boolean }).ready ? JSON.parse(r.stdout) as { services: { name: string; generation: number }[] } : undefined;
  }, 60_000);
  assert.equal(ready.services.length, 10);

  // The display page is published on loopback, and its console runs a guest shell.
  const page = await fetch(`http://127.0.0.1:${display}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<canvas/);
  const prompt = await until('the console shows a shell prompt', async () => {
    const c = await (await fetch(`http://127.0.0.1:${display}/console.json`)).json() as { lines: string[] };
    return c.lines.some((l) => /[#$] ?$/.test(l.trimEnd())) ? c : undefined;
  }, 60_000);
  assert.ok(prompt.lines.length > 0);
  // A Wayland client in the guest gets a window from uiserver in another container (socket, SCM_RIGHTS, memfd).
  const wayclick = () => rustos('run', '-e', 'XDG_RUNTIME_DIR=/run/user/1000', '-e', 'WAYLAND_DISPLAY=wayland-0', '--', '/usr/bin/wayclick', '3');
  const first = wayclick();
  assert.deepEqual([first.status, first.stdout.trim(), first.stderr.trim()], [4, 'wayclick: window 240x160 shown', 'wayclick: no click within 3 s']);

  const vfsd = compose('ps', '-q', 'vfsd').trim();
  docker('kill', vfsd);
  await until('vfsd back as generation 2', () => {
    const r = rustos('status', '--json');
    const s = JSON.parse(r.stdout) as { ready: boolean; services: { name: string; generation: number; state: string }[] };
    const v = s.services.find((x) => x.name === 'vfsd');
    return s.ready && v?.generation === 2 && v.state === 'READY' ? true : undefined;
  }, 60_000);
  // uiserver listens again on the new vfsd.
  await until('a Wayland window again after the vfsd restart', () => (wayclick().stdout.includes('window 240x160 shown') ? true : undefined), 30_000);

  // /data is on storaged's disk in the named volume: it survives `down` and `up`.
  await until('a file written and synced into /data', () => {
    const r = rustos('run', '--', '/bin/busybox', 'sh', '-c', 'echo persisted-across-compose > /data/keep && sync');
    return r.status === 0 ? true : undefined;
  }, 60_000);
  compose('down', '-t', '2');
  assert.equal(docker('volume', 'ls', '-q', '--filter', `name=${project}_disks`).trim(), `${project}_disks`);
  compose('up', '-d');
  const kept = await until('/data/keep read back after down/up', () => {
    const r = rustos('run', '--', '/bin/busybox', 'cat', '/data/keep');
    return r.status === 0 ? r.stdout : undefined;
  }, 120_000);
  assert.equal(kept, 'persisted-across-compose\n');

  compose('down', '-v', '-t', '2');
  assert.equal(compose('ps', '-q').trim(), '', 'nothing left after down');
});
