/**
 * A vfsd killed between commits: a new mount of the device plus the blocks the
 * old one journalled must give back every file as the guest last wrote it, and
 * after a commit e2fsck -fn must call the image clean. Kills land between
 * operations and in the middle of a commit (the device's writes failing partway).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal } from '../../journal.js';
import type { BlockDevice } from './device.js';
import { Blocked } from '../../wait.js';
import { Ext2File, Ext2Fs, type Ext2Node } from './fs.js';
import { inScratch, rng, walk } from './testing.js';
import { mountExt2 } from './mount.js';
import { holdsUnsynced, Unsynced } from './unsynced.js';

const who = { pid: 1, uid: 0, gid: 0 };
const PREFIX = 'ext2/t/';

/** The image file is what a crash leaves: writes reach it only when flushed; `failAfter` writes, the rest fail. */
class CrashingDevice implements BlockDevice {
  readonly blockSize = 512;
  readonly blocks: number;
  private readonly bytes: Buffer;
  failAfter = Infinity;
  constructor(private readonly path: string) {
    this.bytes = readFileSync(path);
    this.blocks = this.bytes.length / 512;
  }
  async read(lba: number, count: number) { return Buffer.from(this.bytes.subarray(lba * 512, (lba + count) * 512)); }
  async write(lba: number, data: Uint8Array) {
    await new Promise(setImmediate);   // a device takes its time: guest calls go on meanwhile
    if (this.failAfter-- <= 0) throw new Error('killed');
    this.bytes.set(data, lba * 512);
  }
  async flush() {
    if (this.failAfter <= 0) throw new Error('killed');
    writeFileSync(this.path, this.bytes);
  }
}

/** The nucleus StateStore as vfsd's journal sees it: each call's changes stored with its answer (batch()). */
class Store implements Journal {
  readonly kept = new Map<string, Buffer>();
  private readonly pending = new Map<string, () => Buffer | null>();
  touch(key: string, produce: () => Buffer | null): void { this.pending.set(key, produce); }
  settled() { return undefined; }
  take() { return undefined; }
  batch(): void {
    for (const [key, produce] of this.pending) {
      const value = produce();
      if (value) this.kept.set(key, Buffer.from(value)); else this.kept.delete(key);
    }
    this.pending.clear();
  }
}

async function generation(img: string, store: Store): Promise<{ fs: Ext2Fs; dev: CrashingDevice; laid: number }> {
  const dev = new CrashingDevice(img);
  const m = await mountExt2(dev);
  const laid = new Unsynced(m.volume, store, PREFIX).restore(store.kept);
  store.batch();
  return { fs: new Ext2Fs(m.volume, m.committer, 1, 'test'), dev, laid };
}

/** A blank device of `mib` MiB in `dir` (formatted by the first mount), an empty store, and that first generation. */
async function blank(dir: string, mib: number, store = new Store(), name = 'd.img') {
  const img = join(dir, name);
  writeFileSync(img, Buffer.alloc(mib * 1024 * 1024));
  return { img, store, g: await generation(img, store) };
}



const pattern = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 29 + seed * 13 + (i >> 9)) & 0xff));


test('unsynced changes survive killed generations (between operations and mid-commit); the image is then e2fsck-clean', () => inScratch(async (dir) => {
  const { img, store, g: first } = await blank(dir, 24);
  let g = first;
  const r = rng(7);
  const model = new Map<string, Buffer>();
  g.fs.root().mkdir('a', 0o755, who);
  store.batch();
  const dirs = ['', 'a'];
  let laidTotal = 0;
  const commits: Promise<void>[] = [];
  for (let life = 0; life < 8; life++) {
    for (let step = 0; step < 40; step++) {
      const d = dirs[r(dirs.length)]!;
      const name = `n${r(12)}`;
      const key = d ? `${d}/${name}` : name;
      const parent = d ? walk(g.fs, d) : g.fs.root();
      const exists = model.has(key);
      const op = r(5);
      if (op <= 1) {
        if (!exists) { parent.create(name, 0o644, who); model.set(key, Buffer.alloc(0)); }
        const at = r(3) === 0 ? r(100_000) : model.get(key)!.length;
        const data = pattern(1 + r(30_000), life * 100 + step);
        walk(g.fs, key).write(data, at);
        const old = model.get(key)!;
        const next = Buffer.alloc(Math.max(old.length, at + data.length));
        old.copy(next);
        data.copy(next, at);
        model.set(key, next);
      } else if (op === 2 && exists) {
        const size = r(model.get(key)!.length + 1);
        walk(g.fs, key).setattr({ size });
        model.set(key, Buffer.from(model.get(key)!.subarray(0, size)));
      } else if (op === 3 && exists) {
        parent.unlink(name);
        model.delete(key);
      } else if (op === 4 && exists) {
        const to = `${dirs[r(dirs.length)]}/m${r(12)}`.replace(/^\//, '');
        if (to !== key) {
          const [d2, n2] = to.includes('/') ? to.split('/') as [string, string] : ['', to];
          parent.rename(name, d2 ? walk(g.fs, d2) : g.fs.root(), n2, false);
          model.set(to, model.get(key)!);
          model.delete(key);
        }
      }
      store.batch();   // the call's answer carries its changes
      // Commits run in the background, guest calls going on meanwhile.
      if (r(12) === 0) commits.push(g.fs.committer.writeback());
      if (r(3) === 0) await new Promise(setImmediate);
    }
    // The kill: sometimes in the middle of a commit (some writes reached the device, unflushed or flushed).
    if (life % 2) {
      g.dev.failAfter = r(40);
      commits.push(g.fs.committer.writeback());
    }
    await Promise.allSettled(commits.splice(0));
    store.batch();
    g = await generation(img, store);
    laidTotal += g.laid;
    for (const [key, bytes] of model) assert.ok(walk(g.fs, key).read(bytes.length + 1, 0).equals(bytes), `${key} after kill ${life}`);
  }
  assert.ok(laidTotal > 0, 'some kills found unsynced blocks');
  await g.fs.committer.writeback();
  store.batch();
  assert.equal(holdsUnsynced(store.kept, PREFIX), false, 'a durable commit lets the journal forget its blocks');
  const fsck = spawnSync('/usr/sbin/e2fsck', ['-fn', img], { encoding: 'utf8' });
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
}));

test('fixed metadata is journalled by the pieces that changed; blocks journalled for another filesystem are dropped', () => inScratch(async (dir) => {
  const { store, g } = await blank(dir, 16);
  await g.fs.committer.writeback();
  (g.fs.root().create('f', 0o644, who) as Ext2Node).write(Buffer.alloc(4096, 1), 0);
  store.batch();
  const bytes = [...store.kept].filter(([k]) => k.startsWith(`${PREFIX}b/`)).reduce((n, [, v]) => n + v.length, 0);
  // One whole data block, the directory's block, and pieces of the superblock, descriptors, bitmaps and inode table.
  assert.ok(bytes < 3 * 4096, `${bytes} bytes journalled for one 4 KiB write`);
  const { g: elsewhere } = await blank(dir, 16, store, 'other.img');
  assert.equal(elsewhere.laid, 0);
  assert.equal(holdsUnsynced(store.kept, PREFIX), false);
}));

test('a block changed again while a commit of it is on its way stays journalled after that commit', () => inScratch(async (dir) => {
  const { img, store, g } = await blank(dir, 16);
  const f = g.fs.root().create('f', 0o644, who) as Ext2Node;
  f.write(Buffer.from('first '), 0);
  store.batch();
  const commit = g.fs.committer.writeback();
  await new Promise(setImmediate);   // the commit has taken its snapshot and is writing
  f.write(Buffer.from('second'), 6);
  store.batch();
  await commit;
  store.batch();
  const again = await generation(img, store);   // killed before the next commit
  assert.equal(walk(again.fs, 'f').read(100, 0).toString(), 'first second');
}));

test('writers wait once 16 MiB are unsynced (a commit started at 4 MiB), and go on when it is durable', () => inScratch(async (dir) => {
  const { store, g } = await blank(dir, 48);
  const node = g.fs.root().create('big', 0o644, who) as Ext2Node;
  const file = new Ext2File(node);
  assert.equal(file.admit(1 << 20), 1 << 20);
  node.write(Buffer.alloc(5 * 1024 * 1024, 1), 0);
  assert.equal(file.admit(1 << 20), 1 << 20, 'room left at 5 MiB');
  assert.equal(g.fs.v.dirty.size, 0, 'past 4 MiB a commit took the dirty blocks');
  node.write(Buffer.alloc(12 * 1024 * 1024, 2), 5 * 1024 * 1024);
  const held = file.admit(1 << 20);
  assert.ok(held instanceof Blocked && held.throttled, 'past 16 MiB a writer waits');
  await g.fs.committer.writeback();
  assert.equal(file.admit(1 << 20), 1 << 20);
}));
