/**
 * Runs regions compiled to WebAssembly as the dispatcher runs JS regions, with
 * the same exits (rip, exitFrom, exitSlot, exitPhys, budget) and the same fault
 * behaviour (registers and flags stored, faultInsn set, the fault thrown).
 * Regions are called through a driver (region.ts driverModule) and a function
 * table: an exit to a fixed address on the region's own page, once linked here,
 * goes straight to the next region inside WebAssembly.
 */
import type { Block, BlockFn } from "../../blocks.js";
import type { Insn } from "../../decode/insn.js";
import type { CpuState } from "../../state.js";
import type { PhysicalMemory } from "../../../memory.js";
import { driverModule } from "./region.js";
import { next } from "../chain.js";
import { Status, W } from "./wgen.js";

/** Calls the region in table slot `slot`, then the regions its linked exits lead to (Status). */
type Driver = (slot: number, pc: number, budget: number, tlb: number, ctx: number) => number;

/** A compiled region and what its exits and faults are read against. */
export interface WasmCode {
  retire(): void;
  /** Its function's index in its RAM's table. */
  slot: number;
  slots: Slots;
  /** The link globals (ExitInfo.link), in index order. */
  globals: WebAssembly.Global[];
  blocks: Block[];
  insns: Insn[];
  exits: Exit[];
  words: Int32Array;
  context: number;
}

/**
 * Runs the WebAssembly region of block b from b, and what follows it in
 * WebAssembly regions; returns the translated block to run next (chain.ts
 * next()), or null for the dispatcher.
 */
export function enterWasm(state: CpuState, b: Block): Block | null {
  return runWasm(state, b.wasm as WasmCode, b.entry);
}

/**
 * The `fn` of a block whose region is WebAssembly: it marks the block
 * translated, and is never called (the dispatcher calls enterWasm).
 */
export const inWasm: BlockFn = () => {
  throw new Error("a WebAssembly region was called as a JS region");
};

/** An exit of one installed region, as the state records it (chain.ts). */
export class Exit {
  constructor(
    /** The next rip, or NaN when computed (the context's NxLo/NxHi words). */
    readonly rip: number,
    readonly from: Block | null,
    readonly slot: number,
    readonly phys: number,
    /** Its link globals' pair (ExitInfo.link), or -1. */
    readonly link: number,
  ) {}
}

/** The state the running region works on (the imports' closures read it; runs never overlap). */
export let current = null as unknown as CpuState;

/** Context words -> state, and back: the lazy-flag record. */
export function fromContext(s: CpuState, w: Int32Array): void {
  s.fOp = w[W.FOp]; s.fA = w[W.FA]; s.fAh = w[W.FAh]; s.fR = w[W.FR]; s.fRh = w[W.FRh];
}

export function toContext(s: CpuState, w: Int32Array): void {
  w[W.FOp] = s.fOp; w[W.FA] = s.fA; w[W.FAh] = s.fAh; w[W.FR] = s.fR; w[W.FRh] = s.fRh;
}

/** The context and segment bases last written there. */
let seenWords: Int32Array | null = null, seenFs = 0, seenGs = 0;

/**
 * Writes the segment bases FS/GS operands add into the context, when they are
 * not there already (a handler may change them: WRFSBASE, arch_prctl between runs).
 */
export function bases(s: CpuState, w: Int32Array): void {
  const fs = s.fsBase, gs = s.gsBase;
  if (w === seenWords && fs === seenFs && gs === seenGs) return;
  seenWords = w;
  seenFs = fs;
  seenGs = gs;
  w[W.FsLo] = fs | 0; w[W.FsHi] = Math.floor(fs / 4294967296); w[W.GsLo] = gs | 0; w[W.GsHi] = Math.floor(gs / 4294967296);
}

/**
 * Runs region `code` from block `pc`, then every WebAssembly region of this RAM
 * its exits lead to (chain.ts next(), which also links them), without going
 * back to the dispatcher or moving the flags out of the context between them.
 * Leaves the state as a JS region does, and returns the block next() found
 * after the last one (a JS region's, or null).
 */
function runWasm(state: CpuState, code: WasmCode, pc: number): Block | null {
  current = state;
  const w = code.words;
  toContext(state, w);
  bases(state, w);
  w[W.Status] = 0;
  // cpu.ts run() claimed the MMU's arena TLB before the dispatcher got here.
  const tlb = state.mmu.tlbAt, ctx = code.context;
  // V8 swaps in a function's optimised code at its next call: a loop that runs
  // the whole budget in one call would stay on its first, quickly compiled code.
  const held = state.budget > CALL_BUDGET ? state.budget - CALL_BUDGET : 0;
  state.budget -= held;
  for (;;) {
    const status = code.slots.enter(code.slot, pc, state.budget, tlb, ctx);
    // The driver may have gone on into linked regions: the last one ran.
    if (w[W.LastF] !== code.slot) code = code.slots.at(w[W.LastF]);
    state.budget = w[W.Budget];
    if (status !== Status.Exit) {
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
    const nb = next(state);
    if (nb === null || nb.wasm === null || (nb.wasm as WasmCode).words !== w) {
      state.budget += held;
      fromContext(state, w);
      return nb;
    }
    const to = nb.wasm as WasmCode;
    if (x.link >= 0) {
      // From now on the region goes there itself (within the driver's loop).
      code.globals[2 * x.link].value = to.slot;
      code.globals[2 * x.link + 1].value = (nb.entry << 16) | nb.insns.length;
    }
    code = to;
    pc = nb.entry;
  }
}

/**
 * The table a RAM's driver calls its regions through: slot k holds the function
 * of a live region. Everything here belongs to one RAM (its memory, its
 * regions' instances and code), so it all goes when the RAM does; a region
 * whose blocks are dropped (overwritten, unmapped) is retired, and its slot
 * reused by a later install, when nothing of it can be running.
 */
export class Slots {
  readonly table = new WebAssembly.Table({ element: "anyfunc", initial: 64 });
  readonly enter: Driver;
  private readonly codes: (WasmCode | undefined)[] = [];
  private readonly free: number[] = [];
  private retired: number[] = [];
  /** Slot 0 stays empty: a link global of 0 means "not linked". */
  private next = 1;

  constructor(ram: PhysicalMemory) {
    const pages = ram.wasm!.buffer.byteLength / 65536;
    let mod = driverModules.get(pages);
    if (mod === undefined) driverModules.set(pages, (mod = new WebAssembly.Module(driverModule(pages))));
    this.enter = new WebAssembly.Instance(mod, { env: { mem: ram.wasm!, table: this.table } }).exports.enter as Driver;
  }

  /** The slots of ram's regions. */
  static of(ram: PhysicalMemory): Slots {
    let s = slotsOf.get(ram);
    if (s === undefined) slotsOf.set(ram, (s = new Slots(ram)));
    return s;
  }

  /** A slot for code's function (installs run between regions, never inside one). */
  add(code: WasmCode, fn: unknown): number {
    for (const k of this.retired) {
      this.table.set(k, null);
      this.codes[k] = undefined;
      this.free.push(k);
    }
    this.retired = [];
    const k = this.free.pop() ?? this.next++;
    if (k >= this.table.length) this.table.grow(this.table.length);
    this.table.set(k, fn);
    this.codes[k] = code;
    return k;
  }

  /** Frees k's slot at the next add(): the region may be the one running now. */
  retire(k: number): void {
    if (this.codes[k] !== undefined && !this.retired.includes(k)) this.retired.push(k);
  }

  at(k: number): WasmCode {
    const code = this.codes[k];
    if (code === undefined) throw new Error(`wasm region slot ${k} ran without its region`);
    return code;
  }
}

const slotsOf = new WeakMap<PhysicalMemory, Slots>();
/** Driver modules by memory size (a driver imports the memory its regions use). */
const driverModules = new Map<number, WebAssembly.Module>();

/** Instructions one entry into WebAssembly code may run (see runWasm). */
const CALL_BUDGET = 1 << 16;
