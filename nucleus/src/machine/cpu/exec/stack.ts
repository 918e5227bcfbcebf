/**
 * The stack: push/pop of 16- and 64-bit values on rsp. Writes land before rsp
 * changes, so a faulting push leaves rsp as it was.
 */
import type { CpuState } from "../state.js";
import { TWO32 } from "./operands.js";

const RSP = 4;

export function rsp(s: CpuState): number {
  return s.hi[RSP] * TWO32 + (s.lo[RSP] >>> 0);
}

/** rsp += delta (delta small, either sign). */
export function addRsp(s: CpuState, delta: number): void {
  const t = (s.lo[RSP] >>> 0) + delta;
  s.lo[RSP] = t | 0;
  if (t > 0xffffffff) s.hi[RSP] = (s.hi[RSP] + 1) | 0;
  else if (t < 0) s.hi[RSP] = (s.hi[RSP] - 1) | 0;
}

export function push64(s: CpuState, lo: number, hi: number): void {
  s.mmu.write64(rsp(s) - 8, lo, hi);
  addRsp(s, -8);
}

export function push16(s: CpuState, v: number): void {
  s.mmu.write16(rsp(s) - 2, v);
  addRsp(s, -2);
}

/** A code address (a JS number) pushed as a 64-bit value. */
export function pushAddress(s: CpuState, va: number): void {
  push64(s, va | 0, Math.floor(va / TWO32) | 0);
}

/** High half of the last pop64. */
export let popHi = 0;

export function pop64(s: CpuState): number {
  const m = s.mmu;
  const lo = m.read64(rsp(s));
  popHi = m.hi64;
  addRsp(s, 8);
  return lo;
}

export function pop16(s: CpuState): number {
  const v = s.mmu.read16(rsp(s));
  addRsp(s, 2);
  return v;
}
