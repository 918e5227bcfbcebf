/**
 * Helpers translated code calls (the `X` object): flag evaluation, write
 * probes, wide multiplies, block chaining and the SSE slow paths.
 */
import { GuestFault, Vector, raise } from "../../fault.js";
import { Block, CodeCache, blockAt } from "../blocks.js";
import { cf, cond } from "../flags.js";
import { probeWrite } from "../exec/operands.js";
import { mulHiS32 } from "../exec/wide.js";
import type { CpuState } from "../state.js";
import { sseRuntime } from "./sse-runtime.js";

/**
 * Links exit `slot` of `from` to the translated block at s.rip and returns it if
 * it may run now (enough budget); null sends execution back to the dispatcher,
 * which also handles untranslated blocks and fetch faults.
 */
function chain(s: CpuState, from: Block, slot: number): Block | null {
  let b: Block;
  try {
    b = blockAt(s, s.mmu, CodeCache.for(s.mmu.ram));
  } catch (e) {
    if (e instanceof GuestFault) return null;
    throw e;
  }
  if (b.fn === null || b.phys2 >= 0) return null;
  if (slot === 0) from.next0 = b; else from.next1 = b;
  return s.budget >= b.insns.length ? b : null;
}

export const runtime = {
  gp: (): never => raise(Vector.GP, 0),
  cf,
  cond,
  probe: probeWrite,
  mulHiS32,
  chain,
  ...sseRuntime,
};

export type Runtime = typeof runtime;
