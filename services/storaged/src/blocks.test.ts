/**
 * storaged's block service over the host-file device: a new disk is sparse
 * zeroes of the default size, bytes written are read back (also by a new
 * storaged on the same file), and requests out of range or not in whole blocks
 * get EINVAL without touching the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno } from '@rustos/platform';
import { blockHandlers, MAX_TRANSFER } from './blocks.js';
import { FileDevice, FILE_DEVICE_BYTES } from './file-device.js';

type Handler = (call: { request: unknown }, cb: (err: unknown, res?: unknown) => void) => void;
const quiet = { warn: () => undefined };

function ask<T>(h: unknown, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => (h as Handler)({ request }, (err, res) => (err ? reject(err) : resolve(res as T))));
}

test('a new disk file is 64 MiB of sparse zeroes; writes are read back, by a new storaged too; flush reaches the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'storaged-'));
  try {
    const path = join(dir, 'disks', 'data.img');
    const dev = await FileDevice.open(path);
    assert.equal(statSync(path).size, FILE_DEVICE_BYTES);
    assert.ok(statSync(path).blocks * 512 < FILE_DEVICE_BYTES / 4, 'sparse');
    const h = blockHandlers(Promise.resolve(dev), `file:${path}`, quiet);
    const d = await ask<{ blockSize: number; blocks: number; errno: number }>(h.Describe, {});
    assert.deepEqual([d.blockSize, d.blocks, d.errno], [512, FILE_DEVICE_BYTES / 512, 0]);
    const data = Buffer.alloc(1024, 0x5a);
    assert.equal((await ask<{ errno: number }>(h.Write, { lba: 7, data })).errno, 0);
    assert.equal((await ask<{ errno: number }>(h.Flush, {})).errno, 0);
    assert.ok(readFileSync(path).subarray(7 * 512, 9 * 512).equals(data));
    await dev.close();
    const again = blockHandlers(FileDevice.open(path), `file:${path}`, quiet);
    const r = await ask<{ data: Buffer; errno: number }>(again.Read, { lba: 6, count: 4 });
    assert.equal(r.errno, 0);
    assert.ok(r.data.equals(Buffer.concat([Buffer.alloc(512), data, Buffer.alloc(512)])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('out of range, partial blocks and oversized transfers are EINVAL and change nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'storaged-'));
  try {
    const path = join(dir, 'small.img');
    const dev = await FileDevice.open(path, 1024 * 1024);
    const h = blockHandlers(Promise.resolve(dev), 'file', quiet);
    const end = dev.blocks;
    for (const req of [{ lba: end, count: 1 }, { lba: end - 1, count: 2 }, { lba: -1, count: 1 }, { lba: 0, count: 0 }, { lba: 0, count: MAX_TRANSFER / 512 + 1 }]) {
      assert.equal((await ask<{ errno: number }>(h.Read, req)).errno, Errno.EINVAL, JSON.stringify(req));
    }
    for (const req of [{ lba: 0, data: Buffer.alloc(100) }, { lba: end, data: Buffer.alloc(512) }, { lba: 0, data: Buffer.alloc(0) }]) {
      assert.equal((await ask<{ errno: number }>(h.Write, req)).errno, Errno.EINVAL, `write at ${req.lba} of ${req.data.length}`);
    }
    assert.ok(readFileSync(path).equals(Buffer.alloc(1024 * 1024)));
    await dev.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
