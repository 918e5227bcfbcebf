import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../machine/memory.js";
import { AddressSpace } from "./address-space.js";
import { FrameAllocator } from "./frames.js";
import { MapFlag, Prot } from "./regions.js";
import { Sections, sectionKey } from "./sections.js";
import { guestAccess } from "./test-support.js";

const RW = Prot.Read | Prot.Write;
const BASE = 0x40_0000;
const PAGE = 4096;
const file = { device: 25, inode: 7, offset: 0, path: "/dev/shm/pool" };

function setup() {
  const frames = new FrameAllocator(new PhysicalMemory(4 << 20));
  const sections = new Sections(frames);
  const a = AddressSpace.create(frames) as AddressSpace;
  const b = AddressSpace.create(frames) as AddressSpace;
  return { frames, sections, a, b, key: sectionKey(file.device, file.inode) };
}

function read8(s: AddressSpace, va: number): number {
  const r = guestAccess(s, () => s.mmu.read8(va));
  assert.ok(r.ok, `read at 0x${va.toString(16)}`);
  return r.value;
}
const write8 = (s: AddressSpace, va: number, v: number) => guestAccess(s, () => s.mmu.write8(va, v));

test("two spaces mapping one section share its frames: a store in one is a load in the other", () => {
  const { sections, a, b, key } = setup();
  const content = new Uint8Array(2 * PAGE).fill(5);
  assert.equal(a.map(BASE, 2 * PAGE, RW, MapFlag.Shared, { file, content, section: { sections, key } }), 0);
  // The second mapping sits elsewhere, at file offset one page, with stale content that must not win.
  assert.equal(b.map(BASE + 8 * PAGE, PAGE, RW, MapFlag.Shared, { file: { ...file, offset: PAGE }, content: new Uint8Array(PAGE).fill(9), section: { sections, key } }), 0);
  assert.equal(read8(b, BASE + 8 * PAGE), 5, "the section's frame, not the later content");
  write8(a, BASE + PAGE + 10, 77);
  assert.equal(read8(b, BASE + 8 * PAGE + 10), 77);
  write8(b, BASE + 8 * PAGE + 11, 78);
  assert.equal(read8(a, BASE + PAGE + 11), 78);
  const pages = sections.read(key, 0, 2 * PAGE);
  assert.deepEqual(pages.map((p) => p.index), [0, 1]);
  assert.equal(pages[1]!.bytes[10], 77);
});

test("section writes reach the mapped pages; pages the section lacks stay vfsd's", () => {
  const { sections, a, key } = setup();
  assert.equal(a.map(BASE, PAGE, RW, MapFlag.Shared, { file, section: { sections, key } }), 0);
  sections.write(key, PAGE - 2, new Uint8Array([1, 2, 3, 4]));
  assert.equal(read8(a, BASE + PAGE - 1), 2);
  assert.deepEqual(sections.read(key, PAGE, PAGE), [], "page 1 was never mapped");
});

test("a dropped section leaves live mappings their frames; unmapping frees them", () => {
  const { frames, sections, a, key } = setup();
  const before = frames.used;
  assert.equal(a.map(BASE, 2 * PAGE, RW, MapFlag.Shared, { file, section: { sections, key } }), 0);
  write8(a, BASE, 42);
  sections.drop(key);
  assert.equal(sections.has(key), false);
  assert.equal(read8(a, BASE), 42);
  a.unmap(BASE, 2 * PAGE);
  // What is left is page-table pages: the data frames went with the last reference.
  assert.equal(frames.used - before <= 3, true, `${frames.used - before} frames still held`);
  const again = new Sections(frames);
  assert.equal(a.map(BASE, PAGE, RW, MapFlag.Shared, { file, section: { sections: again, key } }), 0);
  assert.equal(read8(a, BASE), 0, "a new section starts from zeros (or the file's content)");
});
