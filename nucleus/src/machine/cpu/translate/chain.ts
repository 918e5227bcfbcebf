/**
 * Chaining between translated regions. A region's exit only records how it left
 * (CpuState exitFrom/exitSlot/exitPhys, rip, budget) and returns; the dispatcher
 * (cpu.ts) calls `next` to find the translated block to run next. Keeping this
 * out of the generated functions matters: V8 would inline it (and what it calls)
 * into every region, and compiling regions is the translator's main cost
 * (docs/BENCHMARKS.md).
 */
import { GuestFault } from "../../fault.js";
import { Block, CodeCache, blockAt } from "../blocks.js";
import type { CpuState } from "../state.js";

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

/**
 * The translated block to run after a region left: slot -1 returns to the
 * dispatcher (null), else exit `slot` of the block it left continues in its
 * cached translated successor when that is still valid, mapped at rip (on frame
 * base exitPhys, or per the exec TLB when that is -1) and fits the budget left,
 * else in whatever chain() finds.
 */
export function next(s: CpuState): Block | null {
  const slot = s.exitSlot;
  if (slot < 0) return null;
  const from = s.exitFrom as Block;
  const rip = s.rip, B = s.budget, phys = s.exitPhys;
  const nb = slot === 0 ? from.next0 : from.next1;
  if (nb !== null && runnableAt(s, nb, rip, B, phys)) return nb;
  if (phys >= 0) return chain(s, from, slot);
  const targets = from.targets;
  const h = targetHash(rip);
  if (targets !== null) {
    const t = targets[h];
    if (t !== null && runnableAt(s, t, rip, B, -1)) return t;
  }
  const b = chain(s, from, slot);
  if (b !== null) (targets ?? (from.targets = new Array<Block | null>(TARGETS).fill(null)))[h] = b;
  return b;
}

/** Entries of a computed exit's target table (a power of two). */
const TARGETS = 32;

function targetHash(rip: number): number {
  return (rip ^ (rip >>> 5)) & (TARGETS - 1);
}

/**
 * A cached translated block may run at rip now: still valid, enough budget, and
 * its page still on its frame (`phys`, known to the exit, or per the exec TLB when -1).
 */
function runnableAt(s: CpuState, b: Block, rip: number, B: number, phys: number): boolean {
  if (b.va !== rip || !b.valid || b.fn === null || B < b.insns.length) return false;
  if (phys >= 0) return b.physPage === phys;
  const p = Math.floor(rip * (1 / 4096));
  const m = s.mmu;
  return p >= 0 && m.tlbExecTag[p & 1023] === p && m.tlbExecBase[p & 1023] === b.physPage;
}
