/**
 * Data movement: MOV (all forms, moffs, imm64, segment registers), MOVZX, MOVSX,
 * MOVSXD, LEA, XCHG, CMPXCHG, CMPXCHG8B/16B, XADD, BSWAP, CBW/CWDE/CDQE,
 * CWD/CDQ/CQO, CMOVcc, SETcc, XLAT.
 */
import { raise, Vector } from "../../fault.js";
import { FlagOp, Sz, cond, writeFlagBits } from "../flags.js";
import type { Handler, Insn } from "../decode/insn.js";
import { Rflag, type CpuState } from "../state.js";
import { CC } from "../decode/table-onebyte.js";
import { TWO32, ea, getReg, hi64, mask, probeWrite, readE, readE64, readMem, rmwEa, setReg, szIndex, writeE, writeE64, writeMem } from "./operands.js";
import { register, registerSelector } from "./registry.js";
import { calc64, resHi, AluOp } from "./alu.js";
import { movGR32, movGR64, movLoad32, movLoad64, movRR32, movRR64, movStore32, movStore64 } from "./fast.js";

function bySize(narrow: Handler, wide: Handler) {
  return (i: Insn) => (i.osz === 8 ? wide : narrow);
}

// ---- MOV -------------------------------------------------------------------

const movEG: Handler = (s, i) => writeE(s, i, i.osz, getReg(s, i.reg, i.osz));
const movEG64: Handler = (s, i) => writeE64(s, i, s.lo[i.reg], s.hi[i.reg]);
const movGE: Handler = (s, i) => setReg(s, i.reg, i.osz, readE(s, i, i.osz));
const movGE64: Handler = (s, i) => {
  const lo = readE64(s, i);
  s.lo[i.reg] = lo;
  s.hi[i.reg] = hi64;
};
const movEI: Handler = (s, i) => writeE(s, i, i.osz, i.imm);
const movEI64: Handler = (s, i) => writeE64(s, i, i.imm, i.immHi);
const movGI: Handler = (s, i) => setReg(s, i.reg, i.osz, i.imm);
const movGI64: Handler = (s, i) => { s.lo[i.reg] = i.imm; s.hi[i.reg] = i.immHi; };

for (const k of ["MOV Eb,Gb", "MOV Ob,AL", "MOV Ov,rAX"]) registerSelector(k, bySize(movEG, movEG64));
for (const k of ["MOV Gb,Eb", "MOV AL,Ob", "MOV rAX,Ov"]) registerSelector(k, bySize(movGE, movGE64));
registerSelector("MOV Ev,Gv", (i) => {
  if (i.osz === 4) return i.rm >= 0 ? movRR32 : movStore32;
  if (i.osz === 8) return i.rm >= 0 ? movRR64 : movStore64;
  return movEG;
});
registerSelector("MOV Gv,Ev", (i) => {
  if (i.osz === 4) return i.rm >= 0 ? movGR32 : movLoad32;
  if (i.osz === 8) return i.rm >= 0 ? movGR64 : movLoad64;
  return movGE;
});
for (const k of ["MOV Eb,Ib", "MOV Ev,Iz"]) registerSelector(k, bySize(movEI, movEI64));
for (const k of ["MOV Zb,Ib", "MOV Zv,Iv"]) registerSelector(k, bySize(movGI, movGI64));

/** Selector values a Linux x86-64 user thread sees: es, cs, ss, ds, fs, gs. */
const SELECTORS = [0, 0x33, 0x2b, 0, 0, 0];

register("MOV Ev,Sw", (s, i) => {
  const sr = i.reg & 7;
  if (sr > 5) raise(Vector.UD);
  const v = SELECTORS[sr];
  if (i.rm < 0) writeMem(s, ea(s, i), 2, v);
  else if (i.osz === 8) { s.lo[i.rm] = v; s.hi[i.rm] = 0; }
  else setReg(s, i.rm, i.osz, v);
});

register("MOV Sw,Ew", (s, i) => {
  const sr = i.reg & 7;
  if (sr === 1 || sr > 5) raise(Vector.UD);
  const sel = readE(s, i, 2);
  // Only the selectors the thread already has are loadable: null and the user
  // data segment for ds/es, the user data segment for ss, null for fs/gs.
  const ok = sr === 2 ? sel === 0x2b : sr >= 4 ? sel < 4 : sel < 4 || sel === 0x2b;
  if (!ok) raise(Vector.GP, sel & 0xfffc);
  // A null selector load clears the FS/GS base (as on Intel).
  if (sr === 4) s.fsBase = 0;
  if (sr === 5) s.gsBase = 0;
});

// ---- MOVZX / MOVSX / MOVSXD ------------------------------------------------

function extend(srcSize: number, signed: boolean): Handler {
  return (s, i) => {
    let v = readE(s, i, srcSize);
    if (signed) v = srcSize === 1 ? (v << 24) >> 24 : srcSize === 2 ? (v << 16) >> 16 : v;
    if (i.osz === 8) { s.lo[i.reg] = v; s.hi[i.reg] = signed ? v >> 31 : 0; }
    else setReg(s, i.reg, i.osz, v);
  };
}
register("MOVZX Gv,Eb", extend(1, false));
register("MOVZX Gv,Ew", extend(2, false));
register("MOVSX Gv,Eb", extend(1, true));
register("MOVSX Gv,Ew", extend(2, true));
register("MOVSXD Gv,Ed", extend(4, true));

// ---- LEA -------------------------------------------------------------------

let leaHi = 0;

/** The exact 64-bit effective address (no segment base), low half returned, high half in leaHi. */
export function leaAddress(s: CpuState, i: Insn): number {
  if (i.base < 0 && i.index < 0) {
    // Absolute (disp32 or RIP-relative, already resolved to a number).
    const d = i.disp;
    leaHi = Math.floor(d / TWO32) | 0;
    return d | 0;
  }
  let lo = i.disp;
  let hi = lo >> 31;
  if (i.base >= 0) {
    const t = (lo >>> 0) + (s.lo[i.base] >>> 0);
    hi = (hi + s.hi[i.base] + (t > 0xffffffff ? 1 : 0)) | 0;
    lo = t | 0;
  }
  if (i.index >= 0) {
    let xl = s.lo[i.index], xh = s.hi[i.index];
    const k = 31 - Math.clz32(i.scale);
    if (k > 0) { xh = (xh << k) | (xl >>> (32 - k)); xl <<= k; }
    const t = (lo >>> 0) + (xl >>> 0);
    hi = (hi + xh + (t > 0xffffffff ? 1 : 0)) | 0;
    lo = t | 0;
  }
  leaHi = hi;
  return lo;
}

register("LEA Gv,M", (s, i) => {
  const lo = leaAddress(s, i);
  if (i.osz === 8) {
    s.lo[i.reg] = lo;
    s.hi[i.reg] = i.asz === 8 ? leaHi : 0;
  } else setReg(s, i.reg, i.osz, lo);
});

// ---- XCHG / XADD / CMPXCHG -------------------------------------------------

const xchg: Handler = (s, i) => {
  const size = i.osz;
  const g = getReg(s, i.reg, size);
  if (i.rm >= 0) {
    const e = getReg(s, i.rm, size);
    setReg(s, i.rm, size, g);
    setReg(s, i.reg, size, e);
  } else {
    const va = rmwEa(s, i, size);
    const e = readMem(s, va, size);
    writeMem(s, va, size, g);
    setReg(s, i.reg, size, e);
  }
};
const xchg64: Handler = (s, i) => {
  const gl = s.lo[i.reg], gh = s.hi[i.reg];
  if (i.rm < 0) rmwEa(s, i, 8);
  const el = readE64(s, i), eh = hi64;
  writeE64(s, i, gl, gh);
  s.lo[i.reg] = el;
  s.hi[i.reg] = eh;
};
registerSelector("XCHG Eb,Gb", bySize(xchg, xchg64));
registerSelector("XCHG Ev,Gv", bySize(xchg, xchg64));
// 90+r: the register is in `reg`; the other operand is rAX.
registerSelector("XCHG Zv,rAX", (i) => {
  i.rm = 0;
  return i.osz === 8 ? xchg64 : xchg;
});

const xadd: Handler = (s, i) => {
  const size = i.osz;
  const b = getReg(s, i.reg, size);
  const va = i.rm >= 0 ? 0 : rmwEa(s, i, size);
  const a = i.rm >= 0 ? getReg(s, i.rm, size) : readMem(s, va, size);
  const r = mask(a + b, size);
  if (i.rm < 0) writeMem(s, va, size, r);
  setReg(s, i.reg, size, a);
  if (i.rm >= 0) setReg(s, i.rm, size, r);
  s.fOp = FlagOp.Add | szIndex(size);
  s.fA = a;
  s.fR = r;
};
const xadd64: Handler = (s, i) => {
  const bl = s.lo[i.reg], bh = s.hi[i.reg];
  const va = i.rm >= 0 ? 0 : rmwEa(s, i, 8);
  let al: number, ah: number;
  if (i.rm >= 0) { al = s.lo[i.rm]; ah = s.hi[i.rm]; } else { al = s.mmu.read64(va); ah = s.mmu.hi64; }
  const rl = calc64(AluOp.Add, al, ah, bl, bh, 0);
  const rh = resHi;
  if (i.rm < 0) s.mmu.write64(va, rl, rh);
  s.lo[i.reg] = al; s.hi[i.reg] = ah;
  if (i.rm >= 0) { s.lo[i.rm] = rl; s.hi[i.rm] = rh; }
  s.fOp = FlagOp.Add | Sz.Q;
  s.fA = al; s.fAh = ah; s.fR = rl; s.fRh = rh;
};
registerSelector("XADD Eb,Gb", bySize(xadd, xadd64));
registerSelector("XADD Ev,Gv", bySize(xadd, xadd64));

const cmpxchg: Handler = (s, i) => {
  const size = i.osz;
  const acc = getReg(s, 0, size);
  const va = i.rm >= 0 ? 0 : rmwEa(s, i, size);
  const d = i.rm >= 0 ? getReg(s, i.rm, size) : readMem(s, va, size);
  const equal = acc === d;
  // The memory destination is always written (the locked cycle writes back the old value).
  if (i.rm < 0) writeMem(s, va, size, equal ? getReg(s, i.reg, size) : d);
  else if (equal) setReg(s, i.rm, size, getReg(s, i.reg, size));
  if (!equal) setReg(s, 0, size, d);
  s.fOp = FlagOp.Sub | szIndex(size);
  s.fA = acc;
  s.fR = mask(acc - d, size);
};
const cmpxchg64: Handler = (s, i) => {
  const al = s.lo[0], ah = s.hi[0];
  const va = i.rm >= 0 ? 0 : rmwEa(s, i, 8);
  let dl: number, dh: number;
  if (i.rm >= 0) { dl = s.lo[i.rm]; dh = s.hi[i.rm]; } else { dl = s.mmu.read64(va); dh = s.mmu.hi64; }
  const equal = al === dl && ah === dh;
  if (i.rm < 0) {
    if (equal) s.mmu.write64(va, s.lo[i.reg], s.hi[i.reg]);
    else s.mmu.write64(va, dl, dh);
  } else if (equal) { s.lo[i.rm] = s.lo[i.reg]; s.hi[i.rm] = s.hi[i.reg]; }
  if (!equal) { s.lo[0] = dl; s.hi[0] = dh; }
  const rl = calc64(AluOp.Sub, al, ah, dl, dh, 0);
  s.fOp = FlagOp.Sub | Sz.Q;
  s.fA = al; s.fAh = ah; s.fR = rl; s.fRh = resHi;
};
registerSelector("CMPXCHG Eb,Gb", bySize(cmpxchg, cmpxchg64));
registerSelector("CMPXCHG Ev,Gv", bySize(cmpxchg, cmpxchg64));

register("CMPXCHG8B|CMPXCHG8B|CMPXCHG16B M", (s, i) => {
  const va = ea(s, i);
  const m = s.mmu;
  if (i.osz === 8) {
    if (va % 16 !== 0) raise(Vector.GP, 0);
    probeWrite(s, va, 16);
    const l0 = m.read64(va), h0 = m.hi64;
    const l1 = m.read64(va + 8), h1 = m.hi64;
    const equal = l0 === s.lo[0] && h0 === s.hi[0] && l1 === s.lo[2] && h1 === s.hi[2];
    if (equal) { m.write64(va, s.lo[3], s.hi[3]); m.write64(va + 8, s.lo[1], s.hi[1]); }
    else { m.write64(va, l0, h0); m.write64(va + 8, l1, h1); }
    if (!equal) { s.lo[0] = l0; s.hi[0] = h0; s.lo[2] = l1; s.hi[2] = h1; }
    writeFlagBits(s, Rflag.ZF, equal ? Rflag.ZF : 0);
    return;
  }
  probeWrite(s, va, 8);
  const lo = m.read32(va), hi = m.read32(va + 4);
  const equal = lo === s.lo[0] && hi === s.lo[2];
  if (equal) m.write64(va, s.lo[3], s.lo[1]);
  else m.write64(va, lo, hi);
  if (!equal) { setReg(s, 0, 4, lo); setReg(s, 2, 4, hi); }
  writeFlagBits(s, Rflag.ZF, equal ? Rflag.ZF : 0);
});

// ---- BSWAP, sign extension of the accumulator --------------------------------

function swap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

register("BSWAP Zv", (s, i) => {
  const r = i.reg;
  if (i.osz === 8) {
    const lo = s.lo[r];
    s.lo[r] = swap32(s.hi[r]);
    s.hi[r] = swap32(lo);
  } else if (i.osz === 4) {
    setReg(s, r, 4, swap32(s.lo[r]));
  } else {
    // Undefined by the SDM; Intel parts clear the low word.
    setReg(s, r, 2, 0);
  }
});

register("CBW|CWDE|CDQE -", (s, i) => {
  const lo = s.lo[0];
  if (i.osz === 2) setReg(s, 0, 2, (lo << 24) >> 24);
  else if (i.osz === 4) setReg(s, 0, 4, (lo << 16) >> 16);
  else s.hi[0] = lo >> 31;
});

register("CWD|CDQ|CQO -", (s, i) => {
  if (i.osz === 2) setReg(s, 2, 2, (s.lo[0] << 16) >> 31);
  else if (i.osz === 4) setReg(s, 2, 4, s.lo[0] >> 31);
  else { const v = s.hi[0] >> 31; s.lo[2] = v; s.hi[2] = v; }
});

// ---- CMOVcc / SETcc ----------------------------------------------------------

function cmov(cc: number): Handler {
  return (s, i) => {
    if (i.osz === 8) {
      const lo = readE64(s, i), hi = hi64;
      if (cond(s, cc)) { s.lo[i.reg] = lo; s.hi[i.reg] = hi; }
      return;
    }
    const v = readE(s, i, i.osz);
    // A 32-bit cmov writes (zero-extends) its destination even when the condition is false.
    if (cond(s, cc)) setReg(s, i.reg, i.osz, v);
    else if (i.osz === 4) s.hi[i.reg] = 0;
  };
}

function setcc(cc: number): Handler {
  return (s, i) => writeE(s, i, 1, cond(s, cc) ? 1 : 0);
}

CC.forEach((c, cc) => {
  register(`CMOV${c} Gv,Ev`, cmov(cc));
  register(`SET${c} Eb`, setcc(cc));
});

// ---- XLAT --------------------------------------------------------------------

register("XLATB -", (s, i) => {
  // The table base is rbx (ebx with 0x67), offset by the unsigned al; segment overrides apply.
  const al = s.lo[0] & 0xff;
  let va = i.asz === 8 ? s.getNumber(3) + al : (s.lo[3] + al) >>> 0;
  if (i.seg !== 0) va += i.seg === 1 ? s.fsBase : s.gsBase;
  setReg(s, 0, 1, readMem(s, va, 1));
});
