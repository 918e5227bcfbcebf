/**
 * Engine equivalence with SSE: random loops mixing the translator's inline SSE
 * forms (loads, stores, logic, compares, PMOVMSKB, ...) with handler-run SSE
 * forms, flag producers and consumers, GPR arithmetic and memory at aligned,
 * unaligned, page-crossing and faulting addresses, run by the interpreter and by
 * the translator (immediately and after a few runs) in random slices. Registers,
 * RFLAGS, xmm registers, MXCSR, memory and traps must agree after every slice.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../../../memory.js";
import { Cpu, type Engine } from "../../cpu.js";
import { CpuState, Exit } from "../../state.js";
import { pick, rng } from "../../testing/encodings.js";
import { FlatMmu, Perm } from "../../testing/flat-mmu.js";
import { assemble, hasNasm } from "../../testing/nasm.js";

const CODE = 0x400000;
const DATA = 0x600000;
const DATA_SIZE = 0x2000;
const GPRS = ["rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"];
const CCS = ["e", "ne", "b", "ae", "s", "ns", "l", "ge"];

function xmm(r: () => number): string {
  return `xmm${Math.floor(r() * 16)}`;
}

/**
 * A memory operand off rbx inside the data area: 16-byte aligned for forms that
 * require it, else anywhere; rarely misaligned (#GP) or crossing into the
 * unmapped page after the area (#PF), so most programs run to their end.
 */
function mem(r: () => number, aligned = true): string {
  const roll = r();
  const off = roll < 0.98 ? (aligned ? Math.floor(r() * 500) * 16 : Math.floor(r() * (DATA_SIZE - 16)))
    : roll < 0.99 ? 16 * Math.floor(r() * 500) + 4 : DATA_SIZE - 8;
  return `[rbx + ${off}]`;
}

function randomInsn(r: () => number): string {
  const a = xmm(r), b = xmm(r), g = pick(r, GPRS);
  switch (Math.floor(r() * 24)) {
    case 0: return `movdqu ${a}, ${mem(r, false)}`;
    case 1: return `movdqa ${a}, ${mem(r)}`;
    case 2: return `movups ${mem(r, false)}, ${a}`;
    case 3: return `movaps ${mem(r)}, ${a}`;
    case 4: return `${pick(r, ["pxor", "pand", "por", "pandn", "xorps", "andps"])} ${a}, ${pick(r, [b, mem(r)])}`;
    case 5: return `${pick(r, ["pcmpeqb", "pcmpeqw", "pcmpeqd", "pminub", "pmaxub", "paddb", "psubb", "paddd", "psubd", "paddw", "psubw", "paddq", "psubq"])} ${a}, ${pick(r, [b, mem(r)])}`;
    case 6: return `pmovmskb ${g.startsWith("r") && g.length === 3 && !/\d/.test(g) ? `e${g.slice(1)}` : `${g}d`}, ${a}`;
    case 7: return `pshufd ${a}, ${pick(r, [b, mem(r)])}, ${Math.floor(r() * 256)}`;
    case 8: return `${pick(r, ["punpcklbw", "punpcklwd", "punpckldq", "punpcklqdq", "unpcklps", "punpckhbw", "punpckhwd", "punpckhdq", "punpckhqdq", "unpckhps", "unpckhpd"])} ${a}, ${pick(r, [b, mem(r)])}`;
    case 9: return `movq ${a}, ${pick(r, [g, b, `qword ${mem(r, false)}`])}`;
    case 10: return `movq ${pick(r, [g, `qword ${mem(r, false)}`])}, ${a}`;
    case 11: return `movd ${a}, ${pick(r, [`e${g.replace(/^r/, "")}`.replace(/^e(\d+)$/, "r$1d"), `dword ${mem(r, false)}`])}`;
    case 12: return `${pick(r, ["movsd", "movss"])} ${a}, ${pick(r, [b, mem(r, false)])}`;
    case 13: return `${pick(r, ["movsd", "movss"])} ${mem(r, false)}, ${a}`;
    case 14: return `${pick(r, ["addsd", "mulps", "subpd", "divss", "minps", "sqrtsd"])} ${a}, ${b}`;
    case 15: return `${pick(r, ["ucomisd", "comiss"])} ${a}, ${b}`;
    case 16: return `ptest ${a}, ${b}`;
    case 17: return `${pick(r, ["psrldq", "pslldq", "psrlw", "psllw", "psraw", "psrld", "pslld", "psrad", "psrlq", "psllq"])} ${a}, ${Math.floor(r() * (r() < 0.8 ? 34 : 256))}`;
    case 18: return `pshufb ${a}, ${b}`;
    case 19: return `cvtsi2sd ${a}, ${g}`;
    case 20: return `${pick(r, ["add", "sub", "xor", "cmp"])} ${g}, ${pick(r, GPRS)}`;
    case 21: return `set${pick(r, CCS)} al`;
    case 22: return `pcmpistri ${a}, ${b}, ${Math.floor(r() * 128)}`;
    default: return `lea ${g}, [${pick(r, GPRS)} + ${Math.floor(r() * 100)}]`;
  }
}

function randomProgram(r: () => number): string {
  const out = [`mov rbx, ${DATA}`];
  const blocks = 2 + Math.floor(r() * 3);
  for (let k = 0; k < blocks; k++) {
    out.push(`mov r15d, ${1 + Math.floor(r() * 30)}`, `.top${k}:`);
    const len = 2 + Math.floor(r() * 14);
    for (let j = 0; j < len; j++) out.push(randomInsn(r));
    if (r() < 0.4) out.push(`j${pick(r, CCS)} .skip${k}`, randomInsn(r), `.skip${k}:`);
    out.push("dec r15d", `jnz .top${k}`);
  }
  out.push("int3");
  return out.join("\n");
}

interface Machine { cpu: Cpu; s: CpuState; mmu: FlatMmu }

function machine(code: Uint8Array, seed: number, engine: Engine, threshold: number, wasm = false): Machine {
  const mmu = new FlatMmu(new PhysicalMemory(1 << 20));
  mmu.map(CODE, 0x4000, Perm.RX);
  mmu.map(DATA, DATA_SIZE, Perm.RW);
  mmu.poke(CODE, code);
  const r = rng(seed);
  mmu.poke(DATA, Uint8Array.from({ length: DATA_SIZE }, () => (r() < 0.2 ? 0 : Math.floor(r() * 256))));
  const s = new CpuState();
  for (let k = 0; k < 16; k++) s.setBig(k, BigInt(Math.floor(r() * 2 ** 32)) * BigInt(Math.floor(r() * 2 ** 32)));
  for (let k = 0; k < 256; k++) s.xmm8[k] = Math.floor(r() * 256);
  s.mxcsr = 0x1f80 | (Math.floor(r() * 4) << 13);
  s.rip = CODE;
  return { cpu: new Cpu({ engine, threshold, wasm }), s, mmu };
}

function snapshot(m: Machine, exit: Exit): string {
  const s = m.s;
  const regs = Array.from({ length: 16 }, (_, k) => s.getBig(k).toString(16)).join(",");
  let sum = 0;
  for (let k = 0; k < DATA_SIZE; k++) sum = (Math.imul(sum, 31) + m.mmu.read8(DATA + k)) | 0;
  const x = Array.from(s.xmm32, (v) => (v >>> 0).toString(16)).join(",");
  const trap = exit === Exit.Fault ? ` trap ${s.trapVector}/${s.trapError}/${s.trapAddr}` : "";
  return `exit ${exit} rip ${s.rip.toString(16)} flags ${s.getRflags().toString(16)} mxcsr ${s.mxcsr.toString(16)} regs ${regs} xmm ${x} mem ${sum}${trap}`;
}

test("interpreter and translator agree on random SSE programs, slice by slice", { skip: hasNasm() ? false : "needs nasm" }, () => {
  const programs = Number(process.env.ENGINE_PROGRAMS ?? 100);
  let finished = 0, executed = 0;
  for (let p = 0; p < programs; p++) {
    const src = randomProgram(rng(9100 + p));
    const code = assemble(src, CODE);
    const engines = [machine(code, p, "interpreter", 0), machine(code, p, "translate", 0), machine(code, p, "translate", 3),
      machine(code, p, "translate", 0, true), machine(code, p, "translate", 3, true)];
    const slices = rng(p);
    for (let step = 0; step < 300; step++) {
      const budget = 1 + Math.floor(slices() * (step % 3 === 0 ? 5 : 200));
      const states = engines.map((m) => {
        const exit = m.cpu.run(m.s, m.mmu, budget);
        if (m.cpu.lastInternalError) throw m.cpu.lastInternalError;
        return snapshot(m, exit);
      });
      executed += budget - engines[0].s.budget;
      assert.equal(states[1], states[0], `program ${p} step ${step} (translate/0)\n${src}`);
      assert.equal(states[2], states[0], `program ${p} step ${step} (translate/3)\n${src}`);
      assert.equal(states[3], states[0], `program ${p} step ${step} (wasm/0)\n${src}`);
      assert.equal(states[4], states[0], `program ${p} step ${step} (wasm/3)\n${src}`);
      if (!states[0].startsWith(`exit ${Exit.Budget}`)) {
        if (engines[0].s.trapVector === 3) finished++;
        break;
      }
    }
  }
  // The comparison means something only if the programs run: most reach their int3.
  assert.ok(finished > programs / 2 && executed > programs * 200, `${finished} of ${programs} programs finished, ${executed} instructions`);
});
