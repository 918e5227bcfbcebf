import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "./memory.js";
import { Mmu, TLB_EMPTY } from "./mmu.js";
import { ArenaAt, TLB_SET_BYTES, TLB_SLOTS } from "./arena.js";
import { RawTables } from "./paging-test-tables.js";

const VA = 0x40_0000;

test("RAM and arena share one WebAssembly.Memory; RAM views end at the RAM", () => {
  const ram = new PhysicalMemory(3 * 4096);
  assert.ok(ram.wasm instanceof WebAssembly.Memory);
  assert.equal(ram.buffer, ram.wasm.buffer);
  assert.equal(ram.u8.length, 3 * 4096);
  assert.equal(ram.dv.byteLength, 3 * 4096);
  assert.ok(ram.arena.base >= ram.size, "the arena is past the last physical address");
  assert.equal(ram.arena.base % 65536, 0);
});

test("each MMU's TLB lies in its own arena slot", () => {
  const ram = new PhysicalMemory(1 << 20);
  const a = new Mmu(ram), b = new Mmu(ram);
  const first = ram.arena.base + ArenaAt.Tlbs;
  for (const m of [a, b]) {
    assert.ok(m.tlbAt >= first && (m.tlbAt - first) % TLB_SET_BYTES === 0);
    assert.equal(m.tlbReadTag.buffer, ram.buffer);
  }
  assert.notEqual(a.tlbAt, b.tlbAt);
});

test("an MMU whose slot is taken keeps working, and takes a slot again when claimed", () => {
  const ram = new PhysicalMemory(4 << 20);
  const tables = new RawTables(ram);
  tables.map(VA, 0x20_000);
  const first = new Mmu(ram);
  first.setRoot(tables.root);
  first.write32(VA, 0x1234);
  assert.notEqual(first.tlbWriteTag[(VA / 4096) & 1023], TLB_EMPTY);
  const others = Array.from({ length: TLB_SLOTS }, () => new Mmu(ram));
  assert.equal(first.tlbAt, -1, "all slots were taken, the oldest first");
  assert.ok(first.tlbReadTag.every((t) => t === TLB_EMPTY), "an evicted MMU starts with an empty TLB");
  assert.equal(first.read32(VA), 0x1234);
  first.claimTlb();
  assert.ok(first.tlbAt >= 0);
  assert.equal(first.read32(VA), 0x1234);
  assert.equal(others.filter((m) => m.tlbAt < 0).length, 1, "claiming took exactly one other slot");
});

test("a released MMU's slot goes to the next one, and the released MMU no longer shares it", () => {
  const ram = new PhysicalMemory(1 << 20);
  const a = new Mmu(ram);
  const at = a.tlbAt;
  a.release();
  assert.equal(a.tlbAt, -1);
  assert.equal(new Mmu(ram).tlbAt, at);
});
