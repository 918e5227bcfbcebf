import { test } from 'node:test';
import assert from 'node:assert/strict';
import { O } from '../abi.js';
import { NR, TestGuest, settle } from '../test-support.js';

const P = 70;

test('a call whose path crosses a mount on its way waits for it, then sees the mounted filesystem; other calls go on', async () => {
  const g = new TestGuest();
  const fd = await g.open(P, '/tmp/marker', O.CREAT | O.WRONLY);
  await g.write(P, fd, 'on the mounted fs');
  const tmp = g.v.mounts.byPath.get('/tmp')!;
  let mount!: () => void;
  g.v.mounts.expect('/data', new Promise<void>((resolve) => {
    mount = () => { g.v.mounts.add('/data', tmp.fs, tmp.root, 'rw'); resolve(); };
  }));
  const opening = g.start(P, NR.open, [0, O.RDONLY, 0], ['/data/marker']);
  await settle();
  assert.equal(opening.done, false, 'the open waits for /data');
  assert.ok(await g.open(P, '/tmp/marker', O.RDONLY) > 0, 'a call that does not cross /data is answered meanwhile');
  mount();
  const opened = (await opening.answer).result;
  assert.ok(opened > 0, `then it opens the file on the mounted filesystem (${opened})`);
  assert.equal(await g.read(P, opened, 100), 'on the mounted fs');
  g.cleanup();
});

test('a mount that fails on its way leaves the directory underneath', async () => {
  const g = new TestGuest();
  g.v.mounts.expect('/data', Promise.reject(new Error('no device')));
  const r = await g.result(P, NR.open, [0, O.RDONLY, 0], ['/data/marker']);
  assert.ok(r < 0, 'the root image\'s /data has no such file');
  await g.v.mounts.settled();
  g.cleanup();
});
