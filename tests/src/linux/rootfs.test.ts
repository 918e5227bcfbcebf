/**
 * build/rootfs as a root filesystem, checked without the emulator: its links stay
 * inside the tree, every dynamic program finds its loader and libraries inside the
 * tree (asked of the tree's own ld.so, the host's cache and paths out of the
 * way), /etc says what the system is, and — as root, where a private mount
 * namespace is allowed — every case of the suite, chrooted into the tree on the
 * host kernel, gives exactly its native output.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases/index.js';
import { differences, normalised } from './compare.js';
import { buildRootfs, caseDir, ROOTFS, runNative, scratchBase, type RunResult } from './native.js';

interface Manifest {
  realTools: string[];
  entries: Array<{ path: string; kind: string; target?: string; dynamic?: boolean }>;
}
let manifest: Manifest;

before(() => {
  buildRootfs();
  manifest = JSON.parse(readFileSync(join(ROOTFS, 'usr/share/rustos/rootfs.json'), 'utf8')) as Manifest;
});

test('every symlink resolves to a file inside the tree', () => {
  const links = manifest.entries.filter((e) => e.kind === 'symlink');
  assert.ok(links.length > 250, `only ${links.length} links`);
  for (const e of links) {
    let path = e.path;
    for (let hops = 0; lstatSync(join(ROOTFS, path)).isSymbolicLink(); hops++) {
      assert.ok(hops < 8, `${e.path}: link loop`);
      path = resolve(dirname(path), readlinkSync(join(ROOTFS, path)));
    }
    assert.ok(lstatSync(join(ROOTFS, path)).isFile(), `${e.path} -> ${path} is not a file in the tree`);
    const name = basename(e.path);
    const expected = manifest.realTools.includes(name) ? `/usr/bin/${name}` : '/bin/busybox';
    assert.equal(path, expected, `${e.path} should lead to ${expected}`);
  }
  for (const tool of manifest.realTools) assert.ok(lstatSync(join(ROOTFS, 'usr/bin', tool)).isFile(), `/usr/bin/${tool} is the real tool`);
});

test('every dynamic program resolves its loader and libraries inside the tree', () => {
  const dynamic = manifest.entries.filter((e) => e.dynamic && !e.path.includes('.so'));
  assert.ok(dynamic.length >= 20, `only ${dynamic.length} dynamic programs`);
  for (const e of dynamic) {
    const r = spawnSync(join(ROOTFS, 'lib64/ld-linux-x86-64.so.2'), ['--inhibit-cache', '--library-path', join(ROOTFS, 'lib/x86_64-linux-gnu'), '--list', join(ROOTFS, e.path)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${e.path}: ${r.stderr}`);
    const resolved = [...r.stdout.matchAll(/=> (\S+)/g)].map((m) => m[1]!);
    assert.ok(resolved.length >= 2, `${e.path}: ${r.stdout}`);
    for (const p of resolved) assert.ok(p.startsWith(`${ROOTFS}/`), `${e.path} loads ${p} from outside the tree`);
  }
});

test('/etc names the system and its users', () => {
  const etc = (f: string): string => readFileSync(join(ROOTFS, 'etc', f), 'utf8');
  assert.match(etc('os-release'), /^NAME="RustOS-TS"$/m);
  assert.match(etc('os-release'), /^ID=rustos$/m);
  assert.match(etc('passwd'), /^root:x:0:0:root:\/root:\/bin\/sh$/m);
  assert.match(etc('passwd'), /^user:x:1000:1000:[^:]*:\/home\/user:\/bin\/sh$/m);
  assert.equal(etc('hostname'), 'rustos\n');
  assert.equal(lstatSync(join(ROOTFS, 'tmp')).mode & 0o7777, 0o1777);
});

function chrootUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'chroot and mounts need root';
  const r = spawnSync('unshare', ['-m', 'true']);
  return r.status === 0 ? false : 'no private mount namespace here (unshare -m failed)';
}

test('every case, chrooted into the tree, matches its native run', { skip: chrootUnavailable() }, () => {
  const base = scratchBase();
  const runner = join(dirname(fileURLToPath(import.meta.url)), 'chroot-run.js');
  const r = spawnSync('unshare', ['-m', process.execPath, runner, base, ...CASES.map((c) => c.id)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const chrooted = JSON.parse(r.stdout) as Record<string, RunResult>;
  const failures: string[] = [];
  for (const c of CASES) {
    const native = normalised(c, runNative(c, caseDir(base, c)));
    const diffs = differences(native, normalised(c, chrooted[c.id]!), ['native', 'chroot']);
    if (diffs.length) failures.push(`${c.id}: ${diffs.join('; ')}`);
  }
  spawnSync('rm', ['-rf', base]);
  assert.deepEqual(failures, []);
});
