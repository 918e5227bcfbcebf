/**
 * Helpers translated code calls (the `X` object): flag evaluation, write
 * probes, wide multiplies, block chaining and the SSE slow paths.
 */
import { GuestFault, Vector, raise } from "../../fault.js";
import { Block, CodeCache, blockAt } from "../blocks.js";
import { cf, cond } from "../flags.js";
import { probeWrite } from "../exec/operands.js";
import * as wide from "../exec/wide.js";
import * as muldiv from "../exec/muldiv.js";
import { Rflag } from "../state.js";
import { writeFlagBits } from "../flags.js";
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

/**
 * A region's exit (translator.ts, EPILOGUE): sets rip to `rip`; slot -1 returns
 * to the dispatcher, else exit `slot` of `from` continues in its cached
 * translated successor when that is still valid, mapped there (on frame base
 * `phys`, or per the exec TLB when phys is -1) and fits the budget left (B),
 * else in whatever chain() finds.
 */
function leave(s: CpuState, from: Block, slot: number, rip: number, phys: number, B: number): Block | null {
  s.rip = rip;
  s.budget = B;
  if (slot < 0) return null;
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

/** Results of the wide helpers, read back by translated code as R[0..3]. */
const R = new Int32Array(4);

/** 64x64 -> 128 multiply into R (low..high words). */
function mul64(al: number, ah: number, bl: number, bh: number, signed: boolean): void {
  if (signed) wide.mulS64(al, ah, bl, bh); else wide.mulU64(al, ah, bl, bh);
  R[0] = wide.w0; R[1] = wide.w1; R[2] = wide.w2; R[3] = wide.w3;
}

/** (n3:n2:n1:n0) / (d1:d0): quotient into R[0..1], remainder into R[2..3]; #DE if it does not fit. */
function div(n0: number, n1: number, n2: number, n3: number, d0: number, d1: number, signed: boolean, bits: number): void {
  if ((d0 | d1) === 0 || !muldiv.divide(n0, n1, n2, n3, d0, d1, signed, bits)) raise(Vector.DE);
  R[0] = muldiv.q0; R[1] = muldiv.q1; R[2] = muldiv.r0; R[3] = muldiv.r1;
}

/** Rotates change only CF and OF (OF only for a count of 1). */
function rotFlags(s: CpuState, c: number, o: number, one: boolean): void {
  if (one) writeFlagBits(s, Rflag.CF | Rflag.OF, c | (o << 11));
  else writeFlagBits(s, Rflag.CF, c);
}

export const runtime = {
  gp: (): never => raise(Vector.GP, 0),
  cf,
  cond,
  probe: probeWrite,
  mulHiS32: wide.mulHiS32,
  mulHiU32: wide.mulHiU32,
  mul64,
  div,
  rotFlags,
  R,
  leave,
  ...sseRuntime,
};

export type Runtime = typeof runtime;
