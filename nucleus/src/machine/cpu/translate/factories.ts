/**
 * Compiled region factories, shared by every translation of the same code. A
 * region's source depends only on the guest code and its virtual addresses (the
 * blocks, instructions and frame base are the factory's parameters), so the same
 * program run again, or another process running the same binary, produces the
 * same source. Reusing the factory makes its functions share one V8 feedback
 * cell, and with it the optimised code: V8 compiling the generated JS is the
 * translator's main cost (docs/BENCHMARKS.md), and a new `new Function` with the
 * same text would be compiled again.
 */
import type { Block, BlockFn } from "../blocks.js";
import type { Insn } from "../decode/insn.js";
import type { Runtime } from "./runtime.js";

type RegionFactory = (blk: Block, BL: Block[], I: Insn[], H: Insn["h"][], X: Runtime, P: number) => BlockFn;

/**
 * A factory and the last function it made. V8 holds a feedback cell's optimised
 * code weakly: once every function using it is garbage (the address space that
 * translated it is gone) a collection drops it, and the next run would compile
 * the region again. Keeping the last function keeps the code.
 */
interface Entry {
  make: RegionFactory;
  last: BlockFn | null;
}

/** Distinct region sources kept (the oldest is forgotten first). */
const CAPACITY = 2048;
const factories = new Map<string, Entry>();

/** Factory statistics: sources compiled and reused. */
export const factoryStats = { made: 0, reused: 0 };

/**
 * The region function `name(s, pc) { body }` over the region's blocks (blk: the
 * first, BL: all), instructions (I), their handlers (H), the runtime (X) and
 * frame base (P), from the factory made once per distinct text. With
 * `compiledOnly`, null unless that factory exists already.
 */
export function regionFunction(name: string, body: string, blk: Block, BL: Block[], I: Insn[], H: Insn["h"][], X: Runtime, P: number, compiledOnly = false): BlockFn | null {
  const key = `${name}\n${body}`;
  let e = factories.get(key);
  if (e !== undefined) {
    factoryStats.reused++;
  } else if (compiledOnly) {
    return null;
  } else {
    const make = new Function("blk", "BL", "I", "H", "X", "P", `return function ${name}(s, pc) {\n${body}\n};`) as RegionFactory;
    // A first function that is never called: V8 specialises the optimised code of the
    // only function of a feedback cell to that function's context, and would compile
    // the next one again; with two, the cell's code is context-independent and shared.
    make(blk, [], [], [], X, -1);
    factoryStats.made++;
    if (factories.size >= CAPACITY) factories.delete(factories.keys().next().value as string);
    e = { make, last: null };
    factories.set(key, e);
  }
  e.last = e.make(blk, BL, I, H, X, P);
  return e.last;
}
