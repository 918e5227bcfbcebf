/**
 * A local system boots in the seed's order and reports every service ready, each
 * holding exactly the rights its manifest names; operator commands naming no service
 * are refused with a message.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadManifests, rightsOf, ROOT } from '@rustos/platform';
import { join } from 'node:path';
import { LocalSystem } from './system.js';
import { SEED_ORDER, checkSeedOrder } from '../seed-order.js';


let sys: LocalSystem;
before(async () => { sys = await LocalSystem.boot(); });
after(async () => { await sys?.down(); });

test('milestones follow the seed boot order, with increasing sequence numbers and clocks', async () => {
  const ms = await sys.milestones();
  const names = ms.map((m) => m.name);
  assert.equal(checkSeedOrder(names), undefined);
  for (let i = 1; i < ms.length; i++) {
    assert.equal(ms[i]!.seq, ms[i - 1]!.seq + 1, 'sequence numbers are consecutive');
    assert.ok(ms[i]!.monoMs >= ms[i - 1]!.monoMs, 'monotonic clock never goes back');
  }
  // uiserver was bootstrapped by runtimed with its manifest env applied.
  const env = ms.find((m) => m.name === 'uiserver.env');
  assert.match(env?.detail ?? '', /XDG_RUNTIME_DIR=\/run\/user\/1000 WAYLAND_DISPLAY=wayland-0/);
});

test('status --json reports the system and every service ready, with exactly the manifest rights', async () => {
  const r = sys.cli('status', '--json');
  assert.equal(r.status, 0, r.stderr);
  const status = JSON.parse(r.stdout) as { ready: boolean; services: { name: string; state: string; lease: string; generation: number; rights: string[] }[] };
  assert.equal(status.ready, true);
  const manifests = loadManifests(join(ROOT, 'services'));
  assert.deepEqual(status.services.map((s) => s.name).sort(), [...manifests.keys()].sort());
  for (const s of status.services) {
    assert.equal(s.state, 'READY', `${s.name} state`);
    assert.equal(s.lease, 'RUNNING', `${s.name} lease`);
    assert.equal(s.generation, 1);
    const expected = s.name === 'rootd' ? ['ipc', 'root'] : rightsOf(manifests.get(s.name)!, manifests);
    assert.deepEqual(s.rights, expected, `${s.name} rights`);
  }
});

test('milestones --json lists the same milestones the admin API has', async () => {
  const r = sys.cli('milestones', '--json');
  assert.equal(r.status, 0, r.stderr);
  const listed = JSON.parse(r.stdout) as { name: string }[];
  assert.ok(listed.some((m) => m.name === 'desktop.ready'));
  assert.ok(listed.length >= SEED_ORDER.length);
});

test('kill, restart and logs of something that is not a service (or a bad -n) say what is wrong, and nothing changes', async () => {
  const cases: [string[], RegExp][] = [
    [['kill', 'nucleus'], /^rustos kill: the nucleus is the machine, not a service: `rustos down` stops the system\n$/],
    [['restart', 'nosuch'], /^rustos restart: no live service named "nosuch"\n$/],
    [['logs', 'nosuch'], /^rustos logs: no service named "nosuch"\n$/],
  ];
  for (const [args, message] of cases) {
    const r = sys.cli(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.equal(sys.cli('logs', 'vfsd', '-n', '1').status, 0);
  const lines = sys.cli('logs', '-n', 'abc');
  assert.deepEqual([lines.status, lines.stderr.split('\n')[0]], [2, 'rustos logs: -n abc: not a positive number of lines']);
  const s = await sys.status();
  assert.equal(s.ready, true);
  assert.ok(s.services.every((x) => x.generation === 1), 'no service restarted');
});
