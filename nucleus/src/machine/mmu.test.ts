import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PhysicalMemory } from "./memory.js";
import { Access, Mmu, PHYS_ADDR_BITS, TLB_EMPTY, TLB_SIZE } from "./mmu.js";
import { leafHi, leafLo, leafOf, LEAF_NX, Pte, PTE_ADDR_HI, PTE_ADDR_LO, PTE_NX_HI } from "./pte.js";
import { A, bit, D, faultOf, P, PS, RawTables, RW, SDM_BIT, US, USER_RW, XD } from "./paging-test-tables.js";

// #PF error code bits, SDM vol. 3A §4.7 figure 4-12.
const PF_P = 1, PF_W = 2, PF_U = 4, PF_RSVD = 8, PF_ID = 16;
const PF = 14, GP = 13;

const VA = 0x40_0000; // PML4 0, PDPT 0, PD 2, PT 0
const DATA = 0x20_000; // frame 32

function machine(bytes = 4 << 20) {
  const ram = new PhysicalMemory(bytes);
  const tables = new RawTables(ram);
  const mmu = new Mmu(ram);
  mmu.setRoot(tables.root);
  return { ram, tables, mmu };
}

test("pte.ts bit positions match SDM vol. 3A §4.5", () => {
  assert.equal(Pte.Present, 1 << SDM_BIT.P);
  assert.equal(Pte.Writable, 1 << SDM_BIT.RW);
  assert.equal(Pte.User, 1 << SDM_BIT.US);
  assert.equal(Pte.WriteThrough, 1 << SDM_BIT.PWT);
  assert.equal(Pte.CacheDisable, 1 << SDM_BIT.PCD);
  assert.equal(Pte.Accessed, 1 << SDM_BIT.A);
  assert.equal(Pte.Dirty, 1 << SDM_BIT.D);
  assert.equal(Pte.PageSize, 1 << SDM_BIT.PS);
  assert.equal(Pte.Global, 1 << SDM_BIT.G);
  // The software bit must be one the SDM leaves to software (bits 9..11 are ignored).
  assert.ok(Pte.Held >= 1 << 9 && Pte.Held <= 1 << 11);
  assert.equal(PTE_NX_HI >>> 0, Number(bit(SDM_BIT.XD) >> 32n));
  // Address field: bits 12..51 split over the two words.
  const addrField = (bit(SDM_BIT.ADDR_HIGH_MAX + 1) - 1n) & ~(bit(SDM_BIT.ADDR_LOW) - 1n);
  assert.equal(PTE_ADDR_LO >>> 0, Number(addrField & 0xffffffffn));
  assert.equal(PTE_ADDR_HI, Number(addrField >> 32n));
});

test("leaf encoding round-trips and places every field where the SDM says", () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: (1 << 19) - 1 }), fc.integer({ min: 0, max: 0x1fff }), (frame, leaf) => {
    const lo = leafLo(frame, leaf), hi = leafHi(leaf);
    const entry = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    assert.equal(entry & 0x000ffffffffff000n, BigInt(frame) << 12n);
    assert.equal(Number(entry & 0xfffn), leaf & 0xfff);
    assert.equal((entry & XD) !== 0n, (leaf & LEAF_NX) !== 0);
    assert.equal(leafOf(lo, hi), leaf);
  }));
});

test("a read translates through all four levels and sets A on each, D on none", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA);
  ram.u8[DATA + 0x123] = 0xab;
  assert.equal(mmu.read8(VA + 0x123), 0xab);
  assert.equal(mmu.translate(VA + 0x123, Access.Read), DATA + 0x123);
  for (const level of [4, 3, 2, 1]) {
    assert.equal(tables.get(VA, level) & A, A, `A at level ${level}`);
    assert.equal(tables.get(VA, level) & D, 0n, `no D at level ${level}`);
  }
});

test("a write sets D on the leaf only", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA);
  mmu.write32(VA + 8, 0x11223344);
  assert.equal(ram.dv.getUint32(DATA + 8, true), 0x11223344);
  assert.equal(tables.get(VA, 1) & (A | D), A | D);
  for (const level of [4, 3, 2]) assert.equal(tables.get(VA, level) & D, 0n);
});

test("a read of a writable page that is not dirty caches no write entry; the first write walks and sets D", () => {
  const { tables, mmu } = machine();
  tables.map(VA, DATA);
  mmu.read8(VA);
  assert.equal(tables.get(VA, 1) & D, 0n);
  mmu.write8(VA, 1);
  assert.equal(tables.get(VA, 1) & D, D);
});

test("not-present at each level: error code has P=0, W/R and I/D from the access, U=1; CR2 = va", () => {
  for (const level of [4, 3, 2, 1]) {
    const { tables, mmu } = machine();
    tables.map(VA, DATA);
    tables.set(VA, level, tables.get(VA, level) & ~P);
    const va = VA + 0x777;
    assert.deepEqual(faultOf(() => mmu.read8(va)), { vector: PF, errorCode: PF_U, address: va });
    assert.deepEqual(faultOf(() => mmu.write8(va, 0)), { vector: PF, errorCode: PF_U | PF_W, address: va });
    assert.deepEqual(faultOf(() => mmu.fetch8(va)), { vector: PF, errorCode: PF_U | PF_ID, address: va });
  }
});

test("protection faults at each level: supervisor page, read-only page, execute-disable", () => {
  const cases = [
    { clear: US, set: 0n, access: "read", code: PF_P | PF_U },
    { clear: US, set: 0n, access: "write", code: PF_P | PF_U | PF_W },
    { clear: US, set: 0n, access: "fetch", code: PF_P | PF_U | PF_ID },
    { clear: RW, set: 0n, access: "write", code: PF_P | PF_U | PF_W },
    { clear: 0n, set: XD, access: "fetch", code: PF_P | PF_U | PF_ID },
  ] as const;
  for (const c of cases) {
    for (const level of [4, 3, 2, 1]) {
      const { tables, mmu } = machine();
      tables.map(VA, DATA);
      tables.set(VA, level, (tables.get(VA, level) & ~c.clear) | c.set);
      const run = c.access === "read" ? () => mmu.read8(VA) : c.access === "write" ? () => mmu.write8(VA, 1) : () => mmu.fetch8(VA);
      assert.deepEqual(faultOf(run), { vector: PF, errorCode: c.code, address: VA }, `${c.access} level ${level}`);
      // No accessed/dirty flag is set by an access that faults.
      for (const l of [4, 3, 2, 1]) assert.equal(tables.get(VA, l) & (A | D), 0n, `flags untouched, level ${l}`);
    }
  }
  // The accesses the rights do allow still work.
  const { tables, mmu } = machine();
  tables.map(VA, DATA, P | US | XD);
  assert.equal(mmu.read8(VA), 0);
});

test("reserved bits set → #PF with P=1 and RSVD=1, whatever the access", () => {
  const rsvd: { level: number; size: number; bits: bigint; what: string }[] = [];
  for (let b = PHYS_ADDR_BITS; b <= 51; b++) for (const level of [4, 3, 2, 1]) rsvd.push({ level, size: 1, bits: bit(b), what: `bit ${b}` });
  rsvd.push({ level: 4, size: 1, bits: PS, what: "PS in a PML4E" });
  for (let b = 13; b <= 20; b++) rsvd.push({ level: 2, size: 2, bits: bit(b), what: `2 MiB page bit ${b}` });
  for (let b = 13; b <= 29; b++) rsvd.push({ level: 3, size: 3, bits: bit(b), what: `1 GiB page bit ${b}` });
  for (const r of rsvd) {
    const { tables, mmu } = machine();
    if (r.size === 1) tables.map(0x1000, DATA);
    else tables.map(0, 0, USER_RW, r.size);
    assert.equal(mmu.translate(0x1000, Access.Read) % 4096, 0, "mapped before the reserved bit is set");
    mmu.flush();
    tables.set(0x1000, r.level, tables.get(0x1000, r.level) | r.bits);
    assert.deepEqual(faultOf(() => mmu.read8(0x1000)), { vector: PF, errorCode: PF_P | PF_U | PF_RSVD, address: 0x1000 }, r.what);
    assert.deepEqual(faultOf(() => mmu.write8(0x1000, 0)), { vector: PF, errorCode: PF_P | PF_U | PF_W | PF_RSVD, address: 0x1000 }, r.what);
  }
});

test("ignored bits (9..11, 52..62, D and G above the leaf, PAT) do not fault", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA);
  const ignored = bit(9) | bit(10) | bit(11) | bit(52) | bit(58) | bit(62);
  for (const level of [4, 3, 2, 1]) tables.set(VA, level, tables.get(VA, level) | ignored);
  tables.set(VA, 3, tables.get(VA, 3) | D | bit(SDM_BIT.G));
  tables.set(VA, 1, tables.get(VA, 1) | PS); // PAT in a PTE
  ram.u8[DATA] = 7;
  assert.equal(mmu.read8(VA), 7);
});

test("2 MiB and 1 GiB pages translate every 4 KiB slice", () => {
  const { ram, tables, mmu } = machine(8 << 20);
  tables.map(0x20_0000 * 3, 0x40_0000, USER_RW, 2);
  ram.u8[0x40_0000 + 0x12_3456] = 0x5a;
  assert.equal(mmu.read8(0x20_0000 * 3 + 0x12_3456), 0x5a);
  assert.equal(mmu.translate(0x20_0000 * 3 + 0x1f_ffff, Access.Write), 0x40_0000 + 0x1f_ffff);

  const big = machine(8 << 20);
  big.tables.map(2 ** 30 * 5, 0, USER_RW, 3);
  assert.equal(big.mmu.translate(2 ** 30 * 5 + 0x70_0abc, Access.Read), 0x70_0abc);
  // The page walk found a 1 GiB page; invlpg of any address in it must drop every cached slice.
  big.tables.set(2 ** 30 * 5, 3, 0n);
  big.mmu.invalidatePage(2 ** 30 * 5);
  assert.equal(faultOf(() => big.mmu.read8(2 ** 30 * 5 + 0x70_0abc))?.vector, PF);
});

test("an entry naming memory beyond RAM faults with RSVD instead of reading outside the buffer", () => {
  const { ram, tables, mmu } = machine(1 << 20);
  tables.map(VA, ram.size);
  assert.deepEqual(faultOf(() => mmu.read8(VA)), { vector: PF, errorCode: PF_P | PF_U | PF_RSVD, address: VA });
});

test("non-canonical addresses raise #GP(0); the upper canonical half pages normally", () => {
  const { tables, mmu } = machine();
  tables.map(VA, DATA);
  for (const va of [2 ** 47, 2 ** 47 + 0x1000, -(2 ** 47) - 1, 2 ** 62]) {
    assert.deepEqual(faultOf(() => mmu.read8(va)), { vector: GP, errorCode: 0, address: 0 }, `va ${va}`);
  }
  // A page-crossing access from the last user page into the non-canonical hole raises #GP.
  tables.map(2 ** 47 - 4096, DATA + 0x1000);
  assert.equal(mmu.read8(2 ** 47 - 1), 0);
  assert.deepEqual(faultOf(() => mmu.read16(2 ** 47 - 1)), { vector: GP, errorCode: 0, address: 0 });
  for (const va of [-1, -8, -4096, -(2 ** 47)]) {
    assert.deepEqual(faultOf(() => mmu.read8(va)), { vector: PF, errorCode: PF_U, address: va }, `va ${va}`);
  }
  // An empty TLB slot must never look like a hit for the page just below zero.
  assert.equal(Math.floor(-1 / 4096) & (TLB_SIZE - 1), TLB_SIZE - 1);
  assert.notEqual(mmu.tlbReadTag[TLB_SIZE - 1], -1);
  // A sum of signed 64-bit values that went past ±2^63 wraps modulo 2^64, as the hardware's adder does.
  assert.equal(mmu.translate(-(2 ** 64) + VA, Access.Read), DATA);
  assert.deepEqual(faultOf(() => mmu.read8(2 ** 64 - 4096)), { vector: PF, errorCode: PF_U, address: -4096 });
});

test("TLB entries are exactly as the contract says", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA, USER_RW | D);
  tables.map(VA + 0x1000, DATA + 0x1000, P | US | XD);
  mmu.read8(VA);
  mmu.read8(VA + 0x1000);
  const vpn = VA / 4096, i = vpn & (TLB_SIZE - 1);
  assert.equal(mmu.tlbReadTag[i], vpn);
  assert.equal(mmu.tlbReadBase[i], DATA);
  assert.equal(mmu.tlbWriteTag[i], vpn, "writable and dirty: write entry");
  assert.equal(mmu.tlbExecTag[i], vpn);
  assert.equal(mmu.tlbReadTag[i + 1], vpn + 1);
  assert.equal(mmu.tlbWriteTag[i + 1], TLB_EMPTY, "read-only: no write entry");
  assert.equal(mmu.tlbExecTag[i + 1], TLB_EMPTY, "NX: no exec entry");
  ram.codeFrames[DATA / 4096] = 1;
  mmu.flush();
  mmu.read8(VA);
  assert.equal(mmu.tlbWriteTag[i], TLB_EMPTY, "code frame: no write entry");
});

test("the TLB caches translations until invalidatePage / flush / setRoot", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA);
  ram.u8[DATA] = 1;
  ram.u8[DATA + 0x1000] = 2;
  assert.equal(mmu.read8(VA), 1);
  // Change the PTE behind the TLB's back: like hardware, the stale entry is still used.
  tables.map(VA, DATA + 0x1000);
  assert.equal(mmu.read8(VA), 1);
  mmu.invalidatePage(VA);
  assert.equal(mmu.read8(VA), 2);
  tables.set(VA, 1, 0n);
  assert.equal(mmu.read8(VA), 2);
  mmu.flush();
  assert.equal(faultOf(() => mmu.read8(VA))?.vector, PF);
  tables.map(VA, DATA);
  assert.equal(mmu.read8(VA), 1);
  const other = new RawTables(ram, 100);
  mmu.setRoot(other.root);
  assert.equal(faultOf(() => mmu.read8(VA))?.vector, PF);
});

test("page-crossing reads assemble both pages little-endian", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA);
  tables.map(VA + 0x1000, DATA + 0x5000); // not physically contiguous
  for (let k = 0; k < 8; k++) {
    ram.u8[DATA + 0xff8 + k] = 0x10 + k;
    ram.u8[DATA + 0x5000 + k] = 0x20 + k;
  }
  assert.equal(mmu.read16(VA + 0xfff), 0x2017);
  assert.equal(mmu.read32(VA + 0xffe) >>> 0, 0x21201716);
  assert.equal(mmu.read64(VA + 0xffd) >>> 0, 0x20171615);
  assert.equal(mmu.hi64 >>> 0, 0x24232221);
  assert.deepEqual([...mmu.readBytes(VA + 0xffe, 4)], [0x16, 0x17, 0x20, 0x21]);
});

test("a page-crossing write whose second page is read-only or absent changes nothing", () => {
  for (const second of ["read-only", "absent"] as const) {
    const { ram, tables, mmu } = machine();
    tables.map(VA, DATA);
    if (second === "read-only") tables.map(VA + 0x1000, DATA + 0x1000, P | US);
    const before = ram.u8.slice(DATA, DATA + 0x2000);
    const expect = { vector: PF, errorCode: PF_U | PF_W | (second === "read-only" ? PF_P : 0), address: VA + 0x1000 };
    assert.deepEqual(faultOf(() => mmu.write16(VA + 0xfff, 0xffff)), expect);
    assert.deepEqual(faultOf(() => mmu.write32(VA + 0xffd, -1)), expect);
    assert.deepEqual(faultOf(() => mmu.write64(VA + 0xff9, -1, -1)), expect);
    assert.deepEqual(faultOf(() => mmu.writeBytes(VA + 0x10, new Uint8Array(0x1000).fill(9))), expect);
    // Even with the first page's write entry already cached.
    mmu.write8(VA + 0xff0, 0x33);
    before[0xff0] = 0x33;
    assert.deepEqual(faultOf(() => mmu.write32(VA + 0xffe, -1)), expect);
    assert.deepEqual(ram.u8.slice(DATA, DATA + 0x2000), before, second);
  }
});

test("page-crossing writes land on both pages", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA);
  tables.map(VA + 0x1000, DATA + 0x3000);
  mmu.write64(VA + 0xffb, 0x44332211, 0x88776655 | 0);
  assert.deepEqual([...ram.u8.slice(DATA + 0xffb, DATA + 0x1000)], [0x11, 0x22, 0x33, 0x44, 0x55]);
  assert.deepEqual([...ram.u8.slice(DATA + 0x3000, DATA + 0x3003)], [0x66, 0x77, 0x88]);
  mmu.writeBytes(VA + 0xffe, Uint8Array.of(1, 2, 3, 4));
  assert.deepEqual([...mmu.readBytes(VA + 0xffe, 4)], [1, 2, 3, 4]);
});

test("accessors agree with a little-endian DataView over the physical bytes, at every offset", () => {
  const { ram, tables, mmu } = machine();
  // Three pages mapped to scattered frames; a reference view in virtual order.
  const frames = [DATA + 0x2000, DATA, DATA + 0x7000];
  frames.forEach((f, k) => tables.map(VA + k * 0x1000, f));
  const view = () => {
    const v = new Uint8Array(0x3000);
    frames.forEach((f, k) => v.set(ram.u8.subarray(f, f + 0x1000), k * 0x1000));
    return new DataView(v.buffer);
  };
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 0x3000 - 8 }), fc.constantFrom(1, 2, 4, 8), fc.integer(), fc.integer(), fc.boolean(),
    (off, size, lo, hi, flushFirst) => {
      if (flushFirst) mmu.flush();
      const va = VA + off;
      if (size === 1) mmu.write8(va, lo & 0xff);
      else if (size === 2) mmu.write16(va, lo & 0xffff);
      else if (size === 4) mmu.write32(va, lo);
      else mmu.write64(va, lo, hi);
      const ref = view();
      assert.equal(mmu.read8(va), ref.getUint8(off));
      assert.equal(mmu.read16(va), ref.getUint16(off, true));
      assert.equal(mmu.read32(va), ref.getInt32(off, true));
      assert.equal(mmu.read64(va), ref.getInt32(off, true));
      assert.equal(mmu.hi64, ref.getInt32(off + 4, true));
      assert.equal(mmu.fetch8(va), ref.getUint8(off));
      const written = new DataView(new ArrayBuffer(8));
      written.setInt32(0, lo, true);
      written.setInt32(4, hi, true);
      assert.deepEqual(mmu.readBytes(va, size), new Uint8Array(written.buffer, 0, size));
    }), { numRuns: 2000 });
});

test("a write to a code frame calls onCodeWrite once, then lands", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA, USER_RW | D);
  const frame = DATA / 4096;
  const calls: number[] = [];
  mmu.onCodeWrite = (f) => {
    calls.push(f);
    assert.equal(ram.u8[DATA + 5], 0, "called before the write lands");
    ram.codeFrames[f] = 0;
  };
  mmu.write8(VA + 4, 1); // write entry cached: the frame is not code yet
  mmu.markCodeFrame(frame);
  mmu.write8(VA + 5, 0xcc);
  mmu.write8(VA + 6, 0xcd);
  assert.deepEqual(calls, [frame]);
  assert.equal(ram.u8[DATA + 5], 0xcc);
  assert.equal(ram.u8[DATA + 6], 0xcd);
});

test("markCodeFrame drops the write entries other Mmus over the same RAM hold for the frame", () => {
  const { ram, tables, mmu } = machine();
  tables.map(VA, DATA, USER_RW | D);
  const other = new Mmu(ram);
  other.setRoot(tables.root);
  const calls: string[] = [];
  mmu.onCodeWrite = () => calls.push("mmu");
  other.onCodeWrite = (f) => { calls.push("other"); ram.codeFrames[f] = 0; };
  other.write8(VA, 1);
  mmu.markCodeFrame(DATA / 4096);
  other.write8(VA, 2);
  assert.deepEqual(calls, ["other"]);
  other.release();
});

test("a released Mmu is forgotten", () => {
  const { ram, mmu } = machine();
  mmu.release();
  const survivor = new Mmu(ram);
  survivor.markCodeFrame(5); // must not touch the released one (no throw, nothing to check there)
  assert.equal(ram.codeFrames[5], 1);
});
