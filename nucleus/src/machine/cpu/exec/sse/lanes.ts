/**
 * Registration helpers for the common handler shapes, so each instruction is one
 * line of lane arithmetic. Lane bodies work on the scratch blocks of xmm.ts: the
 * destination in A (index 0 of every view), the source in B.
 *
 * A body takes the operand width in bytes, 16 for xmm or 8 for mm, and loops
 * over that many bytes' worth of lanes. An integer instruction that the tables
 * declare in both forms (mmx2() in table-sse.ts: `X Vx,Wx` with 66, `X Pq,Qq`
 * without) is registered once here and gets both handlers from the same body.
 */
import type { Handler, Insn } from "../../decode/insn.js";
import { formByName } from "../../decode/forms.js";
import type { CpuState } from "../../state.js";
import { register } from "../registry.js";
import { MM_BYTES, loadMm, loadMmSrc, mmx, storeMm } from "./mm.js";
import { Blk, Mem, loadAB, storeReg } from "./xmm.js";

/** A lane body: `bytes` is 16 (xmm) or 8 (mm); `imm` the instruction's imm8 (for the forms that have one). */
export type Body = (bytes: number, imm: number) => void;

/** The MMX form of an xmm integer form key (`X Vx,Wx[,Ib]` -> `X Pq,Qq[,Ib]`), when the tables have one. */
function mmxTwin(key: string): string | undefined {
  const twin = key.replace(" Vx,Wx", " Pq,Qq");
  return twin !== key && formByName(twin) ? twin : undefined;
}

/**
 * Registers `key` (xmm operands, source memory read as `mem`) and its MMX twin
 * (source m64, or m32 for `mmxMem` = Mem.D); the result is block `at`.
 */
function registerBoth(key: string, body: Body, at: number, mem: number, mmxMem: number): void {
  register(key, (s: CpuState, i: Insn) => {
    loadAB(s, i, mem);
    body(16, i.imm & 0xff);
    storeReg(s, i.reg, at);
  });
  const twin = mmxTwin(key);
  if (twin === undefined) return;
  const h: Handler = (s, i) => {
    loadMm(s, i.reg & 7, Blk.A);
    loadMmSrc(s, i, mmxMem);
    body(MM_BYTES, i.imm & 0xff);
    storeMm(s, i.reg & 7, at);
  };
  register(twin, mmx(h));
}

/** `dest = f(dest, src)` computed in place in A, then written back. */
export function binary(key: string, body: Body, mem: number = Mem.Aligned): void {
  registerBoth(key, body, Blk.A, mem, Mem.Q);
}

/** `dest = f(dest, src)` computed into R (for bodies that read A after writing), then written back. */
export function binaryToR(key: string, body: Body, mem: number = Mem.Aligned, mmxMem: number = Mem.Q): void {
  registerBoth(key, body, Blk.R, mem, mmxMem);
}

/** Like binaryToR with the instruction's imm8. */
export function binaryImm(key: string, body: Body, mem: number = Mem.Aligned): void {
  registerBoth(key, body, Blk.R, mem, Mem.Q);
}

export function sat8s(v: number): number {
  return v > 127 ? 127 : v < -128 ? -128 : v;
}

export function sat8u(v: number): number {
  return v > 255 ? 255 : v < 0 ? 0 : v;
}

export function sat16s(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

export function sat16u(v: number): number {
  return v > 65535 ? 65535 : v < 0 ? 0 : v;
}
