import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhysicalMemory } from '../memory.js';
import { FrameAllocator } from '../../mm/frames.js';
import { DmaDomain, MAX_DMA_SESSION, MAX_DMA_WINDOW } from './dma.js';

test('windows are page-granular, guarded, bounded per window and per session, and give their frames back', () => {
  const ram = new PhysicalMemory(96 * 2 ** 20);
  const frames = new FrameAllocator(ram);
  const d = new DmaDomain(ram, frames, 'driver x');
  const a = d.allocate(100);
  const b = d.allocate(5000);
  assert.equal(a.length, 4096);
  assert.equal(b.length, 8192);
  assert.ok(b.address >= a.address + a.length + 4096, 'a guard page between windows');
  d.write(b.address + 4090, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));   // across the window's page boundary
  assert.deepEqual([...d.read(b.address + 4090, 10)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.throws(() => d.read(a.address + 4090, 10), /DMA read of 10 bytes at 0x[0-9a-f]+ is outside the windows granted to driver x/);
  assert.throws(() => d.allocate(MAX_DMA_WINDOW + 1), /must be 1\.\./);
  assert.throws(() => d.allocate(0), /must be 1\.\./);
  for (let i = 0; i < MAX_DMA_SESSION / MAX_DMA_WINDOW - 1; i++) d.allocate(MAX_DMA_WINDOW);
  assert.throws(() => d.allocate(MAX_DMA_WINDOW), /already holds \d+ bytes \(at most 67108864 per session\)/);
  const used = frames.used;
  assert.ok(used > 0);
  d.release();
  assert.equal(frames.used, 0);
  assert.deepEqual(d.granted, []);
});
