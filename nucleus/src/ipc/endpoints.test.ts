import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointRegistry } from './endpoints.js';

test('an endpoint belongs to one owner; a new generation of the owner takes it over', () => {
  const r = new EndpointRegistry();
  assert.notEqual(r.create('vfsd.files', 'vfsd', 1), 'taken');
  assert.equal(r.create('vfsd.files', 'syscalld', 1), 'taken');
  assert.equal(r.register('vfsd.files', 'vfsd', 2, 'unix:/x'), 'not-owner');
  assert.equal(r.register('vfsd.files', 'vfsd', 1, 'unix:/x').constructor, Object);
  assert.equal(r.lookup('vfsd.files')?.live, true);
  r.ownerExited('vfsd', 1);
  assert.equal(r.lookup('vfsd.files')?.live, false);
  r.create('vfsd.files', 'vfsd', 2);
  r.register('vfsd.files', 'vfsd', 2, 'unix:/y');
  assert.deepEqual(r.lookup('vfsd.files'), { name: 'vfsd.files', owner: 'vfsd', generation: 2, address: 'unix:/y', live: true });
});

test('waitFor wakes on a newer generation only, and times out otherwise', async () => {
  const r = new EndpointRegistry();
  r.create('a.b', 'a', 1);
  r.register('a.b', 'a', 1, 'x');
  assert.equal((await r.waitFor('a.b', 0, 10))?.generation, 1);
  assert.equal(await r.waitFor('a.b', 1, 20), undefined);
  const pending = r.waitFor('a.b', 1, 1000);
  r.create('a.b', 'a', 2);
  r.register('a.b', 'a', 2, 'y');
  assert.equal((await pending)?.address, 'y');
});
