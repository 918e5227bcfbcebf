/**
 * The SIMD floating-point environment of one instruction: MXCSR's rounding
 * control, DAZ, FTZ and exception masks, and the exception flags the lanes
 * raise, committed (or turned into #XM) when the instruction ends.
 *
 * SDM vol. 1, 11.5.2 (checked against the host CPU): exceptions detected before
 * computing (IE, DE, ZE: "pre") and after (OE, UE, PE: "post") are collected
 * over all lanes. If any pre exception is unmasked, only the pre flags are set
 * and #XM is raised; otherwise, if any exception is unmasked, all flags are set
 * and #XM is raised; either way the destination is not written. With every
 * exception masked the flags are ORed into MXCSR and the result is written.
 * A lane whose overflow (underflow) is unmasked reports OE (UE) alone, without
 * the PE a masked overflow (inexact underflow) adds.
 */
import { raise, Vector } from "../../../fault.js";
import type { CpuState } from "../../state.js";

export const enum Mx {
  IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32,
  DAZ = 0x40, FTZ = 0x8000, MaskShift = 7, RcShift = 13,
}

export const enum Rc { Nearest = 0, Down = 1, Up = 2, Zero = 3 }

/** The environment of the executing instruction (one per thread of execution: instructions do not nest). */
export const env = {
  /** Rounding control (Rc). */
  rc: 0,
  daz: false,
  ftz: false,
  /** Exception bits (IE..PE) whose mask bit is clear. */
  unmasked: 0,
  /** Exception flags raised so far by this instruction. */
  pre: 0,
  post: 0,
};

/** Loads MXCSR's controls and clears the instruction's flags. */
export function begin(s: CpuState): void {
  const m = s.mxcsr;
  env.rc = (m >> Mx.RcShift) & 3;
  env.daz = (m & Mx.DAZ) !== 0;
  env.ftz = (m & Mx.FTZ) !== 0;
  env.unmasked = ~(m >> Mx.MaskShift) & 0x3f;
  env.pre = 0;
  env.post = 0;
}

/** Commits the flags; raises #XM (leaving the destination unwritten) for an unmasked exception. */
export function finish(s: CpuState): void {
  const pre = env.pre;
  if ((pre & env.unmasked) !== 0) {
    s.mxcsr |= pre;
    raise(Vector.XM);
  }
  const all = pre | env.post;
  s.mxcsr |= all;
  if ((all & env.unmasked) !== 0) raise(Vector.XM);
}
