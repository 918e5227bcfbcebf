/**
 * The calls translated code makes that can fault, made not to throw: a fault (or
 * an internal error) is caught here and left in `s.pendingFault`, and the caller
 * leaves the region through its fault path (FAULT_CHECK in gen.ts), which stores
 * the registers and flags the region keeps in locals and throws it on. A region
 * therefore needs no try/catch of its own: V8's optimising compiler would join
 * every register local at every call into the handler, which made regions much
 * more expensive to compile (docs/BENCHMARKS.md).
 */
import { Vector, guestFault } from "../../fault.js";
import { probeWrite } from "../exec/operands.js";
import * as muldiv from "../exec/muldiv.js";
import type { Insn } from "../decode/insn.js";
import type { CpuState } from "../state.js";
import { sseRuntime } from "./sse-runtime.js";

/** Results of the wide helpers, read back by translated code as R[0..3]. */
export const R = new Int32Array(4);

/** Reads `size` bytes at va (rmw: checked for writing first); 8 leaves the high half in mmu.hi64. */
function read(s: CpuState, va: number, size: number, rmw: boolean): number {
  try {
    if (rmw) probeWrite(s, va, size);
    const m = s.mmu;
    return size === 1 ? m.read8(va) : size === 2 ? m.read16(va) : size === 4 ? m.read32(va) : m.read64(va);
  } catch (e) {
    s.pendingFault = e;
    return 0;
  }
}

function write(s: CpuState, va: number, size: number, v: number, vh: number): void {
  try {
    const m = s.mmu;
    if (size === 1) m.write8(va, v);
    else if (size === 2) m.write16(va, v);
    else if (size === 4) m.write32(va, v);
    else m.write64(va, v, vh);
  } catch (e) {
    s.pendingFault = e;
  }
}

/** Runs an instruction's interpreter handler. */
function call(h: Insn["h"], s: CpuState, i: Insn): void {
  try {
    h(s, i);
  } catch (e) {
    s.pendingFault = e;
  }
}

/** #GP(0) (a return to a non-canonical address). */
function gp(s: CpuState): void {
  s.pendingFault = guestFault.set(Vector.GP, 0, 0);
}

/** (n3:n2:n1:n0) / (d1:d0): quotient into R[0..1], remainder into R[2..3]; #DE if it does not fit. */
function div(s: CpuState, n0: number, n1: number, n2: number, n3: number, d0: number, d1: number, signed: boolean, bits: number): void {
  if ((d0 | d1) === 0 || !muldiv.divide(n0, n1, n2, n3, d0, d1, signed, bits)) {
    s.pendingFault = guestFault.set(Vector.DE, 0, 0);
    return;
  }
  R[0] = muldiv.q0; R[1] = muldiv.q1; R[2] = muldiv.r0; R[3] = muldiv.r1;
}

function ld16(s: CpuState, va: number, aligned: boolean): void {
  try {
    sseRuntime.ld16(s, va, aligned);
  } catch (e) {
    s.pendingFault = e;
  }
}

function ldx(s: CpuState, va: number, aligned: boolean, r: number): void {
  try {
    sseRuntime.ldx(s, va, aligned, r);
  } catch (e) {
    s.pendingFault = e;
  }
}

function stx(s: CpuState, va: number, aligned: boolean, r: number): void {
  try {
    sseRuntime.stx(s, va, aligned, r);
  } catch (e) {
    s.pendingFault = e;
  }
}

export const guarded = { read, write, call, gp, div, ld16, ldx, stx, w32: sseRuntime.w32 };
