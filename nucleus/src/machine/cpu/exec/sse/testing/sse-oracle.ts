/**
 * The host CPU as the oracle for single SSE instructions on registers:
 * sse-runner.c (compiled once with the host gcc, cached by content hash in the
 * OS temp directory) executes each case natively; runEmulated executes the same
 * bytes on our CPU. A case is the instruction, MXCSR, xmm0-xmm2 and rax/rcx/rdx.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PhysicalMemory } from "../../../../memory.js";
import { Cpu, type Engine } from "../../../cpu.js";
import { CpuState, Exit } from "../../../state.js";
import { FlatMmu, Perm } from "../../../testing/flat-mmu.js";

export interface SseCase {
  code: Uint8Array;
  mxcsr: number;
  /** xmm0, xmm1, xmm2: 48 bytes. */
  xmm: Uint8Array;
  rax: bigint;
  rcx: bigint;
  rdx: bigint;
}

export interface SseResult {
  /** 0 when the instruction completed, else the exception vector (19: #XM). */
  vector: number;
  mxcsr: number;
  xmm: Uint8Array;
  rax: bigint;
  rcx: bigint;
  rdx: bigint;
  /** The arithmetic flags (CF PF AF ZF SF OF) after a completed instruction. */
  flags: number;
}

const IN = 1 + 15 + 4 + 48 + 24;
const OUT = 4 + 4 + 48 + 32;
const ARITH = 0x8d5;

function sourcePath(): string {
  // dist/machine/cpu/exec/sse/testing -> src/machine/cpu/exec/sse/testing
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, "..", "..", "..", "..", "..", "..", "src", "machine", "cpu", "exec", "sse", "testing", "sse-runner.c");
}

let runner: string | null = null;

/** The compiled runner; throws when gcc is missing (the tests must not pass silently). */
export function sseRunner(): string {
  if (runner) return runner;
  const src = sourcePath();
  const hash = createHash("sha256").update(readFileSync(src)).digest("hex").slice(0, 16);
  const exe = join(tmpdir(), `rustos-sse-runner-${hash}`);
  if (!existsSync(exe)) {
    const r = spawnSync("gcc", ["-O1", "-o", exe, src], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cannot build the SSE oracle (gcc): ${r.error?.message ?? r.stderr}`);
  }
  runner = exe;
  return exe;
}

export function runHost(cases: readonly SseCase[]): SseResult[] {
  const input = Buffer.alloc(cases.length * IN);
  cases.forEach((c, k) => {
    const o = k * IN;
    input[o] = c.code.length;
    input.set(c.code, o + 1);
    input.writeUInt32LE(c.mxcsr >>> 0, o + 16);
    input.set(c.xmm, o + 20);
    input.writeBigUInt64LE(BigInt.asUintN(64, c.rax), o + 68);
    input.writeBigUInt64LE(BigInt.asUintN(64, c.rcx), o + 76);
    input.writeBigUInt64LE(BigInt.asUintN(64, c.rdx), o + 84);
  });
  const r = spawnSync(sseRunner(), [], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0 || r.stdout.length !== cases.length * OUT) {
    throw new Error(`SSE runner failed: ${r.status ?? r.signal} ${r.stderr}`);
  }
  const out = r.stdout;
  return cases.map((_, k) => {
    const o = k * OUT;
    const vector = out.readUInt32LE(o);
    return {
      vector,
      mxcsr: out.readUInt32LE(o + 4),
      xmm: Uint8Array.from(out.subarray(o + 8, o + 56)),
      rax: out.readBigUInt64LE(o + 56),
      rcx: out.readBigUInt64LE(o + 64),
      rdx: out.readBigUInt64LE(o + 72),
      flags: vector === 0 ? Number(out.readBigUInt64LE(o + 80)) & ARITH : 0,
    };
  });
}

const CODE = 0x400000;
const SLOT = 16;

/** Runs the cases on our CPU: every instruction in its own 16-byte slot, followed by int3. */
export function runEmulated(cases: readonly SseCase[], engine: Engine): SseResult[] {
  const codeBytes = Math.ceil((cases.length * SLOT) / 4096) * 4096;
  const ram = new PhysicalMemory(codeBytes + 4096);
  const mmu = new FlatMmu(ram);
  mmu.map(CODE, codeBytes, Perm.RX);
  const image = new Uint8Array(codeBytes).fill(0xcc);
  cases.forEach((c, k) => image.set(c.code, k * SLOT));
  mmu.poke(CODE, image);
  const cpu = new Cpu({ engine, threshold: 0 });
  const s = new CpuState();
  return cases.map((c, k) => {
    s.xmm8.fill(0);
    s.xmm8.set(c.xmm);
    s.mxcsr = c.mxcsr;
    s.setBig(0, BigInt.asUintN(64, c.rax));
    s.setBig(1, BigInt.asUintN(64, c.rcx));
    s.setBig(2, BigInt.asUintN(64, c.rdx));
    s.setRflags(0x202);
    s.rip = CODE + k * SLOT;
    const exit = cpu.run(s, mmu, 10);
    if (cpu.lastInternalError) throw cpu.lastInternalError;
    if (exit !== Exit.Fault) throw new Error(`case ${k}: run ended with exit ${exit}`);
    const done = s.trapVector === 3;
    return {
      vector: done ? 0 : s.trapVector,
      mxcsr: s.mxcsr,
      xmm: Uint8Array.from(s.xmm8.subarray(0, 48)),
      rax: s.getBig(0),
      rcx: s.getBig(1),
      rdx: s.getBig(2),
      flags: done ? s.getRflags() & ARITH : 0,
    };
  });
}

const hex = (b: Uint8Array): string => Array.from(b).reverse().map((x) => x.toString(16).padStart(2, "0")).join("");

/** Differences between host and emulated results (flags only when compareFlags), or "". */
export function describeDiff(c: SseCase, host: SseResult, emu: SseResult, compareFlags: boolean): string {
  const d: string[] = [];
  if (host.vector !== emu.vector) d.push(`vector host ${host.vector} emu ${emu.vector}`);
  if (host.mxcsr !== emu.mxcsr) d.push(`mxcsr host ${host.mxcsr.toString(16)} emu ${emu.mxcsr.toString(16)}`);
  for (let r = 0; r < 3; r++) {
    const h = host.xmm.subarray(16 * r, 16 * r + 16), e = emu.xmm.subarray(16 * r, 16 * r + 16);
    if (hex(h) !== hex(e)) d.push(`xmm${r} host ${hex(h)} emu ${hex(e)}`);
  }
  if (host.rax !== emu.rax) d.push(`rax host ${host.rax.toString(16)} emu ${emu.rax.toString(16)}`);
  if (host.rcx !== emu.rcx) d.push(`rcx host ${host.rcx.toString(16)} emu ${emu.rcx.toString(16)}`);
  if (host.rdx !== emu.rdx) d.push(`rdx host ${host.rdx.toString(16)} emu ${emu.rdx.toString(16)}`);
  if (compareFlags && host.flags !== emu.flags) d.push(`flags host ${host.flags.toString(16)} emu ${emu.flags.toString(16)}`);
  if (d.length === 0) return "";
  const code = Array.from(c.code, (x) => x.toString(16).padStart(2, "0")).join(" ");
  const inputs = [0, 1, 2].map((r) => `xmm${r}=${hex(c.xmm.subarray(16 * r, 16 * r + 16))}`).join(" ");
  return `code ${code} mxcsr=${c.mxcsr.toString(16)} ${inputs} rax=${c.rax.toString(16)} rdx=${c.rdx.toString(16)}\n  ${d.join("\n  ")}`;
}
