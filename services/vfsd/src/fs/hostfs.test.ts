import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { Errno, O } from '../abi.js';
import { NR, TestGuest } from '../test-support.js';

const P = 70;

/** A small root image on the host: /bin/tool (executable), /etc/conf, /lib -> usr/lib, an absolute symlink. */
function image(dir: string): string {
  const root = join(dir, 'image');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'usr', 'lib'), { recursive: true });
  writeFileSync(join(root, 'bin', 'tool'), 'binary');
  chmodSync(join(root, 'bin', 'tool'), 0o755);
  writeFileSync(join(root, 'etc', 'conf'), 'setting=1\n');
  writeFileSync(join(root, 'usr', 'lib', 'libx.so'), 'library');
  symlinkSync('usr/lib', join(root, 'lib'));
  // Absolute: must resolve inside the guest's root, not the host's.
  symlinkSync('/etc/conf', join(root, 'etc', 'abs'));
  return root;
}

function stat(buf: Buffer) {
  return {
    ino: buf.readBigUInt64LE(8), nlink: buf.readBigUInt64LE(16), mode: buf.readUInt32LE(24), uid: buf.readUInt32LE(28),
    gid: buf.readUInt32LE(32), size: buf.readBigInt64LE(48), mtimeSec: buf.readBigInt64LE(88), mtimeNsec: buf.readBigInt64LE(96),
  };
}

test('the root image: read-only (EROFS for every change), host inodes, modes and nanosecond times', async () => {
  const dir = join((await import('node:os')).tmpdir(), `vfsd-hostfs-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const root = image(dir);
  const g = new TestGuest({ rootDir: root, dir });
  const fd = await g.open(P, '/etc/conf', O.RDONLY);
  assert.equal(await g.read(P, fd, 100), 'setting=1\n');
  const st = stat((await g.call(P, NR.stat, [0, 0], ['/bin/tool'])).outputs![0]!);
  const host = lstatSync(join(root, 'bin', 'tool'), { bigint: true });
  assert.equal(st.ino, host.ino);
  assert.equal(st.mode, Number(host.mode));
  assert.equal(st.size, host.size);
  assert.equal(st.mtimeSec * 1_000_000_000n + st.mtimeNsec, host.mtimeNs);

  assert.equal(await g.open(P, '/etc/conf', O.WRONLY), -Errno.EROFS);
  assert.equal(await g.open(P, '/etc/new', O.CREAT | O.WRONLY), -Errno.EROFS);
  assert.equal(await g.open(P, '/etc/conf', O.CREAT | O.EXCL | O.WRONLY), -Errno.EEXIST, 'EEXIST before EROFS');
  assert.equal(await g.result(P, NR.mkdir, [0, 0o755], ['/etc']), -Errno.EEXIST);
  assert.equal(await g.result(P, NR.mkdir, [0, 0o755], ['/newdir']), -Errno.EROFS);
  assert.equal(await g.result(P, NR.unlink, [0], ['/etc/conf']), -Errno.EROFS);
  assert.equal(await g.result(P, NR.unlink, [0], ['/etc/none']), -Errno.ENOENT, 'ENOENT before EROFS');
  assert.equal(await g.result(P, NR.chmod, [0, 0o777], ['/etc/conf']), -Errno.EROFS);
  assert.equal(await g.result(P, NR.access, [0, 2], ['/etc/conf']), -Errno.EROFS);
  assert.equal(await g.result(P, NR.rename, [0, 0], ['/etc/conf', '/tmp/conf']), -Errno.EXDEV);
  assert.equal(readFileSync(join(root, 'etc', 'conf'), 'utf8'), 'setting=1\n');

  const lib = await g.open(P, '/lib/libx.so', O.RDONLY);
  assert.equal(await g.read(P, lib, 100), 'library', 'a relative symlink in the image');
  const abs = await g.open(P, '/etc/abs', O.RDONLY);
  assert.equal(await g.read(P, abs, 100), 'setting=1\n', 'an absolute symlink stays inside the image');
  const up = await g.open(P, '/../../../etc/conf', O.RDONLY);
  assert.equal(await g.read(P, up, 100), 'setting=1\n', '".." stops at the root');
  g.cleanup();
});

test('mount points show in their parent even when the image has no such directory', async () => {
  const g = new TestGuest();
  const fd = await g.open(P, '/', O.RDONLY | O.DIRECTORY);
  const a = await g.call(P, NR.getdents64, [fd, 0, 4096]);
  const names: string[] = [];
  const b = a.outputs![0]!;
  for (let at = 0; at < a.result; at += b.readUInt16LE(at + 16)) names.push(b.subarray(at + 19, b.indexOf(0, at + 19)).toString());
  assert.deepEqual(names.sort(), ['.', '..', 'dev', 'home', 'proc', 'run', 'tmp']);
  g.cleanup();
});

test('/home is a writable host directory: files land on the host and survive a new vfsd', async () => {
  const g = new TestGuest();
  await g.result(P, NR.mkdir, [0, 0o750], ['/home/user']);
  const fd = await g.open(P, '/home/user/notes', O.CREAT | O.WRONLY, 0o640);
  await g.write(P, fd, 'remember');
  const onHost = join(g.dir, 'home', 'user', 'notes');
  assert.equal(readFileSync(onHost, 'utf8'), 'remember');
  assert.equal(lstatSync(onHost).mode & 0o777, 0o640, 'the guest\'s umask, not the host\'s');
  assert.equal(lstatSync(join(g.dir, 'home', 'user')).mode & 0o777, 0o750);
  await g.result(P, NR.symlink, [0, 0], ['notes', '/home/user/link']);
  await g.result(P, NR.rename, [0, 0], ['/home/user/notes', '/home/user/renamed']);
  assert.equal(await g.result(P, NR.rename, [0, 0], ['/home/user/renamed', '/tmp/x']), -Errno.EXDEV);
  const again = new TestGuest({ dir: g.dir });
  const back = await again.open(P, '/home/user/renamed', O.RDONLY);
  assert.equal(await again.read(P, back, 100), 'remember');
  assert.equal(await again.result(P, NR.rmdir, [0], ['/home/user']), -Errno.ENOTEMPTY);
  g.cleanup();
});

test('nothing outside the host directory is reachable, even through a kept cwd or fd whose path became a host symlink', async () => {
  const g = new TestGuest();
  const outside = join(g.dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'canary'), 'secret');
  chmodSync(join(outside, 'canary'), 0o600);
  await g.result(P, NR.mkdir, [0, 0o755], ['/home/a']);
  await g.result(P, NR.chdir, [0], ['/home/a']);
  const dirfd = await g.open(P, '/home/a', O.RDONLY | O.DIRECTORY);
  const f = await g.open(P, '/home/file', O.CREAT | O.RDWR);
  // The guest makes the names it holds lead outside: a symlink's target is a guest path, but the host would follow it.
  assert.equal(await g.result(P, NR.rmdir, [0], ['/home/a']), 0);
  assert.equal(await g.result(P, NR.symlink, [0, 0], [outside, '/home/a']), 0);
  assert.equal(await g.result(P, NR.unlink, [0], ['/home/file']), 0);
  assert.equal(await g.result(P, NR.symlink, [0, 0], [join(outside, 'canary'), '/home/file']), 0);

  assert.equal(await g.open(P, 'canary', O.RDONLY), -Errno.ENOENT, 'relative to the old cwd');
  assert.equal(await g.result(P, NR.openat, [dirfd, 0, O.RDONLY], ['canary']), -Errno.ENOENT, 'relative to the old directory fd');
  assert.equal((await g.call(P, NR.getdents64, [dirfd, 0, 4096])).result, -Errno.ENOENT);
  assert.notEqual(await g.result(P, 91, [f, 0o777]), 0, 'fchmod of the replaced file');
  assert.notEqual(await g.result(P, 77, [f, 0]), 0, 'ftruncate of it');
  assert.equal(await g.open(P, '/home/a/canary', O.RDONLY), -Errno.ENOENT, 'the symlink resolves in the guest, where it leads nowhere');
  assert.equal(readFileSync(join(outside, 'canary'), 'utf8'), 'secret');
  assert.equal(lstatSync(join(outside, 'canary')).mode & 0o777, 0o600);
  g.cleanup();
});
