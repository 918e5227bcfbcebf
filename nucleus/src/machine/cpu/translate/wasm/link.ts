/**
 * Runs regions compiled to WebAssembly (region.ts) as the dispatcher runs JS
 * regions: a `(state, entry)` function with the same exits (rip, exitFrom,
 * exitSlot, exitPhys, budget) and the same fault behaviour (registers and flags
 * stored, faultInsn set, the fault thrown). The module is compiled once per
 * distinct region and instantiated per translation over the RAM's memory, with
 * the helpers it imports: memory slow paths, interpreter handlers and flag
 * evaluation, which see the lazy-flag record through the state (copied to and
 * from the context's words around every call that may read or write it).
 */
import type { Block, BlockFn } from "../../blocks.js";
import type { Insn } from "../../decode/insn.js";
import { cf, cond, writeFlagBits } from "../../flags.js";
import type { CpuState } from "../../state.js";
import type { PhysicalMemory } from "../../../memory.js";
import { guarded } from "../guarded.js";
import { regionModule } from "./region.js";
import { linked } from "../chain.js";
import { W, type ExitInfo } from "./wgen.js";

/** Distinct region modules kept (the oldest is forgotten first). */
const CAPACITY = 2048;
const modules = new Map<string, { mod: WebAssembly.Module; exits: ExitInfo[] }>();

export const wasmStats = { compiled: 0, reused: 0 };

type RegionRun = (pc: number, budget: number, tlb: number, ctx: number) => number;

/**
 * Compiles `blocks` (one region, in order) to WebAssembly over `ram` and makes
 * it their code; with `cachedOnly`, only if the same module was compiled before.
 * Returns whether the blocks' code was installed. V8 compiles it at once, in
 * one pass (Liftoff), and optimises the functions that turn out hot later, on
 * its own threads. (Compiling on a worker thread instead, the blocks staying
 * interpreted meanwhile, measured slower: docs/BENCHMARKS.md.)
 */
export function translateWasm(blocks: Block[], ram: PhysicalMemory, cachedOnly: boolean): boolean {
  const pages = ram.wasm!.buffer.byteLength / 65536;
  const key = regionKey(blocks, ram, pages);
  let known = modules.get(key);
  if (known !== undefined) {
    wasmStats.reused++;
  } else {
    if (cachedOnly) return false;
    const { bytes, exits } = regionModule(blocks, pages);
    known = { mod: new WebAssembly.Module(bytes), exits };
    wasmStats.compiled++;
    if (modules.size >= CAPACITY) modules.delete(modules.keys().next().value as string);
    modules.set(key, known);
  }
  install(blocks, ram, known.mod, known.exits);
  return true;
}

/**
 * What a region's module is made from: the memory's size and each block's
 * address and code bytes (the instructions decoded from them there), so the
 * same code translated again, in this address space or another, finds its
 * module without generating it.
 */
function regionKey(blocks: Block[], ram: PhysicalMemory, pages: number): string {
  let key = String(pages);
  for (const b of blocks) key += `|${b.va}:${Buffer.from(ram.u8.buffer, b.phys, b.end - b.va).toString("latin1")}`;
  return key;
}

/** Makes an instance of mod the code of the region's blocks. */
function install(blocks: Block[], ram: PhysicalMemory, mod: WebAssembly.Module, exits: ExitInfo[]): void {
  const insns = blocks.flatMap((b) => b.insns);
  const memory = ram.wasm!;
  const blk = blocks[0];
  const w = ram.arena.words;
  const env = {
    mem: memory,
    read(lo: number, hi: number, size: number, rmw: number): number {
      const s = current;
      const v = guarded.read(s, hi * 4294967296 + (lo >>> 0), size, rmw !== 0);
      if (size === 8) w[W.Hi64] = s.mmu.hi64;
      if (s.pendingFault !== null) w[W.Status] = 1;
      return v;
    },
    write(lo: number, hi: number, size: number, v: number, vh: number): number {
      const s = current;
      guarded.write(s, hi * 4294967296 + (lo >>> 0), size, v, vh);
      return s.pendingFault !== null ? 1 : blk.valid ? 0 : 2;
    },
    call(k: number): number {
      const s = current;
      fromContext(s, w);
      const i = insns[k];
      s.rip = i.va + i.len;
      guarded.call(i.h, s, i);
      if (s.pendingFault !== null) return 1;
      toContext(s, w);
      bases(s, w);
      w[W.NxLo] = s.rip | 0;
      w[W.NxHi] = Math.floor(s.rip / 4294967296);
      return !blk.valid ? 2 : s.exit !== 0 ? 3 : 0;
    },
    cond(cc: number): number {
      fromContext(current, w);
      return cond(current, cc) ? 1 : 0;
    },
    cf(): number {
      fromContext(current, w);
      return cf(current);
    },
    gp(): void {
      guarded.gp(current);
      w[W.Status] = 1;
    },
    bits(mask: number, value: number): void {
      fromContext(current, w);
      writeFlagBits(current, mask, value);
      toContext(current, w);
    },
  };
  const code: WasmCode = {
    run: new WebAssembly.Instance(mod, { env }).exports.run as RegionRun,
    blocks, insns, words: w, context: ram.arena.context,
    exits: exits.map((x) => new Exit(x.nx ?? NaN, blocks[x.xj] ?? null, x.xs, x.xp === -2 ? blk.physPage : x.xp)),
  };
  const fn: BlockFn = (state, pc) => runWasm(state, code, pc);
  blocks.forEach((b, j) => {
    b.wasm = code;
    b.fn = fn;
    b.entry = j;
  });
}

/** A compiled region and what its exits and faults are read against. */
interface WasmCode {
  run: RegionRun;
  blocks: Block[];
  insns: Insn[];
  exits: Exit[];
  words: Int32Array;
  context: number;
}

/** An exit of one installed region, as the state records it (chain.ts). */
class Exit {
  constructor(
    /** The next rip, or NaN when computed (the context's NxLo/NxHi words). */
    readonly rip: number,
    readonly from: Block | null,
    readonly slot: number,
    readonly phys: number,
  ) {}
}

/** The state the running region works on (the imports' closures read it; runs never overlap). */
let current = null as unknown as CpuState;

/** Context words -> state, and back: the lazy-flag record. */
function fromContext(s: CpuState, w: Int32Array): void {
  s.fOp = w[W.FOp]; s.fA = w[W.FA]; s.fAh = w[W.FAh]; s.fR = w[W.FR]; s.fRh = w[W.FRh];
}

function toContext(s: CpuState, w: Int32Array): void {
  w[W.FOp] = s.fOp; w[W.FA] = s.fA; w[W.FAh] = s.fAh; w[W.FR] = s.fR; w[W.FRh] = s.fRh;
}

/** The segment bases FS/GS operands add (a handler may change them: WRFSBASE). */
function bases(s: CpuState, w: Int32Array): void {
  const fs = s.fsBase, gs = s.gsBase;
  w[W.FsLo] = fs | 0; w[W.FsHi] = Math.floor(fs / 4294967296); w[W.GsLo] = gs | 0; w[W.GsHi] = Math.floor(gs / 4294967296);
}

/**
 * Runs region `code` from block `pc`, then every WebAssembly region its exits
 * are already linked to (chain.ts linked()), without going back to the
 * dispatcher or moving the flags out of the context between them; returns with
 * the state as a JS region leaves it.
 */
function runWasm(state: CpuState, code: WasmCode, pc: number): void {
  current = state;
  const w = code.words;
  toContext(state, w);
  bases(state, w);
  w[W.Status] = 0;
  const m = state.mmu;
  if (m.tlbAt < 0) m.claimTlb();
  const tlb = m.tlbAt, ctx = code.context;
  // V8 swaps in a function's optimised code at its next call: a loop that runs
  // the whole budget in one call would stay on its first, quickly compiled code.
  const held = state.budget > CALL_BUDGET ? state.budget - CALL_BUDGET : 0;
  state.budget -= held;
  for (;;) {
    const status = code.run(pc, state.budget, tlb, ctx);
    state.budget = w[W.Budget];
    if (status !== 0) {
      state.budget += held;
      fromContext(state, w);
      state.faultInsn = code.insns[w[W.Fault]];
      const e = state.pendingFault;
      state.pendingFault = null;
      throw e;
    }
    const x = code.exits[w[W.Exit]];
    state.rip = x.rip === x.rip ? x.rip : w[W.NxHi] * 4294967296 + (w[W.NxLo] >>> 0);
    state.exitFrom = x.from;
    state.exitSlot = x.slot;
    state.exitPhys = x.phys;
    const nb = linked(state);
    if (nb === null || nb.wasm === null || (nb.wasm as WasmCode).words !== w) break;
    code = nb.wasm as WasmCode;
    pc = nb.entry;
  }
  state.budget += held;
  fromContext(state, w);
}

/** Instructions one entry into WebAssembly code may run (see runWasm). */
const CALL_BUDGET = 1 << 16;
