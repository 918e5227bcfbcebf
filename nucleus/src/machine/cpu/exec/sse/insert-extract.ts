/**
 * Single-lane transfers between xmm registers and general registers or memory:
 * PINSRB/W/D/Q, PEXTRB/W/D/Q, INSERTPS and EXTRACTPS, and the mm forms of
 * PINSRW/PEXTRW. A memory operand is only as wide as the lane (PINSRB reads one
 * byte even though the form says Ed).
 */
import type { Handler, Insn } from "../../decode/insn.js";
import type { CpuState } from "../../state.js";
import { ea, readE64, hi64, setReg } from "../operands.js";
import { register, registerSelector } from "../registry.js";
import { mmx, setMm } from "./mm.js";

type Lane = (s: CpuState, i: Insn) => number;

/** Reads an integer lane source of `size` bytes: low bits of a register, or memory of exactly that size. */
function laneSource(size: number): Lane {
  return (s, i) => {
    if (i.rm >= 0) return s.lo[i.rm];
    const va = ea(s, i);
    return size === 1 ? s.mmu.read8(va) : size === 2 ? s.mmu.read16(va) : s.mmu.read32(va);
  };
}

const byte = laneSource(1), word = laneSource(2), dword = laneSource(4);

register("PINSRB Vdq,Ed,Ib", (s, i) => { s.xmm8[(i.reg << 4) + (i.imm & 15)] = byte(s, i); });

register("PINSRW Vx,Ew,Ib", (s, i) => {
  const v = word(s, i);
  const at = (i.reg << 4) + 2 * (i.imm & 7);
  s.xmm8[at] = v; s.xmm8[at + 1] = v >> 8;
});

/** The MMX forms select one of the four words of an mm register. */
register("PINSRW Pq,Ew,Ib", mmx((s, i) => {
  const v = word(s, i);
  const r = s.fpu.regs[i.reg & 7];
  const sh = 16 * (i.imm & 1);
  const keep = ~(0xffff << sh);
  if (i.imm & 2) setMm(s, i.reg & 7, r.lo, (r.hi & keep) | ((v & 0xffff) << sh));
  else setMm(s, i.reg & 7, (r.lo & keep) | ((v & 0xffff) << sh), r.hi);
}));

register("PEXTRW Gy,Nq,Ib", mmx((s, i) => {
  const r = s.fpu.regs[i.rm & 7];
  setReg(s, i.reg, 4, ((i.imm & 2 ? r.hi : r.lo) >>> (16 * (i.imm & 1))) & 0xffff);
}));

registerSelector("PINSRD|PINSRD|PINSRQ Vdq,Ey,Ib", (insn) => insn.osz === 8
  ? (s, i) => {
    const lo = readE64(s, i);
    const at = (i.reg << 2) + 2 * (i.imm & 1);
    s.xmm32[at] = lo; s.xmm32[at + 1] = hi64;
  }
  : (s, i) => { s.xmm32[(i.reg << 2) + (i.imm & 3)] = dword(s, i); });

/** Extraction to a register zero-extends into the whole 64-bit register; to memory it stores the lane. */
function extract(size: number, lane: Lane): Handler {
  return (s, i) => {
    const v = lane(s, i);
    if (i.rm >= 0) { setReg(s, i.rm, 4, v); return; }
    const va = ea(s, i);
    if (size === 1) s.mmu.write8(va, v);
    else if (size === 2) s.mmu.write16(va, v);
    else s.mmu.write32(va, v);
  };
}

register("PEXTRB Ed,Vdq,Ib", extract(1, (s, i) => s.xmm8[(i.reg << 4) + (i.imm & 15)]));
register("PEXTRW Ed,Vdq,Ib", extract(2, (s, i) => {
  const at = (i.reg << 4) + 2 * (i.imm & 7);
  return s.xmm8[at] | (s.xmm8[at + 1] << 8);
}));
register("PEXTRW Gy,Ux,Ib", (s, i) => {
  const at = (i.rm << 4) + 2 * (i.imm & 7);
  setReg(s, i.reg, 4, s.xmm8[at] | (s.xmm8[at + 1] << 8));
});
register("EXTRACTPS Ed,Vdq,Ib", extract(4, (s, i) => s.xmm32[(i.reg << 2) + (i.imm & 3)]));

registerSelector("PEXTRD|PEXTRD|PEXTRQ Ey,Vdq,Ib", (insn) => insn.osz === 8
  ? (s, i) => {
    const at = (i.reg << 2) + 2 * (i.imm & 1);
    const lo = s.xmm32[at], hi = s.xmm32[at + 1];
    if (i.rm >= 0) { s.lo[i.rm] = lo; s.hi[i.rm] = hi; }
    else s.mmu.write64(ea(s, i), lo, hi);
  }
  : extract(4, (s, i) => s.xmm32[(i.reg << 2) + (i.imm & 3)]));

/**
 * INSERTPS: a dword (from source lane imm[7:6] of a register, or the m32 operand)
 * goes to destination lane imm[5:4]; then the lanes set in imm[3:0] are zeroed.
 */
register("INSERTPS Vdq,Wd,Ib", (s, i) => {
  const imm = i.imm & 0xff;
  const v = i.rm >= 0 ? s.xmm32[(i.rm << 2) + (imm >> 6)] : s.mmu.read32(ea(s, i));
  const d = i.reg << 2;
  s.xmm32[d + ((imm >> 4) & 3)] = v;
  for (let k = 0; k < 4; k++) if (imm & (1 << k)) s.xmm32[d + k] = 0;
});
