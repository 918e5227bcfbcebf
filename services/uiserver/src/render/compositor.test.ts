/** Composition: stacking, clipping, and presenting only what was damaged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Compositor, Surface } from './compositor.js';
import { addDamage, type Rect } from './rect.js';
import { MemoryDisplay } from '../display/memory.js';

test('surfaces stack bottom to top and are clipped to the screen', async () => {
  const d = new MemoryDisplay(16, 8);
  const c = new Compositor(d, 0x111111);
  const a = new Surface(0, 0, 8, 8); a.pixels.fill(0xaa0000);
  const b = new Surface(4, 4, 20, 20); b.pixels.fill(0x00bb00);
  c.add(a); c.add(b);
  await c.compose();
  const at = (x: number, y: number) => d.pixels[y * 16 + x];
  assert.equal(at(0, 0), 0xaa0000);
  assert.equal(at(5, 5), 0x00bb00);     // b is above a
  assert.equal(at(15, 7), 0x00bb00);
  assert.equal(at(12, 0), 0x111111);    // nothing there: the background
  c.remove(b);
  const rects = await c.compose();
  assert.deepEqual(rects, [{ x: 4, y: 4, w: 12, h: 4 }]);
  assert.equal(at(5, 5), 0xaa0000);
  assert.equal(at(12, 6), 0x111111);
});

test('only damaged rectangles reach the display', async () => {
  const d = new MemoryDisplay(32, 32);
  const c = new Compositor(d);
  const s = new Surface(0, 0, 32, 32);
  c.add(s);
  await c.compose();
  d.presented = [];
  s.pixels.fill(0x123456);                // changed everywhere, but only one rectangle is declared
  c.damageSurface(s, { x: 8, y: 8, w: 2, h: 2 });
  await c.compose();
  assert.deepEqual(d.presented, [[{ x: 8, y: 8, w: 2, h: 2 }]]);
  assert.equal(d.pixels[8 * 32 + 8], 0x123456);
  assert.equal(d.pixels[0], 0);            // undeclared pixels were not presented
});

test('damage merges touching rectangles and keeps distant ones apart', () => {
  const list: Rect[] = [];
  addDamage(list, { x: 0, y: 0, w: 8, h: 16 });
  addDamage(list, { x: 8, y: 0, w: 8, h: 16 });
  assert.deepEqual(list, [{ x: 0, y: 0, w: 16, h: 16 }]);
  addDamage(list, { x: 800, y: 600, w: 8, h: 16 });
  assert.equal(list.length, 2);
  addDamage(list, { x: 4, y: 4, w: 2, h: 2 });   // inside the first: swallowed
  assert.equal(list.length, 2);
  for (let i = 0; i < 100; i++) addDamage(list, { x: i * 20, y: (i % 7) * 40, w: 4, h: 4 }, 16);
  assert.ok(list.length <= 16);
});
