/**
 * Registration helpers for the common handler shapes, so each instruction is one
 * line of lane arithmetic. Lane bodies work on the scratch blocks of xmm.ts: the
 * destination in A (index 0 of every view), the source in B.
 */
import type { Insn } from "../../decode/insn.js";
import type { CpuState } from "../../state.js";
import { register } from "../registry.js";
import { Blk, Mem, loadAB, storeReg } from "./xmm.js";

export type Body = () => void;
export type ImmBody = (imm: number) => void;

/** `dest = f(dest, src)` computed in place in A, then written back. */
export function binary(key: string, body: Body, mem: number = Mem.Aligned): void {
  register(key, (s: CpuState, i: Insn) => {
    loadAB(s, i, mem);
    body();
    storeReg(s, i.reg, Blk.A);
  });
}

/** `dest = f(dest, src)` computed into R (for bodies that read A after writing), then written back. */
export function binaryToR(key: string, body: Body, mem: number = Mem.Aligned): void {
  register(key, (s: CpuState, i: Insn) => {
    loadAB(s, i, mem);
    body();
    storeReg(s, i.reg, Blk.R);
  });
}

/** Like binaryToR with the instruction's imm8. */
export function binaryImm(key: string, body: ImmBody, mem: number = Mem.Aligned): void {
  register(key, (s: CpuState, i: Insn) => {
    loadAB(s, i, mem);
    body(i.imm & 0xff);
    storeReg(s, i.reg, Blk.R);
  });
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
