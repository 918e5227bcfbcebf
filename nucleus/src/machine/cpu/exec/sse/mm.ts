/**
 * The MMX registers, which are not registers of their own: mm0-mm7 are the
 * significands (low 64 bits) of the x87 physical registers R0-R7 (SDM vol. 1,
 * 9.5). Every MMX instruction except EMMS
 *   - first raises #MF if an unmasked x87 exception is pending, changing nothing;
 *   - then runs, and when it completes, sets TOP to 0 and tags every register
 *     valid (the x87 -> MMX transition);
 * and writing an mm register sets that register's sign/exponent word to all
 * ones, so x87 code that reads it sees a NaN. EMMS tags every register empty.
 *
 * REX.R and REX.B do not extend mm register numbers (there are eight), so
 * handlers take `reg & 7` / `rm & 7` for mm operands.
 *
 * MMX lanes are computed by the SSE lane bodies on the scratch blocks of
 * xmm.ts with 8 bytes instead of 16 (see lanes.ts).
 */
import { raise, Vector } from "../../../fault.js";
import type { Handler, Insn } from "../../decode/insn.js";
import type { CpuState } from "../../state.js";
import { ea } from "../operands.js";
import { Blk, Mem, W32 } from "./xmm.js";

/** Bytes in an mm register: the lane count of the SSE bodies run on MMX operands. */
export const MM_BYTES = 8;

/** The check every MMX instruction but EMMS starts with: a pending unmasked x87 exception is #MF here. */
export function mmxCheck(s: CpuState): void {
  if (s.fpu.pendingFault) raise(Vector.MF);
}

/** The x87 -> MMX transition: TOP = 0, every register tagged valid. */
export function enterMmx(s: CpuState): void {
  const f = s.fpu;
  f.top = 0;
  f.emptyMask = 0;
}

/**
 * Wraps an MMX handler whose faults (memory operands) come before its result:
 * the check first, the transition once the handler has completed, so a fault
 * leaves TOP and the tags as they were (as on the host).
 */
export function mmx(h: Handler): Handler {
  return (s, i) => {
    mmxCheck(s);
    h(s, i);
    enterMmx(s);
  };
}

/**
 * mmx() for the instructions that store an mm register to memory. The host
 * resets TOP before the store and tags the registers valid after it, so a store
 * that faults leaves TOP = 0 with the tags unchanged.
 */
export function mmxStore(h: Handler): Handler {
  return (s, i) => {
    mmxCheck(s);
    s.fpu.top = 0;
    h(s, i);
    s.fpu.emptyMask = 0;
  };
}

/** Copies mm register r into the scratch block at byte offset `at`. */
export function loadMm(s: CpuState, r: number, at: number): void {
  const v = s.fpu.regs[r];
  const w = at >> 2;
  W32[w] = v.lo;
  W32[w + 1] = v.hi;
}

/** Writes mm register r from halves (int32 or uint32); its sign/exponent word becomes all ones. */
export function setMm(s: CpuState, r: number, lo: number, hi: number): void {
  const v = s.fpu.regs[r];
  v.se = 0xffff;
  // F80 keeps the significand halves as uint32 (float80.ts).
  v.hi = hi >>> 0;
  v.lo = lo >>> 0;
}

/** Writes mm register r from the scratch block at `at`. */
export function storeMm(s: CpuState, r: number, at: number): void {
  const w = at >> 2;
  setMm(s, r, W32[w], W32[w + 1]);
}

/**
 * Loads an MMX source operand (an mm register, or m64; Mem.D reads m32, as the
 * PUNPCKL* forms do) into the low 8 bytes of block B.
 */
export function loadMmSrc(s: CpuState, i: Insn, mem: number): void {
  if (i.rm >= 0) {
    loadMm(s, i.rm & 7, Blk.B);
  } else if (mem === Mem.D) {
    W32[4] = s.mmu.read32(ea(s, i));
    W32[5] = 0;
  } else {
    W32[4] = s.mmu.read64(ea(s, i));
    W32[5] = s.mmu.hi64;
  }
}
