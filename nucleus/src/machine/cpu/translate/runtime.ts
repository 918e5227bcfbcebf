/**
 * Helpers translated code calls (the `X` object): flag evaluation, wide
 * multiplies, and the calls that can fault (guarded.ts: memory slow paths,
 * divides, interpreter handlers, the SSE slow paths).
 */
import { cf, cond } from "../flags.js";
import * as wide from "../exec/wide.js";
import { Rflag } from "../state.js";
import { writeFlagBits } from "../flags.js";
import type { CpuState } from "../state.js";
import { R, guarded } from "./guarded.js";

/** 64x64 -> 128 multiply into R (low..high words). */
function mul64(al: number, ah: number, bl: number, bh: number, signed: boolean): void {
  if (signed) wide.mulS64(al, ah, bl, bh); else wide.mulU64(al, ah, bl, bh);
  R[0] = wide.w0; R[1] = wide.w1; R[2] = wide.w2; R[3] = wide.w3;
}

/** Rotates change only CF and OF (OF only for a count of 1). */
function rotFlags(s: CpuState, c: number, o: number, one: boolean): void {
  if (one) writeFlagBits(s, Rflag.CF | Rflag.OF, c | (o << 11));
  else writeFlagBits(s, Rflag.CF, c);
}

export const runtime = {
  cf,
  cond,
  mulHiS32: wide.mulHiS32,
  mulHiU32: wide.mulHiU32,
  mul64,
  rotFlags,
  R,
  ...guarded,
};

export type Runtime = typeof runtime;
