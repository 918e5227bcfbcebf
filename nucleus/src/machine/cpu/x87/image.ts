/**
 * The memory images of the x87 state: FNSTENV/FLDENV (28 bytes, the 32-bit
 * protected-mode layout 64-bit mode uses; 14 bytes in the 16-bit layout an
 * operand-size prefix selects), FNSAVE/FRSTOR (108 or 94 bytes) and
 * FXSAVE/FXRSTOR (512 bytes, 32- or 64-bit pointer layout). Reserved words are
 * written as the host writes them (0xffff in the environment, zero padding in
 * the FXSAVE register slots; bytes 416..511 of the FXSAVE area are untouched).
 */
import type { Fpu } from './fpu.js';

/** MXCSR_MASK reported by FXSAVE: every MXCSR bit including DAZ is supported. */
export const MXCSR_MASK = 0xffff;

export const ENV_SIZE = 28;
export const SAVE_SIZE = 108;
/** The 16-bit protected-mode layouts (SDM vol. 1, figure 8-10). */
export const ENV16_SIZE = 14;
export const SAVE16_SIZE = 94;
export const FXSAVE_SIZE = 512;
/** FXSAVE writes bytes [0, FXSAVE_WRITTEN); the rest of the 512-byte area keeps its contents. */
export const FXSAVE_WRITTEN = 416;

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

function get16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

function get32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** A register as its 10-byte memory image. */
function putReg(f: Fpu, st: number, b: Uint8Array, o: number): void {
  const v = f.st(st);
  put32(b, o, v.lo);
  put32(b, o + 4, v.hi);
  put16(b, o + 8, v.se);
}

function getReg(f: Fpu, st: number, b: Uint8Array, o: number): void {
  f.st(st).set(get16(b, o + 8), get32(b, o + 4), get32(b, o));
}

/** The environment: the 32-bit layout, or with `small` the 16-bit one (16-bit pointer offsets, no FOP). */
export function storeEnv(f: Fpu, b: Uint8Array, o: number, small: boolean): void {
  if (small) {
    put16(b, o, f.cw);
    put16(b, o + 2, f.statusWord());
    put16(b, o + 4, f.tagWord());
    put16(b, o + 6, f.fip);
    put16(b, o + 8, f.fcs);
    put16(b, o + 10, f.fdp);
    put16(b, o + 12, f.fds);
    return;
  }
  put32(b, o, 0xffff0000 | f.cw);
  put32(b, o + 4, 0xffff0000 | f.statusWord());
  put32(b, o + 8, 0xffff0000 | f.tagWord());
  put32(b, o + 12, f.fip);
  put32(b, o + 16, (f.fcs & 0xffff) | ((f.fop & 0x7ff) << 16));
  put32(b, o + 20, f.fdp);
  put32(b, o + 24, 0xffff0000 | f.fds);
}

export function loadEnv(f: Fpu, b: Uint8Array, o: number, small: boolean): void {
  if (small) {
    f.fldcw(get16(b, o));
    f.setStatusWord(get16(b, o + 2));
    f.setTagWord(get16(b, o + 4));
    f.fip = get16(b, o + 6);
    f.fcs = get16(b, o + 8);
    f.fdp = get16(b, o + 10);
    f.fds = get16(b, o + 12);
    return;
  }
  f.fldcw(get16(b, o));
  f.setStatusWord(get16(b, o + 4));
  f.setTagWord(get16(b, o + 8));
  f.fip = get32(b, o + 12);
  f.fcs = get16(b, o + 16);
  f.fop = get16(b, o + 18) & 0x7ff;
  f.fdp = get32(b, o + 20);
  f.fds = get16(b, o + 24);
}

/** The FNSAVE image: the environment then ST(0)..ST(7). */
export function storeState(f: Fpu, b: Uint8Array, o: number, small: boolean): void {
  storeEnv(f, b, o, small);
  const regs = o + (small ? ENV16_SIZE : ENV_SIZE);
  for (let i = 0; i < 8; i++) putReg(f, i, b, regs + 10 * i);
}

export function loadState(f: Fpu, b: Uint8Array, o: number, small: boolean): void {
  loadEnv(f, b, o, small);
  const regs = o + (small ? ENV16_SIZE : ENV_SIZE);
  for (let i = 0; i < 8; i++) getReg(f, i, b, regs + 10 * i);
}

/**
 * FXSAVE (rexW: FXSAVE64, with 64-bit FIP/FDP). `xmm` holds the XMM registers
 * (16 bytes each, as many as the caller has, up to 16); mxcsr is the caller's.
 */
export function fxsave(f: Fpu, b: Uint8Array, o: number, xmm: Uint8Array, mxcsr: number, rexW: boolean): void {
  put16(b, o, f.cw);
  put16(b, o + 2, f.statusWord());
  b[o + 4] = ~f.emptyMask & 0xff;
  b[o + 5] = 0;
  put16(b, o + 6, f.fop & 0x7ff);
  if (rexW) {
    put32(b, o + 8, f.fip);
    put32(b, o + 12, Math.floor(f.fip / 4294967296));
    put32(b, o + 16, f.fdp);
    put32(b, o + 20, Math.floor(f.fdp / 4294967296));
  } else {
    put32(b, o + 8, f.fip);
    put32(b, o + 12, f.fcs & 0xffff);
    put32(b, o + 16, f.fdp);
    put32(b, o + 20, f.fds & 0xffff);
  }
  put32(b, o + 24, mxcsr);
  put32(b, o + 28, MXCSR_MASK);
  for (let i = 0; i < 8; i++) {
    const p = o + 32 + 16 * i;
    putReg(f, i, b, p);
    b.fill(0, p + 10, p + 16);
  }
  const n = Math.min(xmm.length, 256);
  b.set(xmm.subarray(0, n), o + 160);
  b.fill(0, o + 160 + n, o + FXSAVE_WRITTEN);
}

/**
 * FXRSTOR: loads the x87 state, copies the XMM registers into `xmm` (as many as
 * it holds) and returns the MXCSR image. The caller must first raise #GP when
 * that MXCSR has bits outside MXCSR_MASK, since the instruction then changes nothing.
 */
export function fxrstor(f: Fpu, b: Uint8Array, o: number, xmm: Uint8Array, rexW: boolean): number {
  f.fldcw(get16(b, o));
  f.setStatusWord(get16(b, o + 2));
  f.emptyMask = ~b[o + 4] & 0xff;
  f.fop = get16(b, o + 6) & 0x7ff;
  if (rexW) {
    f.fip = get32(b, o + 8) + get32(b, o + 12) * 4294967296;
    f.fdp = get32(b, o + 16) + get32(b, o + 20) * 4294967296;
    f.fcs = 0;
    f.fds = 0;
  } else {
    f.fip = get32(b, o + 8);
    f.fcs = get16(b, o + 12);
    f.fdp = get32(b, o + 16);
    f.fds = get16(b, o + 20);
  }
  for (let i = 0; i < 8; i++) getReg(f, i, b, o + 32 + 16 * i);
  const n = Math.min(xmm.length, 256);
  xmm.set(b.subarray(o + 160, o + 160 + n));
  return get32(b, o + 24);
}
