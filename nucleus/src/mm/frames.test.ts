import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../machine/memory.js";
import { ENOMEM } from "./errno.js";
import { FrameAllocator } from "./frames.js";

test("frames are distinct, never frame 0, and counted", () => {
  const frames = new FrameAllocator(new PhysicalMemory(16 * 4096));
  assert.equal(frames.total, 15);
  const got = new Set<number>();
  for (let k = 0; k < 15; k++) {
    const f = frames.allocate();
    assert.ok(f >= 1 && f < 16, `frame ${f}`);
    got.add(f);
    assert.equal(frames.used, k + 1);
    assert.equal(frames.free, 15 - k - 1);
  }
  assert.equal(got.size, 15);
  assert.equal(frames.allocate(), -ENOMEM);
  assert.equal(frames.used, 15);
});

test("a recycled frame comes back zeroed", () => {
  const ram = new PhysicalMemory(4 * 4096);
  const frames = new FrameAllocator(ram);
  const all = [frames.allocate(), frames.allocate(), frames.allocate()];
  for (const f of all) ram.u8.fill(0xee, f * 4096, (f + 1) * 4096);
  frames.unref(all[1]);
  const again = frames.allocate();
  assert.equal(again, all[1]);
  assert.ok(ram.u8.subarray(again * 4096, (again + 1) * 4096).every((b) => b === 0));
});

test("reference counts: a shared frame is freed by its last unref only", () => {
  const frames = new FrameAllocator(new PhysicalMemory(8 * 4096));
  const f = frames.allocate();
  frames.ref(f);
  frames.ref(f);
  assert.equal(frames.refCount(f), 3);
  assert.equal(frames.unref(f), 2);
  assert.equal(frames.unref(f), 1);
  assert.equal(frames.used, 1);
  assert.equal(frames.unref(f), 0);
  assert.equal(frames.used, 0);
  assert.throws(() => frames.unref(f), RangeError);
  assert.throws(() => frames.ref(f), RangeError);
  assert.throws(() => frames.unref(0), RangeError);
});

test("freeing a frame that holds decoded code tells the code cache first", () => {
  const ram = new PhysicalMemory(8 * 4096);
  const frames = new FrameAllocator(ram);
  const f = frames.allocate();
  const g = frames.allocate();
  ram.codeFrames[f] = 1;
  const seen: number[] = [];
  frames.onCodeFrame = (frame) => { seen.push(frame); ram.codeFrames[frame] = 0; };
  frames.unref(g);
  frames.unref(f);
  assert.deepEqual(seen, [f]);
});
