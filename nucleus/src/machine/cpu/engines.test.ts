/**
 * Engine equivalence: random programs (loops, memory, flags consumers, the
 * stack, faults) run on the interpreter and on the translator (immediately and
 * after a few executions), in slices of random instruction budgets. After every
 * slice both engines must have exactly the same state: all registers, the whole
 * RFLAGS (undefined flags included), rip, exit reason, trap fields and memory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../memory.js";
import { Cpu, type Engine } from "./cpu.js";
import { CpuState, Exit } from "./state.js";
import { FlatMmu, Perm } from "./testing/flat-mmu.js";
import { assemble, hasNasm } from "./testing/nasm.js";
import { pick, rng } from "./testing/encodings.js";

const CODE = 0x400000;
const DATA = 0x600000;
const REGS = ["rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14"];
const R32: Record<string, string> = { rax: "eax", rcx: "ecx", rdx: "edx", rsi: "esi", rdi: "edi" };
const R8: Record<string, string> = { rax: "al", rcx: "cl", rdx: "dl", rsi: "sil", rdi: "dil" };
const CCS = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

function r32(r: string): string {
  return R32[r] ?? `${r}d`;
}

function r8(r: string): string {
  return R8[r] ?? `${r}b`;
}

function randomInsn(r: () => number): string {
  const a = pick(r, REGS), b = pick(r, REGS);
  const mem = `[rbx + ${Math.floor(r() * 512) * 8}]`;
  const mem32 = `dword [rbx + ${Math.floor(r() * 1024) * 4}]`;
  const imm = Math.floor(r() * 2000) - 1000;
  const alu = pick(r, ["add", "sub", "and", "or", "xor", "cmp", "test", "adc", "sbb"]);
  switch (Math.floor(r() * 26)) {
    case 0: return `${alu} ${a}, ${b}`;
    case 1: return `${alu} ${r32(a)}, ${r32(b)}`;
    case 2: return `${alu === "test" ? "cmp" : alu} ${a}, ${imm}`;
    case 3: return `${alu} ${a}, ${mem}`;
    case 4: return `${alu} ${mem}, ${a}`;
    case 5: return `${alu} ${mem32}, ${imm}`;
    case 6: return `mov ${a}, ${mem}`;
    case 7: return `mov ${mem}, ${b}`;
    case 8: return `mov ${r32(a)}, ${imm}`;
    case 9: return `lea ${a}, [${b} + ${a} * ${pick(r, [1, 2, 4, 8])} + ${imm}]`;
    case 10: return `${pick(r, ["inc", "dec", "neg", "not"])} ${pick(r, [a, r32(a)])}`;
    case 11: return `${pick(r, ["shl", "shr", "sar", "rol", "ror"])} ${pick(r, [a, r32(a)])}, ${Math.floor(r() * 70)}`;
    case 12: return `${pick(r, ["shl", "shr", "sar"])} ${a}, cl`;
    case 13: return `set${pick(r, CCS)} ${r8(a)}`;
    case 14: return `cmov${pick(r, CCS)} ${a}, ${pick(r, [b, mem])}`;
    case 15: return `imul ${a}, ${b}`;
    case 16: return `imul ${r32(a)}, ${r32(b)}, ${imm}`;
    case 17: return `push ${a}\npop ${b}`;
    case 18: return `movzx ${r32(a)}, ${pick(r, ["byte", "word"])} ${mem}`;
    case 19: return `movsx ${a}, ${pick(r, ["byte", "word", "dword"])} ${mem}`;
    case 20: return `xchg ${a}, ${b}`;
    case 21: return `bt ${a}, ${Math.floor(r() * 64)}`;
    case 22: return pick(r, [`mul ${b}`, `imul ${b}`, `imul ${a}, ${b}, ${imm}`, `imul ${a}, [rbx + 8]`,
      `or ${b}, 1\nxor edx, edx\ndiv ${b}`, `or ${r32(b)}, 1\ncdq\nidiv ${r32(b)}`, `rol ${a}, ${Math.floor(r() * 64)}`,
      `ror ${r32(a)}, 1`, `mov ecx, ${Math.floor(r() * 64)}\nrol ${a}, cl`]);
    case 23: return `inc ${mem32}`;
    case 24: return r() < 0.05 ? "mov rax, [0x10]" : `bswap ${a}`;
    default: return `lea ${r32(a)}, [${r32(b)} + ${imm}]`;
  }
}

function randomProgram(r: () => number): string {
  const out: string[] = [`mov rbx, ${DATA}`];
  const blocks = 2 + Math.floor(r() * 4);
  for (let k = 0; k < blocks; k++) {
    out.push(`mov r15d, ${1 + Math.floor(r() * 40)}`, `.top${k}:`);
    const len = 1 + Math.floor(r() * 12);
    for (let j = 0; j < len; j++) out.push(randomInsn(r));
    if (r() < 0.3) out.push(`j${pick(r, CCS)} .skip${k}`, randomInsn(r), `.skip${k}:`);
    if (r() < 0.2) out.push(`call .fn${k}`, `jmp .after${k}`, `.fn${k}:`, randomInsn(r), "ret", `.after${k}:`);
    out.push("dec r15d", `jnz .top${k}`);
  }
  out.push("int3");
  return out.join("\n");
}

interface Machine { cpu: Cpu; s: CpuState; mmu: FlatMmu; ram: PhysicalMemory }

function machine(code: Uint8Array, seed: number, engine: Engine, threshold: number, wasm = false): Machine {
  const ram = new PhysicalMemory(1 << 20);
  const mmu = new FlatMmu(ram);
  mmu.map(CODE, 0x4000, Perm.RX);
  mmu.map(DATA, 0x2000, Perm.RW);
  mmu.map(0x7f0000, 0x1000, Perm.RW);
  mmu.poke(CODE, code);
  const r = rng(seed);
  const data = new Uint8Array(0x2000);
  for (let k = 0; k < data.length; k++) data[k] = Math.floor(r() * 256);
  mmu.poke(DATA, data);
  const s = new CpuState();
  for (let k = 0; k < 16; k++) s.setBig(k, BigInt(Math.floor(r() * 2 ** 32)) * BigInt(Math.floor(r() * 2 ** 32)));
  s.setBig(4, 0x7f0f00n);
  s.rip = CODE;
  return { cpu: new Cpu({ engine, threshold, wasm }), s, mmu, ram };
}

function snapshot(m: Machine, exit: Exit): string {
  const s = m.s;
  const regs = Array.from({ length: 16 }, (_, k) => s.getBig(k).toString(16)).join(",");
  let sum = 0;
  for (let k = 0; k < 0x2000; k++) sum = (Math.imul(sum, 31) + m.mmu.read8(DATA + k)) | 0;
  const trap = exit === Exit.Fault ? ` trap ${s.trapVector}/${s.trapError}/${s.trapAddr}` : "";
  return `exit ${exit} rip ${s.rip.toString(16)} flags ${s.getRflags().toString(16)} regs ${regs} mem ${sum}${trap}`;
}

const skip = hasNasm() ? false : "needs nasm";

test("interpreter and translator agree on random programs, slice by slice", { skip }, () => {
  const programs = Number(process.env.ENGINE_PROGRAMS ?? 60);
  for (let p = 0; p < programs; p++) {
    const r = rng(7000 + p);
    const src = randomProgram(r);
    const code = assemble(src, CODE);
    const engines = [
      machine(code, p, "interpreter", 0),
      machine(code, p, "translate", 0),
      machine(code, p, "translate", 3),
      machine(code, p, "translate", 0, true),
      machine(code, p, "translate", 3, true),
    ];
    const slices = rng(p);
    for (let step = 0; step < 400; step++) {
      const budget = 1 + Math.floor(slices() * (step % 3 === 0 ? 5 : 300));
      const states = engines.map((m) => {
        const exit = m.cpu.run(m.s, m.mmu, budget);
        if (m.cpu.lastInternalError) throw m.cpu.lastInternalError;
        return snapshot(m, exit);
      });
      assert.equal(states[1], states[0], `program ${p} step ${step} (translate/0)\n${src}`);
      assert.equal(states[2], states[0], `program ${p} step ${step} (translate/3)\n${src}`);
      assert.equal(states[3], states[0], `program ${p} step ${step} (wasm/0)\n${src}`);
      assert.equal(states[4], states[0], `program ${p} step ${step} (wasm/3)\n${src}`);
      if (!states[0].startsWith(`exit ${Exit.Budget}`)) break;
    }
  }
});

test("self-modifying code is seen by both engines", { skip }, () => {
  // A loop that rewrites the immediate of an instruction in its own body.
  const src = [
    "mov ecx, 50", "xor eax, eax",
    ".l: lea rdx, [rel .imm + 2]", "mov byte [rdx], cl",
    ".imm: db 0x83, 0xc0, 0x00 ; add eax, imm8", "dec ecx", "jnz .l", "int3",
  ].join("\n");
  const code = assemble(src, CODE);
  for (const [engine, threshold, wasm] of [["interpreter", 0, false], ["translate", 0, false], ["translate", 2, false], ["translate", 0, true], ["translate", 2, true]] as const) {
    const m = machine(code, 1, engine, threshold, wasm);
    m.mmu.map(CODE, 0x4000, Perm.RWX, m.mmu.frameOf(CODE));
    const exit = m.cpu.run(m.s, m.mmu, 100000);
    assert.equal(exit, Exit.Fault);
    assert.equal(m.s.trapVector, 3);
    // Iteration k adds the value written in iteration k: 50 + 49 + ... + 1.
    assert.equal(m.s.lo[0], (50 * 51) / 2, `${engine}/${threshold}${wasm ? "/wasm" : ""}`);
  }
});
