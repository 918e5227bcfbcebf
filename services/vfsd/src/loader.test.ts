import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Errno, O } from './abi.js';
import { mapSource, openExec, readFile } from './loader.js';
import { NR, TestGuest } from './test-support.js';
import { TreeIn, treeOut, type TreeEntry } from './tree.js';

const P = 90;

function withImage(): TestGuest {
  const g = new TestGuest();
  const root = join(g.dir, 'root');
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin', 'prog'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
  chmodSync(join(root, 'bin', 'prog'), 0o755);
  writeFileSync(join(root, 'bin', 'data'), 'not executable');
  symlinkSync('prog', join(root, 'bin', 'alias'));
  return g;
}

test('OpenExec: the bytes and identity of an executable, with execve\'s checks', async () => {
  const g = withImage();
  const r = openExec(g.v, P, '/bin/alias');
  assert.equal(r.errno, 0);
  assert.equal(r.path, '/bin/prog', 'symlinks resolved');
  assert.deepEqual([...r.data], [0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]);
  assert.equal(r.stat!.mode, 0o100755);
  assert.equal(r.file!.inode, r.stat!.ino);
  assert.equal(openExec(g.v, P, '/bin/data').errno, Errno.EACCES, 'no execute bit');
  assert.equal(openExec(g.v, P, '/bin').errno, Errno.EACCES, 'a directory');
  assert.equal(openExec(g.v, P, '/bin/none').errno, Errno.ENOENT);
  assert.equal(openExec(g.v, P, '/bin/data/x').errno, Errno.ENOTDIR);
  assert.equal(openExec(g.v, P, '/dev/null').errno, Errno.EACCES, 'not a regular file');
  assert.equal(readFile(g.v, P, '/bin/data').data.toString(), 'not executable');
  await g.result(P, NR.chdir, [0], ['/bin']);
  assert.equal(openExec(g.v, P, './prog').path, '/bin/prog', 'relative to the process\'s cwd');
  g.cleanup();
});

test('MapSource: a file-backed mapping\'s bytes, zero-filled to the end of the last page and no further', async () => {
  const g = new TestGuest();
  const fd = await g.open(P, '/tmp/lib.so', O.CREAT | O.RDWR);
  const body = Buffer.alloc(5000, 0x41);
  await g.write(P, fd, body);
  const all = mapSource(g.v, P, fd, 0, 3 * 4096);
  assert.equal(all.errno, 0);
  assert.equal(all.data.length, 8192, 'two pages: the file ends inside the second');
  assert.ok(all.data.subarray(0, 5000).equals(body));
  assert.ok(all.data.subarray(5000).equals(Buffer.alloc(8192 - 5000)));
  assert.equal(all.size, 5000);
  assert.equal(all.file!.path, '/tmp/lib.so');
  assert.deepEqual([all.readable, all.writable], [true, true]);
  const second = mapSource(g.v, P, fd, 4096, 4096);
  assert.equal(second.data.length, 4096);
  assert.equal(second.file!.offset, 4096);
  assert.equal(mapSource(g.v, P, fd, 8192, 4096).data.length, 0, 'wholly past the end');
  assert.equal(mapSource(g.v, P, fd, 100, 4096).errno, Errno.EINVAL, 'unaligned offset');
  assert.equal(mapSource(g.v, P, 77, 0, 4096).errno, Errno.EBADF);
  const wo = await g.open(P, '/tmp/lib.so', O.WRONLY);
  assert.equal(mapSource(g.v, P, wo, 0, 4096).errno, Errno.EACCES);
  const [r] = await g.pipe(P);
  assert.equal(mapSource(g.v, P, r, 0, 4096).errno, Errno.ENODEV);
  const zero = await g.open(P, '/dev/zero', O.RDWR);
  assert.equal(mapSource(g.v, P, zero, 0, 4096).anonymous, true);
  g.cleanup();
});

test('cp: a tree out of the guest and back in keeps contents, modes, symlinks and modification times', async () => {
  const g = new TestGuest();
  await g.result(P, NR.mkdir, [0, 0o750], ['/tmp/src']);
  await g.result(P, NR.mkdir, [0, 0o700], ['/tmp/src/sub']);
  const f = await g.open(P, '/tmp/src/sub/file', O.CREAT | O.WRONLY, 0o640);
  const big = Buffer.alloc(3 << 20, 0x5a);
  await g.write(P, f, big);
  await g.result(P, NR.symlink, [0, 0], ['sub/file', '/tmp/src/link']);
  const t = Buffer.alloc(32);
  t.writeBigInt64LE(1_000_000_000n, 16);
  await g.result(P, 280, [-100, 1, 2, 0], ['/tmp/src/sub/file', t]);

  const out = [...treeOut(g.v, '/tmp/src')];
  assert.deepEqual(out.map((e) => `${e.entry.path}:${e.entry.kind}:${e.entry.mode.toString(8)}`).sort(),
    ['.:DIRECTORY:750', 'link:SYMLINK:777', 'sub/file:FILE:640', 'sub:DIRECTORY:700']);

  const copy = (target: string, name: string) => {
    const t2 = new TreeIn(g.v, target, name);
    for (const { entry, data } of out) {
      t2.entry(entry as TreeEntry);
      for (let at = 0; data && at < data.length; at += 1 << 20) t2.data(data.subarray(at, at + (1 << 20)));
    }
    t2.end();
    return t2;
  };
  const into = copy('/tmp', 'copy');
  assert.equal(into.entries, 4);
  assert.equal(into.bytes, big.length);
  const back = [...treeOut(g.v, '/tmp/copy')];
  const byPath = (list: typeof out) => list.map((e) => e.entry).sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(byPath(back), byPath(out));
  assert.ok(back.find((e) => e.entry.path === 'sub/file')!.data!.equals(big));
  assert.equal(back.find((e) => e.entry.path === 'sub/file')!.entry.mtimeMs, 1_000_000_000_000);

  copy('/tmp/renamed', 'src');
  assert.equal((await g.call(P, NR.stat, [0, 0], ['/tmp/renamed/sub/file'])).result, 0, 'a target that does not exist is the root');
  assert.throws(() => copy('/etc', 'x'), (e: { errno: number }) => e.errno === Errno.EROFS || e.errno === Errno.ENOENT);
  const bad = new TreeIn(g.v, '/tmp', 'evil');
  bad.entry({ path: '.', kind: 'DIRECTORY', mode: 0o755, size: 0, target: '', mtimeMs: 0 });
  assert.throws(() => bad.entry({ path: '../escape', kind: 'FILE', mode: 0o644, size: 0, target: '', mtimeMs: 0 }));
  g.cleanup();
});
