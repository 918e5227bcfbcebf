/**
 * Helpers translated code calls (the `X` object): flag evaluation, write
 * probes, wide multiplies and the SSE slow paths.
 */
import { Vector, raise } from "../../fault.js";
import { cf, cond } from "../flags.js";
import { probeWrite } from "../exec/operands.js";
import * as wide from "../exec/wide.js";
import * as muldiv from "../exec/muldiv.js";
import { Rflag } from "../state.js";
import { writeFlagBits } from "../flags.js";
import type { CpuState } from "../state.js";
import { sseRuntime } from "./sse-runtime.js";

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
  ...sseRuntime,
};

export type Runtime = typeof runtime;
