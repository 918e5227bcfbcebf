/**
 * The host CPU as an oracle: compiles native-runner.c once (cached in the OS
 * temp directory by content hash) and runs instruction sequences natively, and
 * the same sequences on our engine over a FlatMmu with the same layout.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PhysicalMemory } from "../../memory.js";
import { Cpu, type Engine } from "../cpu.js";
import { CpuState, Exit } from "../state.js";
import { FlatMmu, Perm } from "./flat-mmu.js";

export const CODE_BASE = 0x60000000;
export const DATA_BASE = 0x70000000;
export const DATA_SIZE = 0x4000;

export interface Case {
  code: Uint8Array;
  /** rax..r15 as unsigned 64-bit values. */
  regs: bigint[];
  rflags: number;
  data: Uint8Array;
}

export interface Outcome {
  regs: bigint[];
  rflags: number;
  rip: number;
  /** 0 when the code ran to its end, else the trap vector (host: trapno of the signal). */
  faulted: boolean;
  vector: number;
  error: number;
  cr2: bigint;
  data: Uint8Array;
}

function sourcePath(): string {
  // dist/machine/cpu/testing -> src/machine/cpu/testing
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, "..", "..", "..", "..", "src", "machine", "cpu", "testing", "native-runner.c");
}

let runnerPath: string | null = null;

/** The compiled runner, or null when there is no usable gcc (tests then skip). */
export function nativeRunner(): string | null {
  if (runnerPath) return runnerPath;
  const src = sourcePath();
  if (!existsSync(src)) return null;
  const hash = createHash("sha256").update(readFileSync(src)).digest("hex").slice(0, 16);
  const exe = join(tmpdir(), `rustos-native-runner-${hash}`);
  if (!existsSync(exe)) {
    const r = spawnSync("gcc", ["-O1", "-o", exe, src], { encoding: "utf8" });
    if (r.status !== 0) return null;
  }
  runnerPath = exe;
  return exe;
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

export function runNative(cases: Case[]): Outcome[] {
  const out: Outcome[] = [];
  for (let k = 0; k < cases.length; k += 2000) out.push(...runNativeBatch(cases.slice(k, k + 2000)));
  return out;
}

function runNativeBatch(cases: Case[]): Outcome[] {
  const exe = nativeRunner();
  if (!exe) throw new Error("no native runner (gcc missing?)");
  const parts: Buffer[] = [];
  for (const c of cases) {
    parts.push(u32(c.code.length), Buffer.from(c.code));
    const regs = Buffer.alloc(17 * 8);
    c.regs.forEach((v, k) => regs.writeBigUInt64LE(BigInt.asUintN(64, v), k * 8));
    regs.writeBigUInt64LE(BigInt(c.rflags), 16 * 8);
    parts.push(regs, u32(c.data.length), Buffer.from(c.data));
  }
  const r = spawnSync(exe, [], { input: Buffer.concat(parts), maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`native runner failed: ${r.status ?? r.signal} ${r.stderr}`);
  const out = r.stdout;
  const res: Outcome[] = [];
  let p = 0;
  for (const c of cases) {
    const regs: bigint[] = [];
    for (let k = 0; k < 16; k++) regs.push(out.readBigUInt64LE(p + 8 * k));
    const rflags = Number(out.readBigUInt64LE(p + 128));
    const rip = Number(out.readBigUInt64LE(p + 136));
    const sig = out.readUInt32LE(p + 144);
    const trapno = Number(out.readBigUInt64LE(p + 148));
    const err = Number(out.readBigUInt64LE(p + 156));
    const cr2 = out.readBigUInt64LE(p + 164);
    p += 172;
    const data = Uint8Array.from(out.subarray(p, p + c.data.length));
    p += c.data.length;
    res.push({
      regs,
      rflags: rflags & ~0x10000,
      rip,
      faulted: sig !== 0,
      vector: sig === 0 ? 0 : trapno,
      error: sig === 0 ? 0 : err,
      cr2: trapno === 14 ? cr2 : 0n,
      data,
    });
  }
  return res;
}

export interface EmuOptions {
  engine?: Engine;
  threshold?: number;
  budget?: number;
}

/** Runs a case on our CPU with the runner's memory layout; the code ends in int3 instead of a jump back. */
export function runEmulated(c: Case, opts: EmuOptions = {}): Outcome {
  const ram = new PhysicalMemory(1 << 20);
  const mmu = new FlatMmu(ram);
  mmu.map(CODE_BASE, 0x10000, Perm.RWX);
  mmu.map(DATA_BASE, DATA_SIZE, Perm.RW);
  const code = new Uint8Array(c.code.length + 1);
  code.set(c.code);
  code[c.code.length] = 0xcc;
  mmu.poke(CODE_BASE, code);
  mmu.poke(DATA_BASE, c.data);
  const s = new CpuState();
  c.regs.forEach((v, k) => s.setBig(k, v));
  s.setRflags(c.rflags);
  s.rip = CODE_BASE;
  const cpu = new Cpu({ engine: opts.engine ?? "interpreter", threshold: opts.threshold ?? 0 });
  const end = CODE_BASE + c.code.length;
  let exit = cpu.run(s, mmu, opts.budget ?? 1_000_000);
  if (cpu.lastInternalError) throw cpu.lastInternalError;
  const reachedEnd = exit === Exit.Fault && s.trapVector === 3 && s.rip === end + 1;
  if (exit === Exit.Budget) throw new Error("emulated case ran out of budget");
  const regs: bigint[] = [];
  for (let k = 0; k < 16; k++) regs.push(s.getBig(k));
  const data = new Uint8Array(c.data.length);
  for (let k = 0; k < c.data.length; k++) data[k] = ram.u8[mmu.frameOf(DATA_BASE + k) * 4096 + (k % 4096)];
  exit = Exit.None;
  return {
    regs,
    rflags: s.getRflags(),
    rip: reachedEnd ? end : s.rip,
    faulted: !reachedEnd,
    vector: reachedEnd ? 0 : s.trapVector,
    error: reachedEnd ? 0 : s.trapError,
    cr2: !reachedEnd && s.trapVector === 14 ? BigInt.asUintN(64, BigInt(s.trapAddr)) : 0n,
    data,
  };
}

/** Describes differences (flags outside `flagMask` ignored), or returns null. */
export function diffOutcomes(want: Outcome, got: Outcome, flagMask: number): string | null {
  const out: string[] = [];
  const names = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
  if (want.faulted !== got.faulted || want.vector !== got.vector) out.push(`trap host ${want.faulted ? want.vector : "none"} ours ${got.faulted ? got.vector : "none"}`);
  else if (want.faulted && (want.error !== got.error || want.cr2 !== got.cr2)) out.push(`fault host err ${want.error} cr2 ${want.cr2.toString(16)} ours err ${got.error} cr2 ${got.cr2.toString(16)}`);
  if (want.rip !== got.rip) out.push(`rip host ${want.rip.toString(16)} ours ${got.rip.toString(16)}`);
  for (let k = 0; k < 16; k++) {
    if (want.regs[k] !== got.regs[k]) out.push(`${names[k]} host ${want.regs[k].toString(16)} ours ${got.regs[k].toString(16)}`);
  }
  const wf = want.rflags & flagMask, gf = got.rflags & flagMask;
  if (wf !== gf) out.push(`rflags host ${wf.toString(16)} ours ${gf.toString(16)} (mask ${flagMask.toString(16)})`);
  for (let k = 0; k < want.data.length; k++) {
    if (want.data[k] !== got.data[k]) { out.push(`data[${k.toString(16)}] host ${want.data[k]} ours ${got.data[k]}`); break; }
  }
  return out.length ? out.join("; ") : null;
}
