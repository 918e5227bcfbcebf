/**
 * Model test: random sequences of map / unmap / protect / fork / destroy and guest
 * reads, writes, fetches and kernel user-copies, run against the real address spaces
 * and against a plain reference model (page number → { prot, bytes }), where fork
 * copies private pages eagerly and shares shared pages by reference. Every access
 * result, every fault (address and si_code), RSS and the region list must agree, and
 * destroying everything must give every frame back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PhysicalMemory } from "../machine/memory.js";
import { AddressSpace, SEGV_ACCERR, SEGV_MAPERR } from "./address-space.js";
import { EFAULT, ENOMEM } from "./errno.js";
import { FrameAllocator } from "./frames.js";
import { MapFlag, Prot } from "./regions.js";
import { guestAccess, type GuestResult } from "./test-support.js";

const PAGE = 4096;
/** The window straddles a PML4 boundary, so tables at every level are made and freed. */
const BASE = 2 ** 39 - 4 * PAGE;
const WINDOW = 10;

interface ModelPage { prot: number; data: Uint8Array; resident: boolean }
type ModelSpace = Map<number, ModelPage>;

type Op =
  | { kind: "map"; s: number; page: number; count: number; prot: number; shared: boolean; populate: boolean; content?: { offset: number; bytes: Uint8Array } }
  | { kind: "unmap"; s: number; page: number; count: number }
  | { kind: "protect"; s: number; page: number; count: number; prot: number }
  | { kind: "fork"; s: number }
  | { kind: "destroy"; s: number }
  | { kind: "read" | "copyIn"; s: number; offset: number; length: number }
  | { kind: "write" | "copyOut"; s: number; offset: number; bytes: Uint8Array }
  | { kind: "fetch"; s: number; offset: number };

const prot = fc.integer({ min: 0, max: 7 });
const space = fc.nat(7);
const page = fc.integer({ min: 0, max: WINDOW - 1 });
const count = fc.integer({ min: 1, max: 4 });
const offset = fc.integer({ min: 0, max: WINDOW * PAGE + 100 });
const bytes = fc.uint8Array({ minLength: 1, maxLength: 5000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("map" as const), s: space, page, count, prot, shared: fc.boolean(), populate: fc.boolean(),
    content: fc.option(fc.record({ offset: fc.nat(3 * PAGE), bytes: fc.uint8Array({ maxLength: 6000 }) }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unmap" as const), s: space, page, count }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("protect" as const), s: space, page, count, prot }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fork" as const), s: space }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("destroy" as const), s: space }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom("read" as const, "copyIn" as const), s: space, offset, length: fc.integer({ min: 1, max: 5000 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom("write" as const, "copyOut" as const), s: space, offset, bytes }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fetch" as const), s: space, offset }) },
);

const readable = (p: ModelPage | undefined) => p !== undefined && p.prot !== Prot.None;
const writable = (p: ModelPage | undefined) => p !== undefined && (p.prot & Prot.Write) !== 0;

/** Index of the first page of [offset, offset+length) failing `ok`, or -1. */
function firstBad(model: ModelSpace, offset: number, length: number, ok: (p: ModelPage | undefined) => boolean): number {
  for (let p = Math.floor(offset / PAGE); p * PAGE < offset + length; p++) if (!ok(model.get(p))) return p;
  return -1;
}

function expectedFault(model: ModelSpace, offset: number, bad: number) {
  return { ok: false, outcome: "segv", vector: 14, address: BASE + Math.max(offset, bad * PAGE), code: model.has(bad) ? SEGV_ACCERR : SEGV_MAPERR };
}

/** Marks the pages of [offset, end) below `stop` (or all, stop = -1) resident, as the retry loop touches them in order. */
function touch(model: ModelSpace, offset: number, end: number, stop: number): void {
  for (let p = Math.floor(offset / PAGE); p * PAGE < end && p !== stop; p++) {
    const m = model.get(p);
    if (m !== undefined) m.resident = true;
  }
}

function modelRead(model: ModelSpace, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) out[k] = model.get(Math.floor((offset + k) / PAGE))!.data[(offset + k) % PAGE];
  return out;
}

function modelWrite(model: ModelSpace, offset: number, data: Uint8Array): void {
  for (let k = 0; k < data.length; k++) model.get(Math.floor((offset + k) / PAGE))!.data[(offset + k) % PAGE] = data[k];
}

function run(ops: Op[]): void {
  const ram = new PhysicalMemory(8 << 20);
  const frames = new FrameAllocator(ram);
  const spaces: AddressSpace[] = [AddressSpace.create(frames) as AddressSpace];
  const models: ModelSpace[] = [new Map()];

  for (const o of ops) {
    const i = o.s % spaces.length;
    const real = spaces[i], model = models[i];
    switch (o.kind) {
      case "map": {
        const count = Math.min(o.count, WINDOW - o.page);
        const content = o.content && o.content.offset + o.content.bytes.length <= count * PAGE ? o.content : undefined;
        const flags = (o.shared ? MapFlag.Shared : MapFlag.Private) | MapFlag.Anonymous;
        assert.equal(real.map(BASE + o.page * PAGE, count * PAGE, o.prot, flags, { populate: o.populate, content: content?.bytes, offset: content?.offset }), 0);
        for (let p = o.page; p < o.page + count; p++) {
          const at = (p - o.page) * PAGE;
          const data = new Uint8Array(PAGE);
          let touched = o.populate;
          if (content !== undefined && content.bytes.length > 0) {
            const from = Math.max(at, content.offset), to = Math.min(at + PAGE, content.offset + content.bytes.length);
            if (from < to) {
              data.set(content.bytes.subarray(from - content.offset, to - content.offset), from - at);
              touched = true;
            }
          }
          model.set(p, { prot: o.prot, data, resident: touched });
        }
        break;
      }
      case "unmap": {
        assert.equal(real.unmap(BASE + o.page * PAGE, o.count * PAGE), 0);
        for (let p = o.page; p < o.page + o.count; p++) model.delete(p);
        break;
      }
      case "protect": {
        let whole = true;
        for (let p = o.page; p < o.page + o.count; p++) whole &&= model.has(p);
        assert.equal(real.protect(BASE + o.page * PAGE, o.count * PAGE, o.prot), whole ? 0 : -ENOMEM);
        if (whole) for (let p = o.page; p < o.page + o.count; p++) model.get(p)!.prot = o.prot;
        break;
      }
      case "fork": {
        const child = real.fork();
        assert.ok(child instanceof AddressSpace);
        // Shared pages get their frames at fork, so both spaces see the same page later.
        for (const [p, m] of model) if (shared(real, p)) m.resident = true;
        spaces.push(child);
        // Eager copies of private pages; shared pages share their bytes object.
        const copy: ModelSpace = new Map();
        for (const [p, m] of model) copy.set(p, { prot: m.prot, resident: m.resident, data: shared(real, p) ? m.data : m.data.slice() });
        models.push(copy);
        break;
      }
      case "destroy": {
        if (spaces.length === 1) break;
        real.destroy();
        spaces.splice(i, 1);
        models.splice(i, 1);
        break;
      }
      case "read":
      case "copyIn": {
        const bad = firstBad(model, o.offset, o.length, readable);
        if (o.kind === "read") {
          const got = guestAccess(real, () => real.mmu.readBytes(BASE + o.offset, o.length));
          assert.deepEqual(got, bad < 0 ? { ok: true, value: modelRead(model, o.offset, o.length) } : expectedFault(model, o.offset, bad));
        } else {
          assert.deepEqual(real.copyIn(BASE + o.offset, o.length), bad < 0 ? modelRead(model, o.offset, o.length) : -EFAULT);
        }
        touch(model, o.offset, o.offset + o.length, bad);
        break;
      }
      case "write": {
        const bad = firstBad(model, o.offset, o.bytes.length, writable);
        const got: GuestResult<void> = guestAccess(real, () => real.mmu.writeBytes(BASE + o.offset, o.bytes));
        assert.deepEqual(got, bad < 0 ? { ok: true, value: undefined } : expectedFault(model, o.offset, bad));
        if (bad < 0) modelWrite(model, o.offset, o.bytes);
        touch(model, o.offset, o.offset + o.bytes.length, bad);
        break;
      }
      case "copyOut": {
        // Like Linux, pages before the first bad one are written.
        const bad = firstBad(model, o.offset, o.bytes.length, writable);
        assert.equal(real.copyOut(BASE + o.offset, o.bytes), bad < 0 ? 0 : -EFAULT);
        const done = bad < 0 ? o.bytes.length : Math.max(0, bad * PAGE - o.offset);
        modelWrite(model, o.offset, o.bytes.subarray(0, done));
        touch(model, o.offset, o.offset + o.bytes.length, bad);
        break;
      }
      case "fetch": {
        const m = model.get(Math.floor(o.offset / PAGE));
        const ok = m !== undefined && (m.prot & Prot.Exec) !== 0;
        const got = guestAccess(real, () => real.mmu.fetch8(BASE + o.offset));
        assert.deepEqual(got, ok ? { ok: true, value: m.data[o.offset % PAGE] } : expectedFault(model, o.offset, Math.floor(o.offset / PAGE)));
        if (ok) m.resident = true;
        break;
      }
    }
    for (let k = 0; k < spaces.length; k++) checkShape(spaces[k], models[k]);
  }

  // Every readable byte of every space, then destruction gives every frame back.
  for (let k = 0; k < spaces.length; k++) {
    for (const [p, m] of models[k]) {
      if (m.prot !== Prot.None) assert.deepEqual(spaces[k].copyIn(BASE + p * PAGE, PAGE), m.data, `space ${k} page ${p}`);
    }
  }
  for (const s of spaces) s.destroy();
  assert.equal(frames.used, 0);
}

/** Region list, mapped size and RSS agree with the model. */
function checkShape(real: AddressSpace, model: ModelSpace): void {
  const regions = real.regions();
  for (let k = 1; k < regions.length; k++) assert.ok(regions[k - 1].end <= regions[k].start, "sorted, disjoint");
  assert.equal(real.mappedBytes, model.size * PAGE);
  for (let p = 0; p < WINDOW; p++) {
    const r = regions.find((x) => x.start <= BASE + p * PAGE && BASE + p * PAGE < x.end);
    assert.equal(r?.prot, model.get(p)?.prot, `region prot of page ${p}`);
  }
  let resident = 0;
  for (const m of model.values()) if (m.resident) resident++;
  assert.equal(real.residentPages, resident, "RSS");
}

function shared(real: AddressSpace, p: number): boolean {
  const r = real.regions().find((x) => x.start <= BASE + p * PAGE && BASE + p * PAGE < x.end)!;
  return (r.flags & MapFlag.Shared) !== 0;
}

test("address spaces behave like the reference model under random operation sequences", () => {
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), run), { numRuns: 400 });
});
