/**
 * /data is persistent: a guest (busybox sh through `rustos run`) writes and
 * fsyncs files with known checksums while storaged, then vfsd, is killed and comes back;
 * after `rustos down` and `up` on the same disk every fsynced file has its
 * checksum and Debian's e2fsck -fn calls the disk clean. A corrupt disk is
 * refused at mount with the reason, never written, and the system runs on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, LocalSystem } from '../local/system.js';

const FILES = 8;
/** What `busybox seq 1 N` prints. */
const seqText = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');
const lines = (k: number) => (k + 1) * 3000;
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

function fsck(disk: string): { status: number; out: string } {
  const r = spawnSync('/usr/sbin/e2fsck', ['-fn', disk], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}

/** sha256sum of every /data/fK in the guest, by name. */
function guestSums(sys: LocalSystem): Map<string, string> {
  const r = sys.cli('run', '--', '/bin/busybox', 'sh', '-c', 'cd /data && busybox sha256sum f*');
  assert.equal(r.status, 0, r.stderr);
  return new Map(r.stdout.trim().split('\n').map((l) => { const [sum, name] = l.split(/\s+/); return [name!, sum!]; }));
}

async function dataMounted(sys: LocalSystem): Promise<void> {
  await sys.until('/data mounted', async () => (await sys.milestones()).find((m) => m.name === 'vfsd.data.mounted'), 60_000, 200);
}

/** A system on `disk`; `use` runs with it (once /data is mounted, unless told not to wait), then it goes down. */
async function onDisk(disk: string, use: (sys: LocalSystem) => Promise<void> | void, mounted = true): Promise<void> {
  const sys = await LocalSystem.boot({ env: { RUSTOS_DISK: disk, RUSTOS_UI_HTTP: '127.0.0.1:0' } });
  try {
    if (mounted) await dataMounted(sys);
    await use(sys);
  } finally {
    await sys.down();
  }
}

/** After `rustos down`: e2fsck -fn calls the disk clean, and a new system on it finds what `check` expects. */
async function cleanAfterDownUp(disk: string, check: (sys: LocalSystem) => void): Promise<void> {
  const r = fsck(disk);
  assert.equal(r.status, 0, r.out);
  await onDisk(disk, check);
}

test('fsynced files survive killing storaged and vfsd mid-stream and rustos down/up; e2fsck -fn calls the disk clean', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-disk-'));
  const disk = join(dir, 'data.img');
  const fsynced = (sys: LocalSystem, when: string) => {
    const sums = guestSums(sys);
    for (let i = 0; i < FILES; i++) assert.equal(sums.get(`f${i}`), sha256(seqText(lines(i))), `f${i} ${when}`);
  };
  try {
    await onDisk(disk, async (sys) => {
      const script = `i=0; while [ $i -lt ${FILES} ]; do busybox seq 1 $(( (i+1)*3000 )) | busybox dd of=/data/f$i bs=4096 conv=fsync 2>/dev/null`
        + ' && echo synced $i || echo FAILED $i; i=$((i+1)); done';
      const writer = spawn(process.execPath, [CLI, 'run', '--', '/bin/busybox', 'sh', '-c', script], { env: sys.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      writer.stdout.on('data', (d) => { out += d; });
      writer.stderr.on('data', (d) => { out += d; });
      const finished = new Promise<number | null>((resolve) => writer.on('exit', resolve));
      // Mid-stream: once some files are fsynced and more are to come.
      await sys.until('two files fsynced', async () => (/synced 1\n/.test(out) ? true : undefined), 300_000, 100);
      const k = sys.cli('kill', 'storaged');
      assert.equal(k.status, 0, k.stderr);
      // And vfsd, further on: the new generation remounts /data (replaying the log) before it restores descriptors.
      await sys.until('five files fsynced', async () => (/synced 4\n/.test(out) ? true : undefined), 300_000, 100);
      const kv = sys.cli('kill', 'vfsd');
      assert.equal(kv.status, 0, kv.stderr);
      assert.equal(await finished, 0, out);
      assert.doesNotMatch(out, /FAILED/);
      // Every line once, in order: a restarted vfsd resends from its journalled offset and runtimed drops repeats.
      assert.equal(out, Array.from({ length: FILES }, (_, i) => `synced ${i}\n`).join(''));
      fsynced(sys, 'before down');
    });
    await cleanAfterDownUp(disk, (sys) => fsynced(sys, 'after down/up'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt disk: "vfsd: mount /data failed: …", the disk untouched, the system running without /data', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-disk-'));
  const disk = join(dir, 'bad.img');
  const bytes = Buffer.alloc(8 * 1024 * 1024);
  bytes.fill(0x5a, 0, 16384);
  writeFileSync(disk, bytes);
  try {
    await onDisk(disk, async (sys) => {
      const failed = await sys.until('the mount refused', async () =>
        (await sys.milestones()).find((m) => m.name === 'vfsd.data.failed'), 60_000, 200);
      assert.match(failed.detail, /^vfsd: mount \/data failed: bad magic 0x5a5a/);
      assert.match(sys.cli('logs', 'vfsd').stdout, /vfsd: mount \/data failed: bad magic/);
      const echo = sys.cli('run', '--', '/bin/busybox', 'echo', 'still-running');
      assert.equal(echo.stdout, 'still-running\n');
      // /data is only the root image's empty, read-only mount point.
      const mounts = sys.cli('run', '--', '/bin/busybox', 'cat', '/proc/mounts');
      assert.doesNotMatch(mounts.stdout, / \/data /);
      const write = sys.cli('run', '--', '/bin/busybox', 'sh', '-c', 'echo x > /data/x');
      assert.notEqual(write.status, 0);
      assert.match(write.stderr, /Read-only file system/);
      const vfsd = (await sys.status()).services.find((s) => s.name === 'vfsd')!;
      assert.equal(vfsd.state, 'READY');
    }, false);
    assert.ok(readFileSync(disk).equals(bytes), 'the corrupt disk was never written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an orderly down keeps what was written without fsync: vfsd writes /data back before storaged stops', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-disk-'));
  const disk = join(dir, 'data.img');
  const text = seqText(20_000);
  try {
    await onDisk(disk, (sys) => {
      const w = sys.cli('run', '--', '/bin/busybox', 'sh', '-c', 'busybox seq 1 20000 > /data/unsynced');
      assert.equal(w.status, 0, w.stderr);
    });
    await cleanAfterDownUp(disk, (sys) => {
      const c = sys.cli('run', '--', '/bin/busybox', 'sha256sum', '/data/unsynced');
      assert.equal(c.stdout.split(/\s+/)[0], sha256(text), c.stderr);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rustos cp into /data right after `rustos kill vfsd` waits for the remount instead of failing', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-disk-'));
  const host = join(dir, 'in.txt');
  writeFileSync(host, 'copied while /data came back\n');
  try {
    await onDisk(join(dir, 'data.img'), (sys) => {
      // The CLI reaches the new vfsd while it mounts /data again in the background.
      for (let k = 0; k < 3; k++) {
        assert.equal(sys.cli('kill', 'vfsd').status, 0);
        const cp = sys.cli('cp', host, `:/data/in${k}.txt`);
        assert.equal(cp.status, 0, `round ${k}: ${cp.stderr}`);
        const r = sys.cli('run', '--', '/bin/busybox', 'cat', `/data/in${k}.txt`);
        assert.equal(r.stdout, 'copied while /data came back\n', `round ${k}: ${r.stderr}`);
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unsynced /data writes survive `rustos kill vfsd`; a writer past what the state store may hold waits for writeback', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-disk-'));
  const disk = join(dir, 'data.img');
  const MIB = 72;   // more than the nucleus keeps for a service (64 MiB): only writeback makes room
  try {
    const sys = await LocalSystem.boot({ env: { RUSTOS_DISK: disk, RUSTOS_UI_HTTP: '127.0.0.1:0', VFSD_WRITEBACK_MS: '600000', RUSTOS_DISK_MB: '128' } });
    try {
      await dataMounted(sys);
      const big = sys.cli('run', '--', '/bin/busybox', 'dd', 'if=/dev/zero', 'of=/data/zeros', 'bs=1048576', `count=${MIB}`);
      assert.equal(big.status, 0, big.stderr);
      assert.doesNotMatch(sys.cli('logs', 'nucleus').stdout, /would keep more than/);
      assert.equal(sys.cli('run', '--', '/bin/busybox', 'sync').status, 0);
      const w = sys.cli('run', '--', '/bin/busybox', 'sh', '-c', 'busybox seq 1 20000 > /data/unsynced');
      assert.equal(w.status, 0, w.stderr);
      const before = (await sys.milestones()).length;
      assert.equal(sys.cli('kill', 'vfsd').status, 0);
      const mounted = await sys.until('/data mounted again', async () =>
        (await sys.milestones()).slice(before).find((m) => m.name === 'vfsd.data.mounted'), 60_000, 100);
      assert.match(mounted.detail, /\d+ unsynced blocks back from the journal/);
      const c = sys.cli('run', '--', '/bin/busybox', 'sha256sum', '/data/unsynced');
      assert.equal(c.stdout.split(/\s+/)[0], sha256(seqText(20_000)), c.stderr);
    } finally {
      await sys.down();
    }
    const r = fsck(disk);
    assert.equal(r.status, 0, r.out);
    const out = join(dir, 'zeros');
    spawnSync('/usr/sbin/debugfs', ['-R', `dump /zeros ${out}`, disk]);
    assert.ok(readFileSync(out).equals(Buffer.alloc(MIB * 1024 * 1024)), 'the big file is all there, all zeroes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
