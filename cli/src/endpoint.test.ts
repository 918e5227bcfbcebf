import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpc, connectNucleus, unavailable, unaryCall } from '@rustos/platform';
import { describeError } from './endpoint.js';

test('a call that reaches no system says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-cli-'));
  const n = connectNucleus(`unix:${join(dir, 'nucleus.sock')}`);
  try {
    const err = await unaryCall((cb) => n.admin.Status({}, new grpc.Metadata(), { deadline: Date.now() + 5000 }, cb)).then(() => null, (e: grpc.ServiceError) => e);
    assert.ok(err, 'the call failed');
    assert.match(describeError(err), /^no system answers \(.+\); is it up\?$/);
  } finally {
    n.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the system's own UNAVAILABLE (with its errno) is passed on as it said it", () => {
  const err = Object.assign(new Error('x'), unavailable('vfsd.files is not being served: its owner did not come back within 15 s')) as unknown as grpc.ServiceError;
  assert.equal(describeError(err), 'vfsd.files is not being served: its owner did not come back within 15 s');
});
