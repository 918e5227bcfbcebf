/**
 * Bit instructions: BT BTS BTR BTC (register and immediate offsets; a register
 * offset reaches outside the memory operand, as the SDM specifies), BSF, BSR,
 * POPCNT.
 *
 * Flags: BT* set CF and leave the others alone (OF SF AF PF are undefined, ZF is
 * kept). BSF/BSR set ZF and leave the others alone (undefined); with a zero
 * source the destination is not written. POPCNT clears all but ZF.
 * LZCNT/TZCNT are not reported by CPUID, so F3 0F BC/BD decode as BSF/BSR (rep
 * ignored), which is what CPUs without BMI1/LZCNT do.
 */
import { writeFlagBits } from "../flags.js";
import { Seg, type Handler, type Insn } from "../decode/insn.js";
import { Rflag, type CpuState } from "../state.js";
import { TWO32, ea, getReg, probeWrite, readE, readMem, setReg, writeMem } from "./operands.js";
import { register } from "./registry.js";

const enum BitOp { Test = 0, Set, Reset, Complement }

function apply(op: number, v: number, bit: number): number {
  switch (op) {
    case BitOp.Set: return v | (1 << bit);
    case BitOp.Reset: return v & ~(1 << bit);
    case BitOp.Complement: return v ^ (1 << bit);
    default: return v;
  }
}

let bitOffset = 0;

/**
 * BT* with a register offset and a memory operand: the signed offset selects the
 * word/dword/qword at ea + size * floor(offset / bits); the bit within it is left
 * in bitOffset. The displacement is the offset shifted arithmetically, kept exact
 * (it wraps with the address size). Exported for the engine's #SS check.
 */
export function bitAddress(s: CpuState, i: Insn): number {
  const r = i.reg;
  const lo = s.lo[r];
  let d32: number, d: number;
  if (i.osz === 8) {
    const hi = s.hi[r];
    d32 = ((lo >>> 3) | (hi << 29)) & ~7;
    d = (hi >> 3) * TWO32 + (d32 >>> 0);
    bitOffset = lo & 63;
  } else if (i.osz === 4) {
    d = d32 = (lo >> 3) & ~3;
    bitOffset = lo & 31;
  } else {
    const v = (lo << 16) >> 16;
    d = d32 = (v >> 3) & ~1;
    bitOffset = v & 15;
  }
  const seg = i.seg === Seg.None ? 0 : i.seg === Seg.FS ? s.fsBase : s.gsBase;
  const a = i.asz === 4 ? (ea(s, i) - seg + d32) >>> 0 : ea(s, i) - seg + d;
  return a + seg;
}

function bitHandler(op: number, immOffset: boolean): Handler {
  return (s, i) => {
    const size = i.osz;
    const bits = size * 8;
    let cf: number;
    if (i.rm >= 0) {
      const off = immOffset ? i.imm & (bits - 1) : s.lo[i.reg] & (bits - 1);
      if (size === 8) {
        const hiHalf = off >= 32;
        const b = off & 31;
        const r = i.rm;
        const v = hiHalf ? s.hi[r] : s.lo[r];
        cf = (v >>> b) & 1;
        if (op !== BitOp.Test) { if (hiHalf) s.hi[r] = apply(op, v, b); else s.lo[r] = apply(op, v, b); }
      } else {
        const v = getReg(s, i.rm, size);
        cf = (v >>> off) & 1;
        if (op !== BitOp.Test) setReg(s, i.rm, size, apply(op, v, off));
      }
    } else {
      const va = immOffset ? ea(s, i) : bitAddress(s, i);
      const off = immOffset ? i.imm & (bits - 1) : bitOffset;
      if (op !== BitOp.Test) probeWrite(s, va, size);
      if (size === 8) {
        const m = s.mmu;
        let lo = m.read64(va), hi = m.hi64;
        const b = off & 31;
        if (off >= 32) { cf = (hi >>> b) & 1; hi = apply(op, hi, b); }
        else { cf = (lo >>> b) & 1; lo = apply(op, lo, b); }
        if (op !== BitOp.Test) m.write64(va, lo, hi);
      } else {
        const v = readMem(s, va, size);
        cf = (v >>> off) & 1;
        if (op !== BitOp.Test) writeMem(s, va, size, apply(op, v, off));
      }
    }
    writeFlagBits(s, Rflag.CF, cf);
  };
}

const BT = ["BT", "BTS", "BTR", "BTC"];
BT.forEach((name, op) => {
  register(`${name} Ev,Gv`, bitHandler(op, false));
  register(`${name} Ev,Ib`, bitHandler(op, true));
});

function scan(reverse: boolean): Handler {
  return (s, i) => {
    const size = i.osz;
    let lo: number, hi = 0;
    if (size === 8) {
      if (i.rm >= 0) { lo = s.lo[i.rm]; hi = s.hi[i.rm]; } else { const va = ea(s, i); lo = s.mmu.read64(va); hi = s.mmu.hi64; }
    } else {
      lo = readE(s, i, size);
    }
    if (lo === 0 && hi === 0) {
      writeFlagBits(s, Rflag.ZF, Rflag.ZF);
      return;
    }
    let idx: number;
    if (reverse) idx = hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
    else idx = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(hi & -hi);
    if (size === 8) { s.lo[i.reg] = idx; s.hi[i.reg] = 0; } else setReg(s, i.reg, size, idx);
    writeFlagBits(s, Rflag.ZF, 0);
  };
}
register("BSF Gv,Ev", scan(false));
register("BSR Gv,Ev", scan(true));

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

register("POPCNT Gv,Ev", (s, i) => {
  let n: number;
  if (i.osz === 8) {
    let lo: number, hi: number;
    if (i.rm >= 0) { lo = s.lo[i.rm]; hi = s.hi[i.rm]; } else { const va = ea(s, i); lo = s.mmu.read64(va); hi = s.mmu.hi64; }
    n = popcount32(lo) + popcount32(hi);
    s.lo[i.reg] = n; s.hi[i.reg] = 0;
  } else {
    n = popcount32(readE(s, i, i.osz));
    setReg(s, i.reg, i.osz, n);
  }
  writeFlagBits(s, Rflag.Arith, n === 0 ? Rflag.ZF : 0);
});
