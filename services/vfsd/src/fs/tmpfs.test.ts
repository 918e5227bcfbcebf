import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno, O } from '../abi.js';
import { NR, TestGuest } from '../test-support.js';

const P = 60;

test('tmpfs space is bounded (it lives in the state store): a write that does not fit is cut short, then ENOSPC', async () => {
  const g = new TestGuest({ tmpfsBytes: 100_000 });
  const a = await g.open(P, '/tmp/a', O.CREAT | O.WRONLY);
  assert.equal(await g.write(P, a, Buffer.alloc(60_000)), 60_000);
  const b = await g.open(P, '/dev/shm/b', O.CREAT | O.WRONLY);
  assert.equal(await g.write(P, b, Buffer.alloc(60_000)), 40_000, '/tmp and /dev/shm share the budget');
  assert.equal(await g.write(P, b, Buffer.alloc(10)), -Errno.ENOSPC);
  const st = (await g.call(P, 137, [0, 0], ['/tmp'])).outputs![0]!;
  assert.equal(Number(st.readBigUInt64LE(24)), 0, 'statfs shows no free blocks');
  assert.equal(await g.result(P, NR.unlink, [0], ['/tmp/a']), 0);
  assert.equal(await g.write(P, b, Buffer.alloc(10)), -Errno.ENOSPC, 'an open unlinked file still holds its space');
  await g.result(P, NR.close, [a]);
  assert.equal(await g.write(P, b, Buffer.alloc(10)), 10, 'its space comes back with the last close');
  assert.equal(await g.result(P, 77, [b, 200_000]), -Errno.EFBIG);
  g.cleanup();
});
