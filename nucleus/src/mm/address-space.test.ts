import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../machine/memory.js";
import { AddressSpace, SEGV_ACCERR, SEGV_MAPERR, USER_END, USER_MIN } from "./address-space.js";
import { EFAULT, EINVAL, ENAMETOOLONG, ENOMEM } from "./errno.js";
import { FrameAllocator } from "./frames.js";
import { MapFlag, Prot } from "./regions.js";
import { guestAccess } from "./test-support.js";

const RW = Prot.Read | Prot.Write;
const ANON = MapFlag.Private | MapFlag.Anonymous;
const SHARED_ANON = MapFlag.Shared | MapFlag.Anonymous;
const BASE = 0x40_0000;

function setup(bytes = 4 << 20) {
  const ram = new PhysicalMemory(bytes);
  const frames = new FrameAllocator(ram);
  const space = AddressSpace.create(frames) as AddressSpace;
  return { ram, frames, space, mmu: space.mmu };
}

const read8 = (s: AddressSpace, va: number) => guestAccess(s, () => s.mmu.read8(va));
const write8 = (s: AddressSpace, va: number, v: number) => guestAccess(s, () => s.mmu.write8(va, v));
const fetch8 = (s: AddressSpace, va: number) => guestAccess(s, () => s.mmu.fetch8(va));

test("anonymous pages are allocated on first touch, zeroed", () => {
  const { frames, space } = setup();
  assert.equal(space.map(BASE, 4 * 4096, RW, ANON), 0);
  const before = frames.used;
  assert.equal(space.residentPages, 0);
  assert.deepEqual(read8(space, BASE + 4096 + 5), { ok: true, value: 0 });
  assert.equal(space.residentPages, 1);
  assert.equal(frames.used, before + 3 + 1, "three page tables and the page");
  assert.deepEqual(write8(space, BASE + 3 * 4096, 7), { ok: true, value: undefined });
  assert.deepEqual(read8(space, BASE + 3 * 4096), { ok: true, value: 7 });
  assert.equal(space.residentPages, 2);
  assert.equal(space.mappedBytes, 4 * 4096);
});

test("faults outside a region are SEGV_MAPERR; against its protection SEGV_ACCERR", () => {
  const { space } = setup();
  space.map(BASE, 4096, Prot.Read, ANON);
  space.map(BASE + 4096, 4096, Prot.None, ANON);
  space.map(BASE + 2 * 4096, 4096, Prot.Write, ANON);
  const segv = (code: number, address: number) => ({ ok: false, outcome: "segv", code, address, vector: 14 });
  assert.deepEqual(read8(space, BASE - 1), segv(SEGV_MAPERR, BASE - 1));
  assert.deepEqual(read8(space, BASE + 3 * 4096), segv(SEGV_MAPERR, BASE + 3 * 4096));
  assert.deepEqual(write8(space, BASE, 1), segv(SEGV_ACCERR, BASE));
  assert.deepEqual(fetch8(space, BASE), segv(SEGV_ACCERR, BASE));
  assert.deepEqual(read8(space, BASE + 4096), segv(SEGV_ACCERR, BASE + 4096));
  // A write-only mapping is readable on x86, as in Linux.
  assert.deepEqual(read8(space, BASE + 2 * 4096), { ok: true, value: 0 });
  // Kernel-half and reserved-bit faults never resolve.
  assert.equal(space.handleFault(-4096, 4), "segv");
  assert.equal(space.handleFault(BASE, 4 | 8 | 1), "segv");
  assert.deepEqual(read8(space, 2 ** 47), { ok: false, outcome: "segv", code: 0, address: 0, vector: 13 });
});

test("content is placed at its offset; the rest of the region reads as zeros", () => {
  const { space } = setup();
  const content = Uint8Array.from({ length: 4000 }, (_, k) => (k * 7 + 1) & 0xff);
  assert.equal(space.map(BASE, 3 * 4096, Prot.Read | Prot.Exec, MapFlag.Private, { content, offset: 0xff0, name: "a.out" }), 0);
  assert.equal(space.residentPages, 2); // content spans pages 0 and 1
  const all = space.copyIn(BASE, 3 * 4096) as Uint8Array;
  assert.deepEqual(all.subarray(0xff0, 0xff0 + 4000), content);
  assert.ok(all.subarray(0, 0xff0).every((b) => b === 0));
  assert.ok(all.subarray(0xff0 + 4000).every((b) => b === 0));
  assert.deepEqual(fetch8(space, BASE + 0xff0), { ok: true, value: 1 });
  assert.equal(space.map(BASE, 4096, Prot.Read, MapFlag.Private, { content: new Uint8Array(10), offset: 4090 }), -EINVAL);
});

test("map replaces what it overlaps and frees its pages; unmap splits regions", () => {
  const { frames, space } = setup();
  const baseline = frames.used;
  space.map(BASE, 8 * 4096, RW, ANON, { populate: true });
  assert.equal(space.residentPages, 8);
  space.map(BASE + 2 * 4096, 2 * 4096, Prot.Read, ANON, { name: "[x]" });
  assert.equal(space.residentPages, 6);
  assert.deepEqual(space.regions().map((r) => [r.start - BASE, r.end - BASE, r.prot, r.name]), [
    [0, 0x2000, RW, ""], [0x2000, 0x4000, Prot.Read, "[x]"], [0x4000, 0x8000, RW, ""],
  ]);
  assert.equal(space.unmap(BASE + 0x5000, 0x1000), 0);
  assert.deepEqual(space.regions().map((r) => [r.start - BASE, r.end - BASE]), [[0, 0x2000], [0x2000, 0x4000], [0x4000, 0x5000], [0x6000, 0x8000]]);
  assert.equal(space.residentPages, 5);
  space.unmap(0, USER_END);
  assert.deepEqual(space.regions(), []);
  assert.equal(space.residentPages, 0);
  assert.equal(frames.used, baseline, "page tables emptied by unmap are freed too");
});

test("file identities follow their offsets through splits; adjacent continuations merge", () => {
  const { space } = setup();
  const file = { device: 8, inode: 42, offset: 0x3000, path: "/lib/libc.so.6" };
  space.map(BASE, 4 * 4096, Prot.Read, MapFlag.Private, { file });
  space.protect(BASE + 4096, 4096, RW);
  assert.deepEqual(space.regions().map((r) => [r.start - BASE, r.prot, r.file?.offset]), [
    [0, Prot.Read, 0x3000], [0x1000, RW, 0x4000], [0x2000, Prot.Read, 0x5000],
  ]);
  space.protect(BASE + 4096, 4096, Prot.Read);
  assert.equal(space.regions().length, 1);
  space.map(BASE + 4 * 4096, 4096, RW, ANON);
  space.map(BASE + 5 * 4096, 4096, RW, ANON);
  assert.deepEqual(space.regions().map((r) => [r.start - BASE, r.end - BASE]), [[0, 0x4000], [0x4000, 0x6000]]);
  space.map(BASE + 6 * 4096, 4096, RW, SHARED_ANON);
  space.map(BASE + 7 * 4096, 4096, RW, SHARED_ANON);
  assert.equal(space.regions().length, 4, "shared anonymous mappings stay apart");
});

test("protect changes the pages' rights; PROT_NONE keeps the contents", () => {
  const { frames, space } = setup();
  space.map(BASE, 2 * 4096, RW, ANON);
  write8(space, BASE + 10, 0x42);
  const used = frames.used;
  assert.equal(space.protect(BASE, 4096, Prot.Read), 0);
  assert.equal(write8(space, BASE + 10, 1).ok, false);
  assert.equal(space.protect(BASE, 4096, Prot.None), 0);
  assert.equal(read8(space, BASE + 10).ok, false);
  assert.equal(space.segvCode, SEGV_ACCERR);
  assert.equal(frames.used, used);
  assert.equal(space.residentPages, 1);
  assert.equal(space.protect(BASE, 4096, RW | Prot.Exec), 0);
  assert.deepEqual(read8(space, BASE + 10), { ok: true, value: 0x42 });
  assert.deepEqual(fetch8(space, BASE + 10), { ok: true, value: 0x42 });
  assert.deepEqual(write8(space, BASE + 10, 0x43), { ok: true, value: undefined });
  assert.equal(space.protect(BASE, 3 * 4096, Prot.Read), -ENOMEM, "a hole in the range");
  assert.equal(space.protect(BASE + 1, 4096, Prot.Read), -EINVAL);
  assert.equal(space.protect(BASE, 4096, 8), -EINVAL);
});

test("bad arguments are errors, never exceptions", () => {
  const { space } = setup();
  assert.equal(space.map(BASE + 1, 4096, RW, ANON), -EINVAL);
  assert.equal(space.map(BASE, 0, RW, ANON), -EINVAL);
  assert.equal(space.map(BASE, -1, RW, ANON), -EINVAL);
  assert.equal(space.map(BASE, 4096, RW, MapFlag.Anonymous), -EINVAL);
  assert.equal(space.map(BASE, 4096, RW, MapFlag.Shared | MapFlag.Private), -EINVAL);
  assert.equal(space.map(USER_END - 4096, 8192, RW, ANON), -ENOMEM);
  assert.equal(space.map(NaN, 4096, RW, ANON), -EINVAL);
  assert.equal(space.unmap(BASE, 0), -EINVAL);
  assert.equal(space.copyIn(BASE, -1), -EINVAL);
  assert.equal(space.copyIn(NaN, 4), -EFAULT);
  assert.equal(space.copyIn(BASE, 2 ** 40), -EFAULT);
  assert.equal(space.copyOut(2 ** 60, Uint8Array.of(1)), -EFAULT);
  assert.equal(space.readCString(-5, 10), -EFAULT);
});

test("findFree reports gaps above or below a hint and nothing past the user range", () => {
  const { space } = setup();
  space.map(0x10_0000, 0x1000, RW, ANON);
  space.map(0x10_3000, 0x1000, RW, ANON);
  assert.equal(space.findFree(0x2000, 0x10_0000, "above"), 0x10_1000);
  assert.equal(space.findFree(0x3000, 0x10_0000, "above"), 0x10_4000);
  assert.equal(space.findFree(0x1000, 0x10_0800, "above"), 0x10_1000);
  assert.equal(space.findFree(0x2000, 0x10_4000, "below"), 0x10_1000);
  assert.equal(space.findFree(0x3000, 0x10_4000, "below"), 0x10_0000 - 0x3000);
  assert.equal(space.findFree(0x1000, 0, "above"), USER_MIN);
  assert.equal(space.findFree(0x1000, 2 ** 50, "below"), USER_END - 0x1000);
  assert.equal(space.findFree(0x1000, USER_MIN, "below"), -ENOMEM);
  assert.equal(space.findFree(0x2000, USER_END - 0x1000, "above"), -ENOMEM);
  assert.equal(space.findFree(0, 0, "above"), -ENOMEM);
});

test("a growsdown stack grows on faults below it, within its limit and away from its neighbour", () => {
  const { space } = setup();
  const top = 0x7fff_f000_0000;
  space.map(top - 0x2000, 0x2000, RW, ANON | MapFlag.GrowsDown, { name: "[stack]" });
  space.stackLimit = 0x10_0000;
  assert.deepEqual(write8(space, top - 0x5000, 1), { ok: true, value: undefined });
  assert.equal(space.regions()[0].start, top - 0x5000);
  assert.equal(space.regions()[0].name, "[stack]");
  assert.deepEqual(write8(space, top - 0x10_0000, 1), { ok: true, value: undefined });
  assert.equal(write8(space, top - 0x10_1000, 1).ok, false, "past the stack limit");
  assert.equal(space.segvCode, SEGV_MAPERR);
  // A mapping just below leaves less than the guard gap: no growth into it.
  space.map(top - 0x14_0000, 0x1000, RW, ANON);
  space.stackLimit = 0x100_0000;
  assert.equal(write8(space, top - 0x10_1000, 1).ok, false, "inside the guard gap");
  // The kernel's own accesses grow the stack the same way.
  space.unmap(top - 0x14_0000, 0x1000);
  assert.equal(space.copyOut(top - 0x10_2000, Uint8Array.of(5)), 0);
});

test("fork shares private pages copy-on-write and shared pages as they are", () => {
  const { ram, frames, space } = setup();
  space.map(BASE, 2 * 4096, RW, ANON);
  space.map(BASE + 0x10000, 4096, RW, SHARED_ANON);
  write8(space, BASE, 1);
  write8(space, BASE + 4096, 2);
  write8(space, BASE + 0x10000, 3);
  const child = space.fork() as AddressSpace;
  assert.equal(child.residentPages, 3);
  assert.deepEqual(child.regions(), space.regions());
  const usedAfterFork = frames.used;

  // Child writes its private page: a copy is made, the parent still sees its own.
  assert.deepEqual(write8(child, BASE, 10), { ok: true, value: undefined });
  assert.equal(frames.used, usedAfterFork + 1);
  assert.deepEqual(read8(space, BASE), { ok: true, value: 1 });
  assert.deepEqual(read8(child, BASE), { ok: true, value: 10 });
  // Parent writes the other private page: a copy too.
  write8(space, BASE + 4096, 20);
  assert.deepEqual(read8(child, BASE + 4096), { ok: true, value: 2 });
  // The shared page is one page for both.
  write8(child, BASE + 0x10000, 30);
  assert.deepEqual(read8(space, BASE + 0x10000), { ok: true, value: 30 });

  // Once the child is gone, the parent's page is alone again: the write fault just restores RW, no copy.
  child.destroy();
  const frameBefore = space.mmu.translate(BASE, 0) >>> 12;
  const used = frames.used;
  write8(space, BASE, 11);
  assert.equal(frames.used, used);
  assert.equal(space.mmu.translate(BASE, 1) >>> 12, frameBefore);
  assert.equal(ram.u8[frameBefore * 4096], 11);
});

test("user copy resolves demand paging and COW, and fails with EFAULT like Linux", () => {
  const { space } = setup();
  space.map(BASE, 3 * 4096, RW, ANON);
  space.map(BASE + 3 * 4096, 4096, Prot.Read, ANON);
  const text = new TextEncoder().encode("hello, world");
  assert.equal(space.copyOut(BASE + 4096 - 5, text), 0);
  assert.deepEqual(space.copyIn(BASE + 4096 - 5, text.length), text);
  assert.deepEqual(space.readCString(BASE + 4096 - 5, 100), text);
  assert.equal(space.readCString(BASE + 4096 - 5, 12), -ENAMETOOLONG);
  assert.deepEqual(space.readCString(BASE + 4096 - 5, 13), text);
  assert.deepEqual(space.readCString(BASE + 2 * 4096, 10), new Uint8Array(0));
  assert.equal(space.copyOut(BASE + 3 * 4096, Uint8Array.of(1)), -EFAULT, "read-only page");
  assert.equal(space.copyIn(BASE + 3 * 4096, 4097), -EFAULT, "runs past the mapping");
  assert.equal(space.copyIn(BASE - 1, 2), -EFAULT);
  // A string running into unmapped memory without a NUL.
  space.copyOut(BASE + 3 * 4096 - 3, Uint8Array.of(65, 66, 67));
  space.unmap(BASE + 3 * 4096, 4096);
  assert.equal(space.readCString(BASE + 3 * 4096 - 3, 100), -EFAULT);
  // copyOut into a page shared with a fork child breaks COW: the child keeps the old bytes.
  const child = space.fork() as AddressSpace;
  assert.equal(space.copyOut(BASE + 4096 - 5, Uint8Array.of(72)), 0);
  assert.deepEqual(child.copyIn(BASE + 4096 - 5, 1), Uint8Array.of(104));
  assert.deepEqual(space.copyIn(BASE + 4096 - 5, 1), Uint8Array.of(72));
  child.destroy();
});

test("copyOut into a frame holding decoded code tells the code cache first", () => {
  const { ram, frames, space } = setup();
  space.map(BASE, 4096, RW | Prot.Exec, ANON);
  assert.equal(fetch8(space, BASE).ok, true);
  const frame = space.mmu.translate(BASE, 2) >>> 12;
  space.mmu.markCodeFrame(frame);
  const seen: number[] = [];
  frames.onCodeFrame = (f) => { seen.push(f); ram.codeFrames[f] = 0; };
  assert.equal(space.copyOut(BASE + 1, Uint8Array.of(0xc3)), 0);
  assert.deepEqual(seen, [frame]);
  assert.equal(ram.u8[frame * 4096 + 1], 0xc3);
});

test("out of memory is a result, and leaks nothing", () => {
  const { frames, space } = setup(24 * 4096);
  const baseline = frames.used;
  assert.equal(space.map(BASE, 64 * 4096, RW, ANON, { populate: true }), -ENOMEM);
  assert.equal(frames.used, baseline);
  assert.deepEqual(space.regions(), []);
  space.map(BASE, 64 * 4096, RW, ANON);
  let outcome = "";
  for (let page = 0; page < 64 && outcome === ""; page++) {
    const r = write8(space, BASE + page * 4096, 1);
    if (!r.ok) outcome = r.outcome;
  }
  assert.equal(outcome, "oom");
  assert.equal(frames.free, 0);
  const child = space.fork();
  assert.equal(child, -ENOMEM);
  assert.equal(frames.free, 0, "a failed fork gives back what it took");
  space.destroy();
  assert.equal(frames.used, 0);
});

test("destroy returns every frame, also after fork and COW breaks", () => {
  const { frames, space } = setup();
  space.map(BASE, 16 * 4096, RW, ANON);
  space.map(2 ** 40, 4 * 4096, RW, SHARED_ANON, { populate: true });
  for (let k = 0; k < 16; k++) write8(space, BASE + k * 4096, k);
  const child = space.fork() as AddressSpace;
  const grandchild = child.fork() as AddressSpace;
  for (let k = 0; k < 16; k += 3) write8(child, BASE + k * 4096, 100 + k);
  for (let k = 0; k < 16; k += 5) write8(grandchild, BASE + k * 4096, 200 + k);
  for (let k = 0; k < 16; k += 2) write8(space, BASE + k * 4096, 50 + k);
  space.destroy();
  assert.deepEqual(read8(grandchild, BASE + 3 * 4096), { ok: true, value: 3 }, "forked before the child wrote");
  assert.deepEqual(read8(child, BASE + 3 * 4096), { ok: true, value: 103 });
  assert.deepEqual(read8(grandchild, BASE + 5 * 4096), { ok: true, value: 205 });
  child.destroy();
  grandchild.destroy();
  assert.equal(frames.used, 0);
  space.destroy(); // twice is harmless
  assert.equal(frames.used, 0);
});
