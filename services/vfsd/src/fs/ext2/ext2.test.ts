/**
 * ext2 against Debian's e2fsprogs: images made by mke2fs with files put in by
 * debugfs are read by this code; what this code writes is checked clean by
 * e2fsck -fn and read back by debugfs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { S } from '../../abi.js';
import type { BlockDevice } from './device.js';
import { Ext2Fs, type Ext2Node } from './fs.js';
import { inScratch, rng, walk } from './testing.js';
import { mountExt2, MountError } from './mount.js';

const SBIN = '/usr/sbin';
const who = { pid: 1, uid: 0, gid: 0 };

/** A host image file as a BlockDevice: writes to memory, flush writes the file. */
class ImageDevice implements BlockDevice {
  readonly blockSize = 512;
  readonly blocks: number;
  readonly bytes: Buffer;
  writes = 0;
  constructor(readonly path: string) {
    this.bytes = readFileSync(path);
    this.blocks = this.bytes.length / 512;
  }
  async read(lba: number, count: number) { return Buffer.from(this.bytes.subarray(lba * 512, (lba + count) * 512)); }
  async write(lba: number, data: Uint8Array) { this.writes++; this.bytes.set(data, lba * 512); }
  async flush() { writeFileSync(this.path, this.bytes); }
}


function debugfs(img: string, cmd: string, write = false): string {
  return execFileSync(`${SBIN}/debugfs`, [...(write ? ['-w'] : []), '-R', cmd, img], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function fsck(img: string): { status: number; out: string } {
  const r = spawnSync(`${SBIN}/e2fsck`, ['-fn', img], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}

async function mount(img: string): Promise<{ fs: Ext2Fs; dev: ImageDevice }> {
  const dev = new ImageDevice(img);
  const m = await mountExt2(dev);
  return { fs: new Ext2Fs(m.volume, m.committer, 1, 'test'), dev };
}

async function flush(fs: Ext2Fs): Promise<void> {
  await fs.committer.writeback();
}


const pattern = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 10)) & 0xff));

for (const bs of [1024, 4096]) {
  test(`reads a mke2fs -b ${bs} image with files written by debugfs`, () => inScratch(async (dir) => {
    const img = join(dir, 'd.img');
    execFileSync(`${SBIN}/mke2fs`, ['-q', '-t', 'ext2', '-b', String(bs), '-F', img, '16M']);
    const big = pattern(5 * 1024 * 1024 + 123, 1);   // past the double-indirect threshold with 1 KiB blocks
    writeFileSync(join(dir, 'big'), big);
    writeFileSync(join(dir, 'small'), 'hello ext2\n');
    debugfs(img, 'mkdir sub', true);
    debugfs(img, `write ${join(dir, 'big')} sub/big`, true);
    debugfs(img, `write ${join(dir, 'small')} small`, true);
    debugfs(img, 'symlink fast small', true);
    debugfs(img, `symlink slow /${'x'.repeat(100)}`, true);
    const { fs } = await mount(img);
    const names = fs.root().list().map((e) => e.name).sort();
    assert.deepEqual(names, ['fast', 'lost+found', 'slow', 'small', 'sub']);
    assert.equal(walk(fs, 'small').read(100, 0).toString(), 'hello ext2\n');
    const b = walk(fs, 'sub/big');
    assert.equal(b.stat().size, big.length);
    assert.ok(b.read(big.length + 10, 0).equals(big));
    assert.equal(walk(fs, 'fast').readlink(), 'small');
    assert.equal(walk(fs, 'slow').readlink(), `/${'x'.repeat(100)}`);
  }));

  test(`writes a mke2fs -b ${bs} image that e2fsck -fn calls clean and debugfs reads back`, () => inScratch(async (dir) => {
    const img = join(dir, 'd.img');
    execFileSync(`${SBIN}/mke2fs`, ['-q', '-t', 'ext2', '-b', String(bs), '-F', img, '16M']);
    const { fs } = await mount(img);
    const root = fs.root();
    root.mkdir('d', 0o755, who);
    const d = walk(fs, 'd');
    const big = pattern(3 * 1024 * 1024 + 77, 2);
    (d.create('big', 0o644, who) as Ext2Node).write(big, 0);
    for (let k = 0; k < 60; k++) (d.create(`f${k}`, 0o600, who) as Ext2Node).write(pattern(100 + k * 50, k), 0);
    for (let k = 0; k < 60; k += 3) d.unlink(`f${k}`);
    root.symlink('fast', 'd/big', who);
    root.symlink('slow', `/${'y'.repeat(200)}`, who);
    root.mkdir('gone', 0o700, who);
    walk(fs, 'gone').mkdir('inner', 0o700, who);
    walk(fs, 'gone').rmdir('inner');
    root.rmdir('gone');
    d.rename('f1', root, 'moved', false);
    root.mkdir('m', 0o755, who);
    root.rename('m', d, 'm2', false);
    const t = d.create('trunc', 0o644, who) as Ext2Node;
    t.write(pattern(2 * 1024 * 1024, 3), 0);
    t.setattr({ size: 5000 });
    d.link('hard', walk(fs, 'd/big'));
    await flush(fs);
    const r = fsck(img);
    assert.equal(r.status, 0, r.out);
    const out = join(dir, 'out');
    debugfs(img, `dump d/hard ${out}`);
    assert.ok(readFileSync(out).equals(big));
    const moved = join(dir, 'moved');
    debugfs(img, `dump moved ${moved}`);
    assert.ok(readFileSync(moved).equals(pattern(150, 1)));
    assert.match(debugfs(img, 'stat slow'), /Fast link dest|Type: symlink/);
    assert.match(debugfs(img, 'ls -l d'), /m2/);
    const t2 = join(dir, 't2');
    debugfs(img, `dump d/trunc ${t2}`);
    assert.ok(readFileSync(t2).equals(pattern(2 * 1024 * 1024, 3).subarray(0, 5000)));
  }));
}

// The second size ends in a partial 4 KiB block, which formatting's scan must stop at.
for (const bytes of [16 * 1024 * 1024, 16 * 1024 * 1024 + 3 * 512]) test(`an all-zero device of ${bytes} bytes is formatted, e2fsck -fn calls it clean, and files survive a remount`, () => inScratch(async (dir) => {
  const img = join(dir, 'zero.img');
  writeFileSync(img, Buffer.alloc(bytes));
  const { fs } = await mount(img);
  (fs.root().create('a', 0o644, who) as Ext2Node).write(Buffer.from('persisted'), 0);
  await flush(fs);
  const r = fsck(img);
  assert.equal(r.status, 0, r.out);
  assert.equal(debugfs(img, 'cat a'), 'persisted');
  const again = await mount(img);
  assert.equal(walk(again.fs, 'a').read(100, 0).toString(), 'persisted');
  assert.equal(walk(again.fs, 'a').mode() & S.IFMT, S.IFREG);
}));

test('a device that says it holds no data is formatted without one read; one holding data is read first', () => inScratch(async (dir) => {
  const img = join(dir, 'thin.img');
  writeFileSync(img, Buffer.alloc(16 * 1024 * 1024));
  class ThinDevice extends ImageDevice {
    reads = 0;
    constructor(path: string, readonly allocated: number) { super(path); }
    override async read(lba: number, count: number) { this.reads++; return super.read(lba, count); }
    async allocatedBlocks() { return this.allocated; }
  }
  const blank = new ThinDevice(img, 0);
  const m = await mountExt2(blank);
  assert.equal(m.formatted, true);
  assert.equal(blank.reads, 0);
  await blank.flush();
  assert.equal(fsck(img).status, 0, fsck(img).out);
  assert.ok(readFileSync(img).equals(m.volume.image), 'the device holds every block mkfs wrote');
  writeFileSync(img, Buffer.alloc(16 * 1024 * 1024).fill(0xab, 0, 8192));
  const used = new ThinDevice(img, 16);
  await assert.rejects(mountExt2(used), /bad magic/);
  assert.ok(used.reads > 0);
  assert.equal(used.writes, 0);
}));

test('a corrupt image is refused with the reason and never written', () => inScratch(async (dir) => {
  const img = join(dir, 'bad.img');
  const bytes = Buffer.alloc(4 * 1024 * 1024);
  bytes.fill(0xab, 0, 8192);
  writeFileSync(img, bytes);
  const dev = new ImageDevice(img);
  await assert.rejects(mountExt2(dev), (err) => err instanceof MountError && /bad magic/.test(err.message));
  assert.equal(dev.writes, 0);
  execFileSync(`${SBIN}/mke2fs`, ['-q', '-t', 'ext2', '-F', img, '4M']);
  const b = readFileSync(img);
  b.writeUInt32LE(0xffffff, 1024 + 4);   // blocks_count far past the device
  writeFileSync(img, b);
  const dev2 = new ImageDevice(img);
  await assert.rejects(mountExt2(dev2), /impossible block count/);
  assert.equal(dev2.writes, 0);
}));

test('a commit record left in the log is replayed at mount (the crash after the log flush)', () => inScratch(async (dir) => {
  const img = join(dir, 'zero.img');
  writeFileSync(img, Buffer.alloc(16 * 1024 * 1024));
  const { fs, dev } = await mount(img);
  // 2 MiB: past what a mount reads first, in blocks the on-disk bitmaps still call free.
  const content = Buffer.alloc(2 * 1024 * 1024, 'logged ');
  (fs.root().create('kept', 0o644, who) as Ext2Node).write(content, 0);
  // Crash after the log's flush, before the in-place metadata writes: let only the first flush reach the file.
  let flushes = 0;
  const realWrite = dev.write.bind(dev);
  dev.write = async (lba, data) => {
    if (flushes >= 1) throw new Error('crashed');
    return realWrite(lba, data);
  };
  const realFlush = dev.flush.bind(dev);
  dev.flush = async () => { flushes++; if (flushes === 1) await realFlush(); };
  await assert.rejects(flush(fs));
  assert.match(debugfs(img, 'ls'), /^(?![\s\S]*kept)/);   // not in place yet
  const again = await mount(img);
  assert.ok(walk(again.fs, 'kept').read(content.length, 0).equals(content), 'the replayed file has its data');
  const r = fsck(img);
  assert.equal(r.status, 0, r.out);
}));


for (const bs of [1024, 4096]) {
  test(`a seeded random sequence of operations (-b ${bs}) leaves an image e2fsck -fn calls clean, with every file's bytes as a model says`, () => inScratch(async (dir) => {
    const img = join(dir, 'r.img');
    execFileSync(`${SBIN}/mke2fs`, ['-q', '-t', 'ext2', '-b', String(bs), '-F', img, '24M']);
    const { fs } = await mount(img);
    const r = rng(bs);
    const model = new Map<string, Buffer>();   // "dir/name" -> bytes
    const dirs = ['', 'a', 'b'];
    fs.root().mkdir('a', 0o755, who);
    fs.root().mkdir('b', 0o755, who);
    const dirNode = (d: string) => (d ? walk(fs, d) : fs.root());
    for (let step = 0; step < 400; step++) {
      const d = dirs[r(dirs.length)]!;
      const name = `n${r(25)}`;
      const key = d ? `${d}/${name}` : name;
      const parent = dirNode(d);
      const exists = model.has(key);
      switch (r(6)) {
        case 0: case 1: {   // write somewhere (maybe past the end: a hole)
          if (!exists) { parent.create(name, 0o644, who); model.set(key, Buffer.alloc(0)); }
          const at = r(3) === 0 ? r(300_000) : model.get(key)!.length;
          const data = pattern(1 + r(bs === 1024 ? 70_000 : 200_000), step);
          (walk(fs, key)).write(data, at);
          const old = model.get(key)!;
          const next = Buffer.alloc(Math.max(old.length, at + data.length));
          old.copy(next);
          data.copy(next, at);
          model.set(key, next);
          break;
        }
        case 2:
          if (exists) {
            const size = r(model.get(key)!.length + 1);
            walk(fs, key).setattr({ size });
            const next = Buffer.alloc(size);
            model.get(key)!.copy(next, 0, 0, size);
            model.set(key, next);
          }
          break;
        case 3:
          if (exists) { parent.unlink(name); model.delete(key); }
          break;
        case 4: {
          const d2 = dirs[r(dirs.length)]!;
          const to = `m${r(25)}`;
          const key2 = d2 ? `${d2}/${to}` : to;
          if (exists && key2 !== key) {
            parent.rename(name, dirNode(d2), to, false);
            model.set(key2, model.get(key)!);
            model.delete(key);
          }
          break;
        }
        case 5:
          if (!exists && !parent.lookup(`l${name}`)) parent.symlink(`l${name}`, 'x'.repeat(1 + r(200)), who);
          break;
      }
      if (step % 97 === 0) await flush(fs);
    }
    await flush(fs);
    const check = fsck(img);
    assert.equal(check.status, 0, check.out);
    const again = await mount(img);
    for (const [key, bytes] of model) assert.ok(walk(again.fs, key).read(bytes.length + 1, 0).equals(bytes), key);
    const out = join(dir, 'dumped');
    const [k0, b0] = [...model].sort((x, y) => y[1].length - x[1].length)[0]!;
    debugfs(img, `dump ${k0} ${out}`);
    assert.ok(readFileSync(out).equals(b0), `debugfs reads ${k0} back`);
  }));
}
