import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../machine/memory.js";
import { Mmu } from "../machine/mmu.js";
import { A, bit, D, faultOf, P, readEntry, RW, SDM_BIT, US, XD } from "../machine/paging-test-tables.js";
import { LEAF_NX, Pte } from "../machine/pte.js";
import { FrameAllocator } from "./frames.js";
import { PageTable } from "./page-table.js";

const USER_RW = Pte.Present | Pte.Writable | Pte.User;

function setup(bytes = 1 << 20) {
  const ram = new PhysicalMemory(bytes);
  const frames = new FrameAllocator(ram);
  const mmu = new Mmu(ram);
  const pt = PageTable.create(frames, mmu)!;
  mmu.setRoot(pt.root);
  return { ram, frames, mmu, pt };
}

test("map writes real entries: tables are P|RW|US, the leaf carries frame, flags and NX at bit 63", () => {
  const { ram, frames, pt } = setup();
  const f = frames.allocate();
  const va = 0x7f12_3456_7000;
  assert.ok(pt.map(va, f, Pte.Present | Pte.User | LEAF_NX));
  for (const level of [4, 3, 2]) {
    const e = readEntry(ram, pt.root, va, level)!;
    assert.equal(e & (P | RW | US | XD), P | RW | US, `level ${level}`);
  }
  assert.equal(readEntry(ram, pt.root, va, 1), (BigInt(f) << BigInt(SDM_BIT.ADDR_LOW)) | P | US | bit(SDM_BIT.XD));
  assert.equal(pt.lookup(va), f);
  assert.equal(pt.leaf, Pte.Present | Pte.User | LEAF_NX);
  assert.equal(pt.lookup(va + 0x1000), 0);
  assert.equal(pt.lookup(0x1000), 0);
});

test("every edit reaches the Mmu: unmap, protect and remap take effect on the next access", () => {
  const { ram, frames, mmu, pt } = setup();
  const va = 0x40_0000;
  const f = frames.allocate(), g = frames.allocate();
  ram.u8[f * 4096] = 1;
  ram.u8[g * 4096] = 2;
  pt.map(va, f, USER_RW);
  mmu.write8(va + 1, 9);
  assert.equal(mmu.read8(va), 1);

  pt.update(va, va + 4096, (_va, _frame, leaf) => leaf & ~Pte.Writable);
  assert.equal(faultOf(() => mmu.write8(va, 0))?.errorCode, 7);
  assert.equal(mmu.read8(va), 1);

  pt.map(va, g, USER_RW);
  assert.equal(mmu.read8(va), 2);

  pt.update(va, va + 4096, () => 0);
  assert.equal(faultOf(() => mmu.read8(va))?.errorCode, 4);
});

test("the walker's A/D updates are seen by lookup and kept by update", () => {
  const { frames, mmu, pt } = setup();
  const f = frames.allocate();
  pt.map(0x1000, f, USER_RW);
  mmu.write8(0x1000, 1);
  pt.lookup(0x1000);
  assert.equal(pt.leaf & (Pte.Accessed | Pte.Dirty), Pte.Accessed | Pte.Dirty);
  const seen: number[] = [];
  pt.update(0, 2 ** 47, (_va, _f, leaf) => { seen.push(leaf); return leaf; });
  assert.deepEqual(seen, [USER_RW | Pte.Accessed | Pte.Dirty]);
});

test("update visits holding leaves in address order across table boundaries, Held ones included", () => {
  const { frames, pt } = setup();
  const vas = [0x1000, 0x1f_f000, 0x20_0000, 2 ** 39 - 0x1000, 2 ** 39, 2 ** 46 + 0x5000];
  for (const va of vas) pt.map(va, frames.allocate(), va === 0x20_0000 ? Pte.Held : USER_RW);
  const seen: number[] = [];
  pt.update(0, 2 ** 47, (va, _f, leaf) => { seen.push(va); return leaf; });
  assert.deepEqual(seen, vas);
  const part: number[] = [];
  pt.update(0x1f_f000, 2 ** 39 + 1, (va, _f, leaf) => { part.push(va); return leaf; });
  assert.deepEqual(part, vas.slice(1, 5));
});

test("clearing leaves frees the tables they emptied, and only those", () => {
  const { frames, pt } = setup();
  assert.equal(frames.used, 1); // the PML4
  const a = frames.allocate(), b = frames.allocate();
  pt.map(0x40_0000, a, USER_RW);
  pt.map(2 ** 40, b, USER_RW);
  assert.equal(frames.used, 1 + 2 + 3 + 3);
  pt.update(0x40_0000, 0x40_1000, () => 0);
  assert.equal(frames.used, 1 + 2 + 3, "three tables of the first page freed");
  assert.equal(pt.lookup(2 ** 40), b);
  frames.unref(a);
  pt.update(0, 2 ** 47, (_va, frame) => { frames.unref(frame); return 0; });
  assert.equal(frames.used, 1);
  pt.destroy();
  assert.equal(frames.used, 0);
});

test("map reports failure when an intermediate table cannot be allocated", () => {
  const ram = new PhysicalMemory(4 * 4096); // frames 1..3
  const frames = new FrameAllocator(ram);
  const mmu = new Mmu(ram);
  const pt = PageTable.create(frames, mmu)!;
  assert.equal(pt.map(0x1000, 3, USER_RW), false); // needs 3 tables, only 2 frames left
  assert.equal(pt.lookup(0x1000), 0);
  assert.equal(PageTable.create(frames, mmu), undefined);
});

test("a fresh entry has A and D clear; the walker sets them", () => {
  const { ram, frames, mmu, pt } = setup();
  pt.map(0x5000, frames.allocate(), USER_RW);
  assert.equal(readEntry(ram, pt.root, 0x5000, 1)! & (A | D), 0n);
  mmu.read8(0x5000);
  assert.equal(readEntry(ram, pt.root, 0x5000, 1)! & (A | D), A);
});
