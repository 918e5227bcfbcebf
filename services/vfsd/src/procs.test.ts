import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLONE_FILES, Errno, F, FD_CLOEXEC, O, SEEK } from './abi.js';
import { NR, TestGuest } from './test-support.js';

const P = 20;

test('fork copies the fd table: the child shares descriptions (offsets) but not slots', async () => {
  const g = new TestGuest();
  const fd = await g.open(P, '/tmp/f', O.CREAT | O.RDWR);
  await g.write(P, fd, 'abcdef');
  await g.result(P, NR.lseek, [fd, 0, SEEK.SET]);
  g.fork(P, 21);
  assert.equal(await g.read(21, fd, 2), 'ab');
  assert.equal(await g.read(P, fd, 2), 'cd', 'one offset, shared');
  assert.equal(await g.result(21, NR.close, [fd]), 0);
  assert.equal(await g.read(P, fd, 2), 'ef', 'the parent keeps its slot');
  g.cleanup();
});

test('CLONE_FILES shares the table itself; exec unshares it before closing close-on-exec fds', async () => {
  const g = new TestGuest();
  const fd = await g.open(P, '/tmp/f', O.CREAT | O.RDWR | O.CLOEXEC);
  const keep = await g.open(P, '/tmp/g', O.CREAT | O.RDWR);
  g.fork(P, 22, CLONE_FILES);
  const fresh = await g.open(22, '/tmp/h', O.CREAT | O.RDWR);
  assert.equal(await g.result(P, NR.fcntl, [fresh, F.GETFD]), 0, 'the parent sees the child\'s new fd');
  g.exec(22);
  assert.equal(await g.result(22, NR.fcntl, [fd, F.GETFD]), -Errno.EBADF, 'close-on-exec fd closed in the exec\'d process');
  assert.equal(await g.result(22, NR.fcntl, [keep, F.GETFD]), 0);
  assert.equal(await g.result(P, NR.fcntl, [fd, F.GETFD]), FD_CLOEXEC, 'but not in the process it shared with');
  g.cleanup();
});

test('exit closes every fd: description refcounts drop, unlinked tmpfs files go away', async () => {
  const g = new TestGuest();
  const fd = await g.open(P, '/tmp/f', O.CREAT | O.RDWR);
  await g.write(P, fd, 'x'.repeat(1000));
  await g.result(P, NR.unlink, [0], ['/tmp/f']);
  const tmp = g.v.tmpfs.get('tmp')!;
  const before = tmp.inodes.size;
  const used = tmp.used;
  assert.equal(used >= 1000, true);
  g.exit(P);
  assert.equal(tmp.inodes.size, before - 1);
  assert.equal(tmp.used, used - 1000);
  assert.equal(g.v.procs.files.size, 0, 'no description is left');
  assert.equal(g.v.procs.tables.size, 0);
  g.cleanup();
});

test('cwd and umask are per process and inherited', async () => {
  const g = new TestGuest();
  await g.result(P, NR.mkdir, [0, 0o755], ['/tmp/d']);
  await g.result(P, NR.chdir, [0], ['/tmp/d']);
  await g.result(P, 95, [0o077]);
  g.fork(P, 23);
  const cwd = await g.call(23, NR.getcwd, [0, 100]);
  assert.equal(cwd.outputs![0]!.toString(), '/tmp/d\0');
  assert.equal(await g.result(23, 95, [0o022]), 0o077);
  assert.equal(await g.result(P, 95, [0o022]), 0o077, 'the parent\'s umask is its own');
  g.cleanup();
});

test('an fd number beyond the table limit is EBADF for dup2 and EMFILE when the table is full', async () => {
  const g = new TestGuest();
  const fd = await g.open(P, '/tmp/f', O.CREAT | O.RDWR);
  assert.equal(await g.result(P, NR.dup2, [fd, 1024]), -Errno.EBADF);
  assert.equal(await g.result(P, NR.dup2, [fd, 1023]), 1023);
  for (let i = 0; i < 1024; i++) await g.result(P, NR.dup, [fd]);
  assert.equal(await g.result(P, NR.dup, [fd]), -Errno.EMFILE);
  assert.equal(await g.open(P, '/tmp/g', O.CREAT | O.RDWR), -Errno.EMFILE);
  assert.equal(g.v.tmpfs.get('tmp')!.root().lookup('g') !== undefined, true, 'the file was made before the fd was refused, as in Linux');
  g.cleanup();
});
