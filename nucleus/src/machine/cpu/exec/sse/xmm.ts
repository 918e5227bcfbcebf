/**
 * XMM operand plumbing shared by every SSE handler: one 64-byte scratch area with
 * views of every lane type, and the moves between it and the registers/memory.
 *
 * A handler copies its destination register into lane block A, its source (an xmm
 * register or a memory operand) into block B, computes into A or R, and copies
 * the result back. Copying 16 bytes is cheaper than keeping per-state views of
 * every lane width, and it makes aliasing (dest == src) and precise faults free:
 * nothing is written until the whole result exists.
 *
 * Offsets are in units of each view: A is lanes [0, 16 bytes), B the next 16 bytes,
 * R the next, T the last (a temporary).
 */
import { raise, Vector } from "../../../fault.js";
import type { Insn } from "../../decode/insn.js";
import { Access } from "../../mmu-surface.js";
import type { CpuState } from "../../state.js";
import { ea, probeWrite } from "../operands.js";

const buffer = new ArrayBuffer(64);
export const W8 = new Uint8Array(buffer);
export const WS8 = new Int8Array(buffer);
export const W16 = new Uint16Array(buffer);
export const WS16 = new Int16Array(buffer);
export const W32 = new Int32Array(buffer);
export const WU32 = new Uint32Array(buffer);
export const WF32 = new Float32Array(buffer);
export const WF64 = new Float64Array(buffer);

/** Byte offsets of the lane blocks (divide by the lane size for other views). */
export const enum Blk { A = 0, B = 16, R = 32, T = 48 }

/** How a memory source operand is read. */
export const enum Mem {
  /** 16 bytes, #GP(0) unless 16-byte aligned (legacy SSE m128). */
  Aligned = 0,
  /** 16 bytes, any alignment (movups, movdqu, lddqu, pcmpXstrX). */
  Unaligned = 1,
  /** 8, 4 or 2 bytes into the low lanes of B (the rest of B is zeroed). */
  Q = 2,
  D = 3,
  W = 4,
}

/** Copies xmm register r into block `at` (a byte offset). */
export function loadReg(s: CpuState, r: number, at: number): void {
  const x = s.xmm32, o = r << 2, w = at >> 2;
  W32[w] = x[o]; W32[w + 1] = x[o + 1]; W32[w + 2] = x[o + 2]; W32[w + 3] = x[o + 3];
}

/** Copies block `at` into xmm register r. */
export function storeReg(s: CpuState, r: number, at: number): void {
  const x = s.xmm32, o = r << 2, w = at >> 2;
  x[o] = W32[w]; x[o + 1] = W32[w + 1]; x[o + 2] = W32[w + 2]; x[o + 3] = W32[w + 3];
}

/** #GP(0) for a misaligned 16-byte legacy SSE access. */
export function checkAligned(va: number): void {
  if ((va & 15) !== 0) raise(Vector.GP, 0);
}

/** Reads 16 bytes at va into block `at` (page crossings check both pages first). */
export function read128(s: CpuState, va: number, at: number): void {
  const m = s.mmu;
  const vpn = Math.floor(va / 4096);
  const off = va - vpn * 4096;
  const w = at >> 2;
  if (vpn >= 0 && m.tlbReadTag[vpn & 1023] === vpn && off <= 4080) {
    const p = m.tlbReadBase[vpn & 1023] + off;
    const dv = m.ram.dv;
    W32[w] = dv.getInt32(p, true); W32[w + 1] = dv.getInt32(p + 4, true);
    W32[w + 2] = dv.getInt32(p + 8, true); W32[w + 3] = dv.getInt32(p + 12, true);
    return;
  }
  if (off > 4080) {
    // Both pages must be readable before anything is read (the fault names the second page).
    m.translate(va, Access.Read);
    m.translate(va + (4096 - off), Access.Read);
  }
  W32[w] = m.read64(va); W32[w + 1] = m.hi64;
  W32[w + 2] = m.read64(va + 8); W32[w + 3] = m.hi64;
}

/** Writes block `at` as 16 bytes at va; both pages are checked before either is written. */
export function write128(s: CpuState, va: number, at: number): void {
  const m = s.mmu;
  const w = at >> 2;
  probeWrite(s, va, 16);
  m.write64(va, W32[w], W32[w + 1]);
  m.write64(va + 8, W32[w + 2], W32[w + 3]);
}

/** Loads the source operand (W: xmm register or memory of the given kind) into block B. */
export function loadSrc(s: CpuState, i: Insn, mem: number): void {
  if (i.rm >= 0) {
    loadReg(s, i.rm, Blk.B);
    return;
  }
  const va = ea(s, i);
  switch (mem) {
    case Mem.Aligned:
      checkAligned(va);
      read128(s, va, Blk.B);
      return;
    case Mem.Unaligned:
      read128(s, va, Blk.B);
      return;
    case Mem.Q:
      W32[4] = s.mmu.read64(va); W32[5] = s.mmu.hi64; W32[6] = 0; W32[7] = 0;
      return;
    case Mem.D:
      W32[4] = s.mmu.read32(va); W32[5] = 0; W32[6] = 0; W32[7] = 0;
      return;
    default:
      W32[4] = s.mmu.read16(va); W32[5] = 0; W32[6] = 0; W32[7] = 0;
  }
}

/** Destination into A and source into B: the common start of a two-operand handler. */
export function loadAB(s: CpuState, i: Insn, mem: number): void {
  loadReg(s, i.reg, Blk.A);
  loadSrc(s, i, mem);
}
