/**
 * uiserver's Wayland socket against a client nobody here wrote: Debian's
 * `wayland-info` (wayland-utils), linked against the real libwayland-client,
 * run in the guest with its libraries copied in. libwayland parses every event
 * the compositor sends (a malformed one aborts it), so its report checks the
 * wire format, the registry, bind, wl_shm's formats and wl_seat's events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LocalSystem } from '../local/system.js';

const WAYLAND_INFO = '/usr/bin/wayland-info';
const GUEST_DIR = '/tmp/libwayland';

/** The shared libraries ldd resolves for `path`, except glibc's own (the guest has those). */
function libraries(path: string): string[] {
  const r = spawnSync('ldd', [path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ldd ${path}: ${r.stderr}`);
  return [...r.stdout.matchAll(/=> (\/\S+)/g)].map((m) => m[1]!).filter((p) => !/\/(libc|ld-linux[^/]*)\.so/.test(p));
}

test('Debian\'s wayland-info (real libwayland-client) reads the compositor\'s globals, formats and seat', { timeout: 180_000 }, async () => {
  assert.ok(spawnSync('test', ['-x', WAYLAND_INFO]).status === 0, `${WAYLAND_INFO} is missing: install Debian's wayland-utils`);
  const sys = await LocalSystem.boot({ env: { RUSTOS_UI_HTTP: '127.0.0.1:0' } });
  try {
    await sys.until('the Wayland socket', async () => (await sys.milestones()).find((m) => m.name === 'uiserver.wayland' && m.detail === 'the Wayland socket'), 60_000, 100);
    // The program and its libraries in one host directory, copied in as a tree.
    const staged = mkdtempSync(join(tmpdir(), 'rustos-libwayland-'));
    for (const f of [WAYLAND_INFO, ...libraries(WAYLAND_INFO)]) copyFileSync(f, join(staged, basename(f)));
    const cp = sys.cli('cp', staged, `:${GUEST_DIR}`);
    assert.equal(cp.status, 0, `cp ${staged}: ${cp.stderr}`);
    const r = sys.cli('run', '-e', 'XDG_RUNTIME_DIR=/run/user/1000', '-e', 'WAYLAND_DISPLAY=wayland-0', '-e', `LD_LIBRARY_PATH=${GUEST_DIR}`, '--', `${GUEST_DIR}/wayland-info`);
    assert.equal(r.status, 0, `wayland-info: ${r.stderr}`);
    const globals = [...r.stdout.matchAll(/interface: '(\w+)',\s+version:\s+(\d+), name:\s+(\d+)/g)].map((m) => `${m[1]} v${m[2]}`);
    assert.deepEqual(globals, ['wl_compositor v4', 'wl_shm v1', 'wl_seat v5', 'xdg_wm_base v2']);
    assert.match(r.stdout, /1 = 'XR24'/);
    assert.match(r.stdout, /0 = 'AR24'/);
    assert.match(r.stdout, /name: seat0/);
    assert.match(r.stdout, /capabilities: pointer/);
  } finally {
    await sys.down();
  }
});
