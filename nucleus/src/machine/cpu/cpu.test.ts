/**
 * Engine behaviour that needs no host oracle: traps and exits, exact budgets,
 * the code cache under remapping and rewriting, page-straddling instructions,
 * internal errors, and the public decodeAt.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../memory.js";
import { Cpu, CpuState, Exit, decodeAt } from "./index.js";
import { FlatMmu, Perm } from "./testing/flat-mmu.js";
import { Vector } from "../fault.js";
import { factoryStats } from "./translate/factories.js";
import { recipeStats } from "./translate/recipes.js";
import { debug } from "./translate/translator.js";
import { wasmStats } from "./translate/wasm/link.js";

const CODE = 0x400000;
const ENGINES = [["interpreter", 0], ["translate", 0], ["translate", 2]] as const;

function setup(code: number[], perm = Perm.RX): { s: CpuState; mmu: FlatMmu; ram: PhysicalMemory } {
  const ram = new PhysicalMemory(1 << 20);
  const mmu = new FlatMmu(ram);
  mmu.map(CODE, 0x2000, perm);
  mmu.map(0x7ff000, 0x1000, Perm.RW);
  mmu.poke(CODE, Uint8Array.from(code));
  const s = new CpuState();
  s.setBig(4, 0x7fff00n);
  s.rip = CODE;
  return { s, mmu, ram };
}

test("syscall exits with rcx = next rip, r11 = rflags, and resumes", () => {
  // mov eax, 60; stc; syscall; inc eax; int3
  const code = [0xb8, 60, 0, 0, 0, 0xf9, 0x0f, 0x05, 0xff, 0xc0, 0xcc];
  for (const [engine, threshold] of ENGINES) {
    const { s, mmu } = setup(code);
    const cpu = new Cpu({ engine, threshold });
    assert.equal(cpu.run(s, mmu, 100), Exit.Syscall);
    assert.equal(s.rip, CODE + 8);
    assert.equal(s.getBig(1), BigInt(CODE + 8));
    assert.equal(Number(s.getBig(11)), s.getRflags());
    assert.equal(s.getBig(11) & 0x203n, 0x203n, "IF, reserved bit 1 and CF");
    assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
    assert.equal(s.trapVector, Vector.BP);
    assert.equal(s.lo[0], 61);
  }
});

test("budgets are exact: one instruction per run when the budget is 1", () => {
  // a loop: dec ecx; jnz -4 (6 instructions per 3 iterations...) then int3
  const code = [0xb9, 3, 0, 0, 0, 0xff, 0xc9, 0x75, 0xfc, 0xcc];
  const expected = [CODE + 5, CODE + 7, CODE + 5, CODE + 7, CODE + 5, CODE + 7, CODE + 9];
  for (const [engine, threshold] of ENGINES) {
    const { s, mmu } = setup(code);
    const cpu = new Cpu({ engine, threshold });
    const rips: number[] = [];
    for (let k = 0; k < expected.length; k++) {
      assert.equal(cpu.run(s, mmu, 1), Exit.Budget);
      assert.equal(s.budget, 0);
      rips.push(s.rip);
    }
    assert.deepEqual(rips, expected, `${engine}/${threshold}`);
  }
});

test("remapping a code page runs the new frame's code", () => {
  for (const [engine, threshold] of ENGINES) {
    const { s, mmu, ram } = setup([0xb8, 1, 0, 0, 0, 0xcc]); // mov eax, 1; int3
    const cpu = new Cpu({ engine, threshold });
    for (let k = 0; k < 4; k++) {
      s.rip = CODE;
      assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
      assert.equal(s.lo[0], 1);
    }
    // The same virtual page now maps another frame holding mov eax, 2.
    const other = 200;
    ram.u8.set([0xb8, 2, 0, 0, 0, 0xcc], other * 4096);
    mmu.map(CODE, 0x1000, Perm.RX, other);
    s.rip = CODE;
    assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
    assert.equal(s.lo[0], 2, `${engine}/${threshold}`);
  }
});

test("rewriting code (by a guest store or the kernel) drops its decoded blocks", () => {
  for (const [engine, threshold] of ENGINES) {
    // mov eax, 1; int3 — then a guest store from another page patches the immediate.
    const { s, mmu } = setup([0xb8, 1, 0, 0, 0, 0xcc], Perm.RWX);
    const cpu = new Cpu({ engine, threshold });
    for (let k = 0; k < 4; k++) { s.rip = CODE; cpu.run(s, mmu, 100); }
    assert.equal(s.lo[0], 1);
    // At CODE+0x1000: mov byte [CODE+1], 7; int3
    mmu.poke(CODE + 0x1000, Uint8Array.from([0xc6, 0x04, 0x25, 0x01, 0x00, 0x40, 0x00, 0x07, 0xcc]));
    s.rip = CODE + 0x1000;
    assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
    s.rip = CODE;
    cpu.run(s, mmu, 100);
    assert.equal(s.lo[0], 7, `${engine}/${threshold}: guest store`);
    mmu.poke(CODE + 1, Uint8Array.from([9]));
    s.rip = CODE;
    cpu.run(s, mmu, 100);
    assert.equal(s.lo[0], 9, `${engine}/${threshold}: kernel write`);
  }
});

test("an instruction straddling into an unmapped page faults after its predecessors", () => {
  for (const [engine, threshold] of ENGINES) {
    const ram = new PhysicalMemory(1 << 20);
    const mmu = new FlatMmu(ram);
    mmu.map(CODE, 0x1000, Perm.RX);
    // inc eax at CODE+0xff9.., then mov eax, imm32 starting 2 bytes before the page end.
    const tail = [0xff, 0xc0, 0xff, 0xc0, 0xff, 0xc0, 0xb8, 0x11];
    mmu.poke(CODE + 0x1000 - tail.length, Uint8Array.from(tail));
    const s = new CpuState();
    s.rip = CODE + 0x1000 - tail.length;
    const cpu = new Cpu({ engine, threshold });
    assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
    assert.equal(s.trapVector, Vector.PF);
    assert.equal(s.trapAddr, CODE + 0x1000);
    assert.equal(s.trapError, 4 | 16, "user, instruction fetch, not present");
    assert.equal(s.rip, CODE + 0x1000 - 2);
    assert.equal(s.lo[0], 3);
    // Map the next page with the rest of the instruction and an int3.
    mmu.map(CODE + 0x1000, 0x1000, Perm.RX);
    mmu.poke(CODE + 0x1000, Uint8Array.from([0x22, 0x33, 0x44, 0xcc]));
    assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
    assert.equal(s.trapVector, Vector.BP);
    assert.equal(s.lo[0] >>> 0, 0x44332211);
  }
});

test("TF single-steps: a #DB trap after each instruction", () => {
  // pushf; or qword [rsp], 0x100; popf; inc eax; inc eax; int3
  const code = [0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d, 0xff, 0xc0, 0xff, 0xc0, 0xcc];
  for (const [engine, threshold] of ENGINES) {
    const { s, mmu } = setup(code);
    const cpu = new Cpu({ engine, threshold });
    assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
    assert.equal(s.trapVector, Vector.DB, "after the instruction following popf");
    assert.equal(s.rip, CODE + 12);
    assert.equal(s.lo[0], 1);
    assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
    assert.equal(s.trapVector, Vector.DB);
    assert.equal(s.rip, CODE + 14);
    s.setRflags(s.getRflags() & ~0x100);
    assert.equal(cpu.run(s, mmu, 100), Exit.Fault);
    assert.equal(s.trapVector, Vector.BP);
  }
});

test("an internal error is reported as #MC, never thrown", () => {
  const { s, mmu } = setup([0x8b, 0x04, 0x25, 0, 0x10, 0, 0]); // mov eax, [0x1000]
  mmu.read32 = () => { throw new TypeError("broken"); };
  const cpu = new Cpu({ engine: "interpreter" });
  assert.equal(cpu.run(s, mmu, 10), Exit.Fault);
  assert.equal(s.trapVector, Vector.MC);
  assert.ok(cpu.lastInternalError instanceof TypeError);
});

test("decodeAt reports form, length, mnemonic and whether it executes", () => {
  const add = decodeAt(Uint8Array.from([0x90, 0x48, 0x01, 0xd8]), 1, 0x1000);
  assert.deepEqual(add && { ...add, features: [...add.features] }, {
    valid: true, length: 3, mnemonic: "ADD", form: "ADD Ev,Gv", implemented: true, features: [],
  });
  const movsq = decodeAt(Uint8Array.from([0xf3, 0x48, 0xa5]), 0, 0);
  assert.equal(movsq?.mnemonic, "MOVSQ");
  const addps = decodeAt(Uint8Array.from([0x0f, 0x58, 0xc1]), 0, 0);
  assert.equal(addps?.form, "ADDPS Vps,Wps");
  assert.deepEqual(addps?.features, ["sse"]);
  const vex = decodeAt(Uint8Array.from([0xc5, 0xf8, 0x77]), 0, 0);
  assert.equal(vex?.valid, false);
  assert.equal(decodeAt(Uint8Array.from([0x48, 0xb8, 1, 2]), 0, 0), null, "truncated");
});

test("FXSAVE and FXRSTOR round-trip the x87/SSE state", () => {
  // fxsave [0x7ff000 + 0x200]; fxrstor [same]; int3 (the area is 16-byte aligned)
  const code = [0x0f, 0xae, 0x04, 0x25, 0x00, 0xf2, 0x7f, 0x00, 0x0f, 0xae, 0x0c, 0x25, 0x00, 0xf2, 0x7f, 0x00, 0xcc];
  const { s, mmu } = setup(code);
  s.mxcsr = 0x1fa0;
  s.fpu.cw = 0x027f;
  s.fpu.setStatusWord(0x3800 | 0x01); // TOP = 7 and a pending invalid-operation flag (masked by the control word)
  s.fpu.emptyMask = 0x7f; // ST(0) = physical 7 valid, others empty
  Object.assign(s.fpu.regs[7], { se: 0x3fff, hi: 0x80000000, lo: 0 }); // 1.0
  for (let k = 0; k < 256; k++) s.xmm8[k] = k;
  const snapshot = () => ({
    mxcsr: s.mxcsr, fcw: s.fpu.cw, fsw: s.fpu.statusWord(), tag: s.fpu.tagWord(),
    regs: s.fpu.regs.map((r) => [r.se, r.hi, r.lo]), xmm: [...s.xmm8],
  });
  const before = snapshot();
  const cpu = new Cpu({ engine: "interpreter" });
  assert.equal(cpu.run(s, mmu, 10), Exit.Fault);
  assert.equal(s.trapVector, Vector.BP);
  const area = mmu.readBytes(0x7ff200, 512);
  assert.equal(area[4], 0x80, "abridged tag: only physical register 7 in use");
  assert.deepEqual([...area.subarray(32, 42)], [0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f], "ST(0) first");
  assert.equal(new DataView(area.buffer).getUint32(24, true), 0x1fa0);
  assert.deepEqual(snapshot(), before);
});

for (const wasm of [false, true]) test(`the same code translated again (another address space, another frame) reuses the compiled region (${wasm ? "WebAssembly" : "JS"})`, () => {
  // mov ecx, 1000; xor eax, eax; .l: add eax, ecx; dec ecx; jnz .l; int3
  const code = [0xb9, 0xe8, 0x03, 0, 0, 0x31, 0xc0, 0x01, 0xc8, 0xff, 0xc9, 0x75, 0xfa, 0xcc];
  const stats = (): { made: number; reused: number } => (wasm ? { made: wasmStats.compiled, reused: wasmStats.reused } : { ...factoryStats });
  const runOnce = (frame: number): { made: number; reused: number } => {
    const ram = new PhysicalMemory(1 << 20);
    const mmu = new FlatMmu(ram);
    mmu.map(CODE, 0x1000, Perm.RX, frame);
    mmu.map(0x7ff000, 0x1000, Perm.RW);
    mmu.poke(CODE, Uint8Array.from(code));
    const s = new CpuState();
    s.rip = CODE;
    const before = stats();
    assert.equal(new Cpu({ engine: "translate", threshold: 2, wasm }).run(s, mmu, 100_000), Exit.Fault);
    assert.equal(s.trapVector, Vector.BP);
    assert.equal(s.lo[0], 500500);
    const after = stats();
    return { made: after.made - before.made, reused: after.reused - before.reused };
  };
  const first = runOnce(3);
  assert.ok(first.made >= 1, "the first translation compiles");
  const again = runOnce(9);
  assert.equal(again.made, 0, "nothing compiled again");
  assert.equal(again.reused, first.made + first.reused);
});

test("a warm block takes the region an earlier address space compiled from it, and only that exact code", () => {
  // mov ecx, 1000; xor eax, eax; .l: test cl, 1; jz .even; add eax, ecx; .even: dec ecx; jnz .l; int3
  const code = [0xb9, 0xe8, 0x03, 0, 0, 0x31, 0xc0, 0xf6, 0xc1, 0x01, 0x74, 0x02, 0x01, 0xc8, 0xff, 0xc9, 0x75, 0xf5, 0xcc];
  const runOnce = (bytes: number[], threshold: number) => {
    const ram = new PhysicalMemory(1 << 20);
    const mmu = new FlatMmu(ram);
    mmu.map(CODE, 0x1000, Perm.RX, 5);
    mmu.map(0x7ff000, 0x1000, Perm.RW);
    mmu.poke(CODE, Uint8Array.from(bytes));
    const s = new CpuState();
    s.rip = CODE;
    const regions: number[][] = [];
    debug.onSource = (blocks) => regions.push(blocks.map((b) => b.va));
    const before = { ...factoryStats, ...recipeStats };
    try {
      // JS regions: debug.onSource sees their source.
      assert.equal(new Cpu({ engine: "translate", threshold, wasm: false }).run(s, mmu, 100_000), Exit.Fault);
    } finally {
      debug.onSource = null;
    }
    assert.equal(s.trapVector, Vector.BP);
    return { eax: s.lo[0], regions, made: factoryStats.made - before.made, tried: recipeStats.tried - before.tried, reused: recipeStats.reused - before.reused };
  };
  const first = runOnce(code, 200);
  assert.equal(first.eax, 250000);
  assert.deepEqual(first.regions, [[CODE + 7, CODE + 14, CODE + 12]], "one region: the loop's three blocks (the jz target first)");
  // A threshold the loop never reaches: only a recipe can translate it.
  const again = runOnce(code, 1_000_000);
  assert.equal(again.eax, 250000);
  assert.deepEqual(again.regions, first.regions, "the same region, from the recipe");
  assert.equal(again.reused, 1);
  assert.equal(again.made, 0, "nothing compiled");
  // Other code at the same addresses (sub for add): the recipe's source is not compiled, so no region.
  const other = runOnce(code.map((v, k) => (k === 12 ? 0x29 : v)), 1_000_000);
  assert.equal(other.eax, -250000);
  assert.deepEqual(other.regions, []);
  assert.equal(other.reused, 0);
  // Other code in the head block itself (test cl, 2): turned away by its fingerprint, no source generated.
  const head = runOnce(code.map((v, k) => (k === 9 ? 0x02 : v)), 1_000_000);
  assert.equal(head.eax, 250250);
  assert.deepEqual(head.regions, []);
  assert.equal(head.tried, 0);
});
