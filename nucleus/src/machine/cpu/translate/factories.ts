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

export type RegionFactory = (blk: Block, BL: Block[], I: Insn[], H: Insn["h"][], X: Runtime, P: number) => BlockFn;

/** Distinct region sources kept (the oldest is forgotten first). */
const CAPACITY = 2048;
const factories = new Map<string, RegionFactory>();

/** Factory statistics: sources compiled and reused. */
export const factoryStats = { made: 0, reused: 0 };

/** The factory for a region function `name(s, pc) { body }`, made once per distinct text. */
export function regionFactory(name: string, body: string): RegionFactory {
  const key = `${name}\n${body}`;
  let f = factories.get(key);
  if (f !== undefined) {
    factoryStats.reused++;
    return f;
  }
  f = new Function("blk", "BL", "I", "H", "X", "P", `return function ${name}(s, pc) {\n${body}\n};`) as RegionFactory;
  // A first closure that is never called: V8 specialises the optimised code of the
  // only closure of a feedback cell to that closure's context, and would compile
  // the next one again; with two, the cell's code is context-independent and shared.
  f(null as unknown as Block, [], [], [], null as unknown as Runtime, -1);
  factoryStats.made++;
  if (factories.size >= CAPACITY) factories.delete(factories.keys().next().value as string);
  factories.set(key, f);
  return f;
}
