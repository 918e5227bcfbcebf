// The vfsd adapter: OpenExec's reply fields (vfsd.proto) become an ExecFile, an
// errno stays an errno, and without the contract every open is ENOSYS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Errno } from '@rustos/platform';
import type { ServiceContext } from '@rustos/platform';
import { vfsdFiles, type OpenExecReply, type VfsdCtor } from './vfsd-files.js';

function fakeVfsd(reply: OpenExecReply, asked: object[]): VfsdCtor {
  return class {
    OpenExec(req: object, _md: unknown, _opts: unknown, cb: (err: null, res: OpenExecReply) => void): void {
      asked.push(req);
      cb(null, reply);
    }
  } as unknown as VfsdCtor;
}

const ctx = (warnings: string[]) => ({
  peers: { call: (_endpoint: string, ctor: VfsdCtor, invoke: (c: unknown, md: unknown) => Promise<unknown>) => invoke(new ctor('', null as never), {}) },
  log: { warn: (m: string) => warnings.push(m) },
}) as unknown as Pick<ServiceContext, 'peers' | 'log'>;

test('OpenExec replies become ExecFiles; errno replies stay errnos', async () => {
  const asked: object[] = [];
  const data = Buffer.from('\x7fELF rest');
  const ok = vfsdFiles(ctx([]), () => fakeVfsd({ errno: 0, path: '/bin/busybox', data, file: { device: 8, inode: 1234 }, mode: 0o100755 }, asked));
  const f = await ok.openExec(7, 'busybox');
  assert.deepEqual(asked, [{ pid: 7, path: 'busybox' }]);
  assert.ok(typeof f !== 'number');
  assert.deepEqual({ ...f, bytes: Buffer.from(f.bytes).toString() }, { path: '/bin/busybox', bytes: '\x7fELF rest', device: 8, inode: 1234, mode: 0o100755 });
  const missing = vfsdFiles(ctx([]), () => fakeVfsd({ errno: Errno.ENOENT }, []));
  assert.equal(await missing.openExec(1, '/x'), Errno.ENOENT);
});

test('without vfsd\'s contract every open is ENOSYS, logged once', async () => {
  const warnings: string[] = [];
  const none = vfsdFiles(ctx(warnings), () => undefined);
  assert.equal(await none.openExec(1, '/a'), Errno.ENOSYS);
  assert.equal(await none.openExec(1, '/b'), Errno.ENOSYS);
  assert.equal(warnings.length, 1);
});
