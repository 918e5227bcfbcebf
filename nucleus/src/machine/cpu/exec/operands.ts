/**
 * Operand access shared by the handlers: effective addresses, registers by size
 * (with byte-register naming) and memory by size. Everything here is on the
 * per-instruction hot path: no allocation, no BigInt.
 */
import { Seg, type Insn } from "../decode/insn.js";
import { Access } from "../mmu-surface.js";
import type { CpuState } from "../state.js";

export const TWO32 = 4294967296;

/** The effective (virtual) address of the instruction's memory operand. */
export function ea(s: CpuState, i: Insn): number {
  let a = i.disp;
  const b = i.base;
  const x = i.index;
  if (i.asz === 8) {
    if (b >= 0) a += s.hi[b] * TWO32 + (s.lo[b] >>> 0);
    if (x >= 0) a += (s.hi[x] * TWO32 + (s.lo[x] >>> 0)) * i.scale;
  } else {
    if (b >= 0) a += s.lo[b];
    if (x >= 0) a += s.lo[x] * i.scale;
    a = a >>> 0;
  }
  if (i.seg !== Seg.None) a += i.seg === Seg.FS ? s.fsBase : s.gsBase;
  return a;
}

/**
 * Read-modify-write operands are accessed with write intent: a fault on them is
 * a write fault (#PF error code W=1) even though the read comes first, as on
 * hardware. Checks write access to [va, va+size) and returns va.
 */
export function probeWrite(s: CpuState, va: number, size: number): number {
  const m = s.mmu;
  const vpn = Math.floor(va * (1 / 4096));
  const off = va - vpn * 4096;
  if (vpn >= 0 && m.tlbWriteTag[vpn & 1023] === vpn && off <= 4096 - size) return va;
  m.translate(va, Access.Write);
  // A fault on the second page reports that page's first byte as CR2, as hardware does.
  if (off > 4096 - size) m.translate(va + (4096 - off), Access.Write);
  return va;
}

/** The memory operand's address, checked for write access (read-modify-write destinations). */
export function rmwEa(s: CpuState, i: Insn, size: number): number {
  return probeWrite(s, ea(s, i), size);
}

/** Reads a register of 1, 2 or 4 bytes (byte naming for size 1), zero-extended (size 4: int32). */
export function getReg(s: CpuState, r: number, size: number): number {
  switch (size) {
    case 1: return r < 16 ? s.lo[r] & 0xff : (s.lo[r - 16] >> 8) & 0xff;
    case 2: return s.lo[r] & 0xffff;
    default: return s.lo[r];
  }
}

/** Writes a register of 1, 2 or 4 bytes; a 32-bit write zeroes the upper half. */
export function setReg(s: CpuState, r: number, size: number, v: number): void {
  const lo = s.lo;
  switch (size) {
    case 1:
      if (r < 16) lo[r] = (lo[r] & ~0xff) | (v & 0xff);
      else lo[r - 16] = (lo[r - 16] & ~0xff00) | ((v & 0xff) << 8);
      return;
    case 2:
      lo[r] = (lo[r] & ~0xffff) | (v & 0xffff);
      return;
    default:
      lo[r] = v;
      s.hi[r] = 0;
  }
}

export function readMem(s: CpuState, va: number, size: number): number {
  switch (size) {
    case 1: return s.mmu.read8(va);
    case 2: return s.mmu.read16(va);
    default: return s.mmu.read32(va);
  }
}

export function writeMem(s: CpuState, va: number, size: number, v: number): void {
  switch (size) {
    case 1: s.mmu.write8(va, v); return;
    case 2: s.mmu.write16(va, v); return;
    default: s.mmu.write32(va, v);
  }
}

/** The r/m operand (register or memory) of size 1, 2 or 4. */
export function readE(s: CpuState, i: Insn, size: number): number {
  return i.rm >= 0 ? getReg(s, i.rm, size) : readMem(s, ea(s, i), size);
}

export function writeE(s: CpuState, i: Insn, size: number, v: number): void {
  if (i.rm >= 0) setReg(s, i.rm, size, v);
  else writeMem(s, ea(s, i), size, v);
}

/** 64-bit r/m read: returns the low half, leaves the high half in `hi64`. */
export let hi64 = 0;

export function readE64(s: CpuState, i: Insn): number {
  if (i.rm >= 0) {
    hi64 = s.hi[i.rm];
    return s.lo[i.rm];
  }
  const m = s.mmu;
  const lo = m.read64(ea(s, i));
  hi64 = m.hi64;
  return lo;
}

export function readMem64(s: CpuState, va: number): number {
  const m = s.mmu;
  const lo = m.read64(va);
  hi64 = m.hi64;
  return lo;
}

export function writeE64(s: CpuState, i: Insn, lo: number, hi: number): void {
  if (i.rm >= 0) {
    s.lo[i.rm] = lo;
    s.hi[i.rm] = hi;
  } else {
    s.mmu.write64(ea(s, i), lo, hi);
  }
}

/** Masks a value to an operand size of 1, 2 or 4 bytes (4: int32). */
export function mask(v: number, size: number): number {
  return size === 1 ? v & 0xff : size === 2 ? v & 0xffff : v | 0;
}

/** Flag size index (flags.ts Sz) for an operand size in bytes. */
export function szIndex(size: number): number {
  return size === 1 ? 0 : size === 2 ? 1 : size === 4 ? 2 : 3;
}
