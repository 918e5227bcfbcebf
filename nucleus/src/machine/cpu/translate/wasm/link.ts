/**
 * Installs regions compiled to WebAssembly (region.ts) as their blocks' code.
 * A region's module is compiled once per distinct code and instantiated per
 * translation over the RAM's memory, with the helpers it imports: memory slow
 * paths, interpreter handlers and flag evaluation, which see the lazy-flag
 * record through the running state (run.ts copies it to and from the
 * context's words around every call that may read or write it).
 */
import type { Block } from "../../blocks.js";
import type { Insn } from "../../decode/insn.js";
import { cf, cond, writeFlagBits } from "../../flags.js";
import type { CpuState } from "../../state.js";
import type { PhysicalMemory } from "../../../memory.js";
import { guarded } from "../guarded.js";
import { regionModule } from "./region.js";
import { CALL_ENDS, W, type ExitInfo } from "./wgen.js";
import { bases, current, Exit, fromContext, inWasm, Slots, toContext, type WasmCode } from "./run.js";

/** Distinct region modules kept (the oldest is forgotten first). */
const CAPACITY = 2048;
const modules = new Map<string, { mod: WebAssembly.Module; exits: ExitInfo[] } | "js">();

/** Modules compiled, found compiled, and regions left to JS (mostly handler calls). */
export const wasmStats = { compiled: 0, reused: 0, toJs: 0 };

/**
 * Compiles `blocks` (one region, in order) to WebAssembly over `ram` and makes
 * it their code; with `cachedOnly`, only if the same module was compiled before.
 * Returns whether the blocks' code was installed, or "js" for a region that
 * should be a JS region instead. V8 compiles it at once, in
 * one pass (Liftoff), and optimises the functions that turn out hot later, on
 * its own threads. (Compiling on a worker thread instead, the blocks staying
 * interpreted meanwhile, measured slower: docs/BENCHMARKS.md.)
 */
export function translateWasm(blocks: Block[], ram: PhysicalMemory, cachedOnly: boolean): boolean | "js" {
  const pages = ram.wasm!.buffer.byteLength / 65536;
  const key = regionKey(blocks, ram, pages);
  let known = modules.get(key);
  if (known !== undefined) {
    wasmStats.reused++;
  } else {
    if (cachedOnly) return false;
    const { bytes, exits, handlerRun } = regionModule(blocks, pages);
    const insns = blocks.reduce((n, b) => n + b.insns.length - 1, 0);
    // Mostly handler calls (x87, scalar SSE arithmetic): each is a call out of
    // WebAssembly, slower than the interpreter's; a JS region inlines them.
    if (2 * handlerRun > insns) {
      known = "js";
      wasmStats.toJs++;
    } else {
      known = { mod: new WebAssembly.Module(bytes), exits };
      wasmStats.compiled++;
    }
    if (modules.size >= CAPACITY) modules.delete(modules.keys().next().value as string);
    modules.set(key, known);
  }
  if (known === "js") return "js";
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
    call(arg: number): number {
      const s = current;
      fromContext(s, w);
      const i = insns[arg & (CALL_ENDS - 1)];
      s.rip = i.va + i.len;
      guarded.call(i.h, s, i);
      if (s.pendingFault !== null) return 1;
      toContext(s, w);
      bases(s, w);
      if (arg >= CALL_ENDS) {
        // It ended the block: where to, for the region's exit.
        w[W.NxLo] = s.rip | 0;
        w[W.NxHi] = Math.floor(s.rip / 4294967296);
      }
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
  const instance = new WebAssembly.Instance(mod, { env });
  const links = exits.filter((x) => x.link >= 0).length;
  const globals = Array.from({ length: 2 * links }, (_, g) => instance.exports[`g${g}`] as WebAssembly.Global);
  const slots = Slots.of(ram);
  const code: WasmCode = {
    retire: () => slots.retire(code.slot),
    slot: 0, slots, globals,
    blocks, insns, words: w, context: ram.arena.context,
    exits: exits.map((x) => new Exit(x.nx ?? NaN, blocks[x.xj] ?? null, x.xs, x.xp === -2 ? blk.physPage : x.xp, x.link)),
  };
  code.slot = slots.add(code, instance.exports.run);
  blocks.forEach((b, j) => {
    b.wasm = code;
    b.fn = inWasm;
    b.entry = j;
  });
}
