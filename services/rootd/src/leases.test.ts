import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest, type Manifest } from '@rustos/platform';
import { LeaseBook } from './leases.js';

function manifests(...specs: Array<Partial<Manifest> & { name: string }>): Map<string, Manifest> {
  return new Map(specs.map((s) => [s.name, parseManifest(JSON.stringify({ entry: 'x.js', launcher: 'rootd', ...s }), s.name)]));
}

const restart = { budget: 3, windowMs: 10_000, backoffMs: 100, maxBackoffMs: 350 };

test('rootd-launched services are admitted one at a time, in manifest order', () => {
  const book = new LeaseBook(manifests({ name: 'b', order: 20 }, { name: 'a', order: 10 }, { name: 'c', order: 30, dependencies: ['a'] }));
  book.enrolled('c', 1);
  book.enrolled('b', 1);
  assert.deepEqual(book.admissible().map((a) => a.name), []);
  book.enrolled('a', 1);
  assert.deepEqual(book.admissible().map((a) => a.name), ['a']);
  book.admitted('a', 1);
  assert.deepEqual(book.admissible().map((a) => a.name), [], 'b waits for a to be ready');
  book.ready('a', 1);
  assert.deepEqual(book.admissible().map((a) => a.name), ['b']);
  book.admitted('b', 1);
  book.ready('b', 1);
  assert.deepEqual(book.admissible().map((a) => `${a.name}@${a.generation}`), ['c@1']);
});

test('a service launched by another is admitted only after its launcher asks, with the env it gives', () => {
  const book = new LeaseBook(manifests({ name: 'runtimed', order: 10 }, { name: 'uiserver', launcher: 'runtimed', env: { A: '1' } }));
  book.enrolled('uiserver', 4);
  assert.deepEqual(book.admissible(), []);
  assert.equal(book.launchRequested('uiserver', 'initd', {}), 'not-launcher');
  assert.equal(book.launchRequested('uiserver', 'runtimed', { B: '2' }), 'ok');
  const [a] = book.admissible();
  assert.equal(a?.name, 'uiserver');
  assert.deepEqual(a?.env, { A: '1', B: '2' });
  assert.ok(a?.rights.includes('ipc'));
});

test('first unexpected exit restarts at once, repeated ones back off (doubling, capped), then FAILED past the budget', () => {
  let now = 1000;
  const book = new LeaseBook(manifests({ name: 's', restart }), () => now);
  const cycle = (gen: number) => {
    book.enrolled('s', gen);
    const [a] = book.admissible();
    assert.equal(a?.generation, gen);
    book.admitted('s', gen);
    book.ready('s', gen);
    return book.exited('s', gen, 'connection lost');
  };
  assert.deepEqual(cycle(1).map((t) => t.to), ['EXITED', 'RESTART_PENDING']);
  assert.equal(book.leases.get('s')!.backoffMs, 0);
  cycle(2);
  assert.equal(book.leases.get('s')!.backoffMs, 100);
  book.enrolled('s', 3);
  assert.deepEqual(book.admissible(), [], 'inside the backoff');
  // Asked at one instant, a backoff is never in neither answer (rootd once read the
  // clock twice, and a generation enrolled during its backoff was never admitted).
  assert.equal(book.nextWakeup(now + 99), now + 100);
  assert.equal(book.admissible(now + 100)[0]?.generation, 3);
  assert.equal(book.nextWakeup(now + 100), undefined);
  now += 100;
  assert.equal(book.admissible()[0]?.generation, 3);
  book.admitted('s', 3);
  assert.deepEqual(book.exited('s', 3, 'connection lost').map((t) => t.to), ['EXITED', 'RESTART_PENDING']);
  assert.equal(book.leases.get('s')!.backoffMs, 200);
  now += 200;
  const last = cycle(4);
  assert.deepEqual(last.map((t) => t.to), ['EXITED', 'FAILED']);
  assert.equal(book.enrolled('s', 5), 'failed');
});

test('requested restarts and shutdowns do not count against the budget; the window forgets old exits', () => {
  let now = 0;
  const book = new LeaseBook(manifests({ name: 's', restart }), () => now);
  for (let gen = 1; gen <= 10; gen++) {
    book.enrolled('s', gen);
    book.admitted('s', gen);
    book.exited('s', gen, 'restart requested (stream closed)');
  }
  assert.equal(book.leases.get('s')!.exits.length, 0);
  for (let gen = 11; gen <= 20; gen++) {
    now += 20_000;
    book.enrolled('s', gen);
    book.admitted('s', gen);
    book.exited('s', gen, 'connection lost');
    assert.equal(book.leases.get('s')!.state, 'RESTART_PENDING');
  }
  book.enrolled('s', 21);
  book.admitted('s', 21);
  assert.deepEqual(book.exited('s', 21, 'shutdown (stream closed)').map((t) => t.to), ['EXITED']);
});

test('unknown services are refused; exits of a superseded or waiting generation change nothing', () => {
  const book = new LeaseBook(manifests({ name: 's' }));
  assert.equal(book.enrolled('intruder', 1), 'unknown');
  book.enrolled('s', 1);
  book.admitted('s', 1);
  assert.deepEqual(book.exited('s', 7, 'x'), []);
  assert.equal(book.leases.get('s')!.state, 'RUNNING');
});

test('a restarted rootd adopts services that are already ready instead of admitting them again', () => {
  const book = new LeaseBook(manifests({ name: 'a', order: 10 }, { name: 'b', order: 20 }));
  book.enrolled('a', 3);
  book.ready('a', 3);
  book.enrolled('b', 2);
  assert.equal(book.leases.get('a')!.state, 'RUNNING');
  assert.equal(book.leases.get('a')!.generation, 3);
  assert.deepEqual(book.admissible().map((x) => x.name), ['b'], 'only the one not yet admitted');
});
