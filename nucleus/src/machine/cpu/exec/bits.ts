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
import type { Handler } from "../decode/insn.js";
import { Rflag } from "../state.js";
import { ea, getReg, readE, readMem, setReg, writeMem } from "./operands.js";
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
      // Memory: the signed register offset selects which dword/word/qword to access.
      let va = ea(s, i);
      let off: number;
      if (immOffset) off = i.imm & (bits - 1);
      else {
        const full = size === 8 ? s.getNumber(i.reg) : size === 4 ? s.lo[i.reg] : (s.lo[i.reg] << 16) >> 16;
        const unit = size === 8 ? 64 : size * 8;
        const k = Math.floor(full / unit);
        va += k * size;
        off = full - k * unit;
      }
      if (size === 8) {
        // Access the dword holding the bit (same bytes a qword access would touch for this bit).
        const half = off >= 32 ? 4 : 0;
        const b = off & 31;
        const v = readMem(s, va + half, 4);
        cf = (v >>> b) & 1;
        if (op !== BitOp.Test) writeMem(s, va + half, 4, apply(op, v, b));
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
