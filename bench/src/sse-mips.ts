/**
 * SSE speed: MIPS of the interpreter, of the translator's JS regions calling the
 * SSE handlers (inline SSE emitters off) and with them, and of its WebAssembly
 * regions (what the product runs), on loops shaped like glibc's SSE2 string and
 * memory functions and on scalar double arithmetic (always handler-run: exact
 * MXCSR rounding and flags). All must compute the same results. Speeds are per second of process CPU time, best of
 * BENCH_RUNS runs.
 *
 *   npm run build && node bench/dist/sse-mips.js
 */
import { PhysicalMemory } from "@rustos/nucleus/dist/machine/memory.js";
import { Cpu, type Engine } from "@rustos/nucleus/dist/machine/cpu/cpu.js";
import { CpuState, Exit } from "@rustos/nucleus/dist/machine/cpu/state.js";
import { FlatMmu, Perm } from "@rustos/nucleus/dist/machine/cpu/testing/flat-mmu.js";
import { assemble } from "@rustos/nucleus/dist/machine/cpu/testing/nasm.js";
import { sseInline } from "@rustos/nucleus/dist/machine/cpu/translate/sse-emitters.js";

const CODE = 0x400000;
const DATA = 0x1000000;
const DATA_SIZE = 1 << 20;

const LOOPS = [
  {
    // strlen/strchr's inner loop: compare 64 bytes at a time against zero.
    name: "string scan (movdqa, pminub, pcmpeqb, pmovmskb)",
    asm: `
      mov r9d, 40
    again:
      mov rdi, ${DATA}
      mov ecx, ${DATA_SIZE / 64 - 1}
      pxor xmm0, xmm0
    l:
      movdqa xmm1, [rdi]
      movdqa xmm2, [rdi + 16]
      pminub xmm1, [rdi + 32]
      pminub xmm2, [rdi + 48]
      pminub xmm1, xmm2
      pcmpeqb xmm1, xmm0
      pmovmskb eax, xmm1
      test eax, eax
      jnz found
      add rdi, 64
      dec ecx
      jnz l
    found:
      dec r9d
      jnz again
      int3`,
  },
  {
    // memcpy's loop: unaligned loads, aligned stores.
    name: "copy (movdqu load, movaps store)",
    asm: `
      mov r9d, 60
    again:
      mov rsi, ${DATA + 3}
      mov rdi, ${DATA + DATA_SIZE / 2}
      mov ecx, ${DATA_SIZE / 2 / 64 - 1}
    l:
      movdqu xmm0, [rsi]
      movdqu xmm1, [rsi + 16]
      movdqu xmm2, [rsi + 32]
      movdqu xmm3, [rsi + 48]
      movaps [rdi], xmm0
      movaps [rdi + 16], xmm1
      movaps [rdi + 32], xmm2
      movaps [rdi + 48], xmm3
      add rsi, 64
      add rdi, 64
      dec ecx
      jnz l
      dec r9d
      jnz again
      movq rax, xmm3
      int3`,
  },
  {
    name: "scalar double (cvtsi2sd, mulsd, addsd)",
    asm: `
      mov r9d, 2000000
      pxor xmm0, xmm0
      mov eax, 3
      cvtsi2sd xmm2, eax
    l:
      cvtsi2sd xmm1, r9d
      mulsd xmm1, xmm2
      addsd xmm0, xmm1
      dec r9d
      jnz l
      movq rax, xmm0
      int3`,
  },
];

interface Result { mips: number; executed: number; rax: bigint; xmm: string }

function runLoop(code: Uint8Array, engine: Engine, wasm: boolean): Result {
  const ram = new PhysicalMemory(8 << 20);
  const mmu = new FlatMmu(ram);
  mmu.map(CODE, 0x10000, Perm.RX);
  mmu.map(DATA, DATA_SIZE, Perm.RW);
  mmu.poke(CODE, code);
  // Nonzero bytes, so the scan runs to the end of the buffer.
  mmu.poke(DATA, Uint8Array.from({ length: DATA_SIZE }, (_, k) => 1 + (((k * 2654435761) >>> 24) % 255)));
  const s = new CpuState();
  s.rip = CODE;
  const cpu = new Cpu({ engine, threshold: 16, wasm });
  const budget = 2_000_000_000;
  const t0 = process.cpuUsage();
  const exit = cpu.run(s, mmu, budget);
  const t1 = process.cpuUsage(t0);
  if (exit !== Exit.Fault || s.trapVector !== 3) throw new Error(`unexpected exit ${exit}/${s.trapVector}: ${String(cpu.lastInternalError)}`);
  const executed = budget - s.budget;
  return { mips: executed / ((t1.user + t1.system) / 1e6) / 1e6, executed, rax: s.getBig(0), xmm: s.xmm32.join(",") };
}

/** `inline`: the JS regions' inline SSE emitters; `wasm`: WebAssembly regions (always inline). */
function best(code: Uint8Array, engine: Engine, inline: boolean, runs: number, wasm = false): Result {
  sseInline.enabled = inline;
  let top: Result | null = null;
  for (let k = 0; k < runs; k++) {
    const r = runLoop(code, engine, wasm);
    if (!top || r.mips > top.mips) top = r;
  }
  sseInline.enabled = true;
  return top as Result;
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function main(): void {
  const rows: string[][] = [["loop", "instructions", "interpreter", "JS regions, SSE handlers", "JS regions, SSE inline", "inline gain", "WebAssembly regions"]];
  for (const loop of LOOPS) {
    const code = assemble(loop.asm, CODE);
    const interp = best(code, "interpreter", true, RUNS);
    const called = best(code, "translate", false, RUNS);
    const inline = best(code, "translate", true, RUNS);
    const wasm = best(code, "translate", true, RUNS, true);
    for (const r of [called, inline, wasm]) {
      if (r.rax !== interp.rax || r.xmm !== interp.xmm || r.executed !== interp.executed) throw new Error(`${loop.name}: engines disagree`);
    }
    rows.push([
      loop.name,
      String(interp.executed),
      `${interp.mips.toFixed(1)} MIPS`,
      `${called.mips.toFixed(1)} MIPS`,
      `${inline.mips.toFixed(1)} MIPS`,
      `${(inline.mips / called.mips).toFixed(2)}x`,
      `${wasm.mips.toFixed(1)} MIPS`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const [k, r] of rows.entries()) {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
    if (k === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

main();
