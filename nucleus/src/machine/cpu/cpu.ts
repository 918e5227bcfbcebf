/**
 * The execution engine: `new Cpu(options).run(state, mmu, budget)` executes a
 * guest thread until a syscall, a fault, or the end of its instruction budget
 * (machine/README.md, "Traps"). Two engines share the decoded-block cache: the
 * interpreter calls each instruction's handler; the translator (translate/)
 * turns hot blocks into JS functions. Both must give identical results.
 *
 * Nothing is thrown out of run(): guest faults become Exit.Fault with the
 * vector, error code and CR2 in the state and rip at the faulting instruction;
 * an internal error (a bug) becomes Exit.Fault with vector 18 (#MC) and the
 * error kept in `lastInternalError`.
 */
import { GuestFault, Vector } from "../fault.js";
import { Block, CodeCache, blockAt, blockAtPhys, cachedSuccessor, type BlockFn } from "./blocks.js";
import type { Insn } from "./decode/insn.js";
import { formByName, forms } from "./decode/forms.js";
import { bitAddress } from "./exec/bits.js";
import { ea } from "./exec/operands.js";
import "./exec/index.js";
import type { CpuMmu } from "./mmu-surface.js";
import { Exit, Rflag, type CpuState } from "./state.js";
import { canJoin, collectRegion, translateRegion } from "./translate/translator.js";
import { enterWasm } from "./translate/wasm/run.js";
import { next } from "./translate/chain.js";
import { REUSE_AT, recipeStats, recipesFor, rememberRecipe } from "./translate/recipes.js";

/** Hotness of a block the translator failed on: it never reaches the threshold (a small integer, as V8 keeps runs). */
const NEVER = -(2 ** 30);

export type Engine = "interpreter" | "translate";

/**
 * A new region's first calls each leave after one block, through the region's exit
 * code. V8 gives a function type feedback only from about its eighth call on, and a
 * region that loops in place is optimised during its first long call (OSR) with
 * none for that exit code: such code deoptimises at every exit, and being a soft
 * deoptimisation it stays cached, so every later call loops in it and deoptimises
 * again (a counting loop did 236 times in one run).
 */
const PRIMING_CALLS = 12;

/**
 * The translation threshold for WebAssembly regions: compiling one costs about
 * a millisecond (where a JS region costs hundreds), so blocks leave the
 * interpreter much sooner (docs/BENCHMARKS.md).
 */
const WASM_THRESHOLD = 100;

function primingCall(s: CpuState, b: Block): void {
  b.entries++;
  const budget = s.budget;
  const cap = b.insns.length;
  s.budget = cap;
  try {
    (b.fn as BlockFn)(s, b.entry);
  } finally {
    s.budget = budget - (cap - s.budget);
  }
}

export interface CpuOptions {
  /** "interpreter" only, or "translate" hot blocks (default). */
  engine?: Engine;
  /**
   * Executions of a block before it is translated; 0 translates everything
   * immediately. The default is high: V8 runs new generated code in its own
   * interpreter first, slower than ours, and compiling it costs more than a few
   * thousand interpreted runs of a block save (docs/BENCHMARKS.md).
   */
  threshold?: number;
  /**
   * Compile regions to WebAssembly instead of JS (translate/wasm/) where the RAM
   * is a WebAssembly.Memory.
   */
  wasm?: boolean;
  /** vCPU count of the machine (CPUID topology) and this vCPU's index. */
  vcpus?: number;
  index?: number;
}


export class Cpu {
  readonly engine: Engine;
  readonly threshold: number;
  readonly wasm: boolean;
  readonly vcpus: number;
  readonly index: number;
  /** The last internal error reported as #MC, for diagnostics. */
  lastInternalError: unknown = null;
  /** The last error of the translator (the block stayed on the interpreter). */
  lastTranslationError: unknown = null;

  constructor(options: CpuOptions = {}) {
    this.engine = options.engine ?? "translate";
    this.wasm = options.wasm ?? true;
    this.threshold = options.threshold ?? (this.wasm ? WASM_THRESHOLD : 4000);
    this.vcpus = options.vcpus ?? 1;
    this.index = options.index ?? 0;
  }

  run(s: CpuState, mmu: CpuMmu, budget: number): Exit {
    const cache = CodeCache.for(mmu.ram);
    mmu.onCodeWrite = cache.onCodeWrite;
    s.mmu = mmu;
    s.exit = Exit.None;
    s.cpuIndex = this.index;
    s.vcpus = this.vcpus;
    s.budget = budget;
    s.bind(mmu.ram.arena);
    if (mmu.tlbAt < 0) mmu.claimTlb();
    const translate = this.engine === "translate";
    let cur: Insn | null = null;
    let prev: Block | null = null;
    try {
      while (s.budget > 0) {
        if ((s.flags & Rflag.TF) !== 0) {
          // Single-step: one instruction, then a #DB trap (rip after it).
          const b = blockAt(s, mmu, cache);
          cur = b.insns[0];
          s.rip = cur.va + cur.len;
          s.budget--;
          cur.h(s, cur);
          cur = null;
          prev = null;
          if (s.exit !== Exit.None) return s.exit;
          s.trapVector = Vector.DB;
          s.trapError = 0;
          s.trapAddr = 0;
          return Exit.Fault;
        }
        let b: Block | null = prev !== null ? cachedSuccessor(prev, s.rip, mmu) : null;
        if (b === null) {
          b = blockAt(s, mmu, cache);
          if (prev !== null) prev.follow = b;
        }
        prev = b;
        if (translate && b.fn === null) {
          const runs = ++b.runs;
          if (runs > this.threshold) this.translate(b, cache);
          else if (runs === REUSE_AT) this.reuse(b, mmu, cache);
        }
        if (b.fn !== null && b.insns.length <= s.budget) {
          // Translated blocks chain among themselves; null brings us back here.
          while (b !== null) {
            if (b.wasm !== null) {
              // It looked up its successor itself.
              b = enterWasm(s, b);
              continue;
            }
            if (b.entries < PRIMING_CALLS) primingCall(s, b);
            else (b.fn as BlockFn)(s, b.entry);
            b = next(s);
          }
          prev = null;
        } else {
          const insns = b.insns;
          const n = insns.length;
          if (n <= s.budget) {
            s.rip = b.end;
            s.budget -= n;
            for (let k = 0; k < n; k++) {
              cur = insns[k];
              cur.h(s, cur);
              if (!b.valid && k + 1 < n) {
                // The block rewrote itself: continue from fresh decoding.
                s.rip = insns[k + 1].va;
                s.budget += n - k - 1;
                break;
              }
            }
          } else {
            const stop = s.budget;
            for (let k = 0; k < stop; k++) {
              cur = insns[k];
              s.rip = cur.va + cur.len;
              s.budget--;
              cur.h(s, cur);
              if (!b.valid) break;
            }
          }
          cur = null;
        }
        if (s.exit !== Exit.None) return s.exit;
      }
      return Exit.Budget;
    } catch (e) {
      return this.fault(s, e, cur);
    } finally {
      s.unbind();
    }
  }

  /**
   * Translates a hot block with the hot blocks on its page it jumps to (a region,
   * translate/translator.ts). A translator failure (a bug) must not stop the guest:
   * the block keeps running on the interpreter and the error is kept for diagnosis.
   */
  private translate(b: Block, cache: CodeCache): void {
    try {
      const base = b.physPage - b.vpage * 4096;
      // Region members must be hot too (half the threshold): cold paths compiled into
      // the function cost V8 compile time and deoptimise it when first taken.
      const blocks = collectRegion(b, (va) => cache.lookup(base + va, va), this.threshold >> 1);
      translateRegion(blocks, false, this.wasm ? cache.ram : null);
      rememberRecipe(blocks, cache.ram.u8);
    } catch (e) {
      this.lastTranslationError = e;
      b.runs = NEVER;
    }
  }

  /**
   * A warm block that began a region before (in this or another address space)
   * takes that region now if its members are on this page and untranslated and
   * its source is compiled already (translate/recipes.ts); else it waits for the
   * threshold as any other block.
   */
  private reuse(b: Block, mmu: CpuMmu, cache: CodeCache): void {
    const known = recipesFor(b, cache.ram.u8);
    if (known.length === 0) return;
    recipeStats.tried++;
    const base = b.physPage - b.vpage * 4096;
    try {
      for (const members of known) {
        const blocks = [b];
        for (const va of members) {
          const m = blockAtPhys(mmu, cache, va, base + va);
          if (!canJoin(b, m)) break;
          blocks.push(m);
        }
        if (blocks.length === members.length + 1 && translateRegion(blocks, true, this.wasm ? cache.ram : null)) {
          recipeStats.reused++;
          return;
        }
      }
    } catch (e) {
      // A member that cannot be fetched now (unmapped, not executable): no reuse.
      if (!(e instanceof GuestFault)) this.lastTranslationError = e;
    }
  }

  private fault(s: CpuState, e: unknown, cur: Insn | null): Exit {
    if (e instanceof GuestFault) {
      // Translated code leaves the faulting instruction in faultInsn.
      const at = cur ?? s.faultInsn;
      s.faultInsn = null;
      if (at !== null) s.rip = at.va;
      s.trapVector = e.vector;
      s.trapError = e.errorCode;
      s.trapAddr = e.address;
      if (e.vector === Vector.GP && e.errorCode === 0 && at !== null && viaStackSegment(s, at)) s.trapVector = Vector.SS;
      return Exit.Fault;
    }
    this.lastInternalError = e;
    s.trapVector = Vector.MC;
    s.trapError = 0;
    s.trapAddr = 0;
    return Exit.Fault;
  }
}

const CANONICAL = 2 ** 47;

function nonCanonical(va: number): boolean {
  return va >= CANONICAL || va < -CANONICAL;
}

let stackForms: Set<number> | null = null;
let bitForms: Set<number> | null = null;

/**
 * A non-canonical address reached through SS (an rsp/rbp-based operand, or the
 * stack itself) is #SS(0), not #GP(0). The MMU only knows "non-canonical", so
 * the engine re-derives the address (state is unchanged: faults are precise).
 */
function viaStackSegment(s: CpuState, i: Insn): boolean {
  stackForms ??= new Set(forms.filter((f) => /^(PUSH|POP|CALL|RET|ENTER|LEAVE)/.test(f.mnemonics[0])).map((f) => f.id));
  bitForms ??= new Set(["BT", "BTS", "BTR", "BTC"].map((m) => formByName(`${m} Ev,Gv`)!.id));
  if (i.rm < 0 && i.asz === 8 && (i.base === 4 || i.base === 5) && i.seg === 0) {
    if (nonCanonical(bitForms.has(i.form) ? bitAddress(s, i) : ea(s, i))) return true;
  }
  if (!stackForms.has(i.form)) return false;
  const rsp = s.getNumber(4);
  return nonCanonical(rsp) || nonCanonical(rsp - 8);
}

