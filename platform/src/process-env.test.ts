import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './config.js';
import { MALLOC_TUNABLES, withMallocTunables } from './process-env.js';

test('the malloc tunables are added to an environment, beside a caller\'s other tunables', () => {
  assert.equal(withMallocTunables({ A: '1' }).GLIBC_TUNABLES, MALLOC_TUNABLES);
  assert.equal(withMallocTunables({ A: '1' }).A, '1');
  assert.equal(withMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES, `glibc.malloc.arena_max=2:${MALLOC_TUNABLES}`);
});

test('a caller\'s own setting of the same tunable wins', () => {
  const own = 'glibc.malloc.trim_threshold=4096:glibc.malloc.arena_max=2';
  assert.equal(withMallocTunables({ GLIBC_TUNABLES: own }).GLIBC_TUNABLES, own);
});

test('the container images start their processes with the same tunables', () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  assert.match(dockerfile, new RegExp(`GLIBC_TUNABLES=${MALLOC_TUNABLES}\\s`));
});
