/**
 * SSE data movement: full-register loads/stores (aligned and unaligned, the
 * non-temporal hints are plain moves), scalar and half-register moves, moves
 * between general registers and xmm, MASKMOVDQU/MASKMOVQ, and the sign-mask
 * extractions MOVMSKPS/PD and PMOVMSKB (xmm and mm).
 */
import { Seg, type Handler, type Insn } from "../../decode/insn.js";
import type { CpuState } from "../../state.js";
import { ea, readE, readE64, hi64, probeWrite, setReg } from "../operands.js";
import { register, registerAll, registerSelector } from "../registry.js";
import { MM_BYTES, enterMmx, loadMm, mmx, mmxCheck } from "./mm.js";
import { Blk, Mem, W8, checkAligned, loadReg, read128, storeReg, write128 } from "./xmm.js";

// ---- whole register ----------------------------------------------------------------

function load128(mem: number): Handler {
  return (s, i) => {
    if (i.rm >= 0) {
      const x = s.xmm32, d = i.reg << 2, o = i.rm << 2;
      x[d] = x[o]; x[d + 1] = x[o + 1]; x[d + 2] = x[o + 2]; x[d + 3] = x[o + 3];
      return;
    }
    const va = ea(s, i);
    if (mem === Mem.Aligned) checkAligned(va);
    read128(s, va, Blk.B);
    storeReg(s, i.reg, Blk.B);
  };
}

function store128(aligned: boolean): Handler {
  return (s, i) => {
    if (i.rm >= 0) {
      const x = s.xmm32, d = i.rm << 2, o = i.reg << 2;
      x[d] = x[o]; x[d + 1] = x[o + 1]; x[d + 2] = x[o + 2]; x[d + 3] = x[o + 3];
      return;
    }
    const va = ea(s, i);
    if (aligned) checkAligned(va);
    loadReg(s, i.reg, Blk.A);
    write128(s, va, Blk.A);
  };
}

registerAll(["MOVUPS Vps,Wps", "MOVUPD Vpd,Wpd", "MOVDQU Vx,Wx", "LDDQU Vx,Mx"], load128(Mem.Unaligned));
registerAll(["MOVAPS Vps,Wps", "MOVAPD Vpd,Wpd", "MOVDQA Vx,Wx", "MOVNTDQA Vx,Mx"], load128(Mem.Aligned));
registerAll(["MOVUPS Wps,Vps", "MOVUPD Wpd,Vpd", "MOVDQU Wx,Vx"], store128(false));
registerAll(["MOVAPS Wps,Vps", "MOVAPD Wpd,Vpd", "MOVDQA Wx,Vx", "MOVNTPS Mps,Vps", "MOVNTPD Mpd,Vpd", "MOVNTDQ Mx,Vx"],
  store128(true));

// ---- scalar and half-register moves ---------------------------------------------------

register("MOVSS Vss,Wss", (s, i) => {
  const x = s.xmm32, d = i.reg << 2;
  if (i.rm >= 0) { x[d] = x[i.rm << 2]; return; }
  const v = s.mmu.read32(ea(s, i));
  x[d] = v; x[d + 1] = 0; x[d + 2] = 0; x[d + 3] = 0;
});

register("MOVSD Vsd,Wsd", (s, i) => {
  const x = s.xmm32, d = i.reg << 2;
  if (i.rm >= 0) { x[d] = x[i.rm << 2]; x[d + 1] = x[(i.rm << 2) + 1]; return; }
  const lo = s.mmu.read64(ea(s, i));
  x[d] = lo; x[d + 1] = s.mmu.hi64; x[d + 2] = 0; x[d + 3] = 0;
});

register("MOVSS Wss,Vss", (s, i) => {
  const x = s.xmm32;
  if (i.rm >= 0) x[i.rm << 2] = x[i.reg << 2];
  else s.mmu.write32(ea(s, i), x[i.reg << 2]);
});

register("MOVSD Wsd,Vsd", (s, i) => {
  const x = s.xmm32, o = i.reg << 2;
  if (i.rm >= 0) { x[i.rm << 2] = x[o]; x[(i.rm << 2) + 1] = x[o + 1]; }
  else s.mmu.write64(ea(s, i), x[o], x[o + 1]);
});

/** Loads 8 bytes into the low (half 0) or high (half 1) qword, keeping the other. */
function loadHalf(half: number): Handler {
  return (s, i) => {
    const lo = s.mmu.read64(ea(s, i));
    const d = (i.reg << 2) + 2 * half;
    s.xmm32[d] = lo;
    s.xmm32[d + 1] = s.mmu.hi64;
  };
}

function storeHalf(half: number): Handler {
  return (s, i) => {
    const o = (i.reg << 2) + 2 * half;
    s.mmu.write64(ea(s, i), s.xmm32[o], s.xmm32[o + 1]);
  };
}

registerAll(["MOVLPS Vq,Mq", "MOVLPD Vq,Mq"], loadHalf(0));
registerAll(["MOVHPS Vq,Mq", "MOVHPD Vq,Mq"], loadHalf(1));
registerAll(["MOVLPS Mq,Vq", "MOVLPD Mq,Vq"], storeHalf(0));
registerAll(["MOVHPS Mq,Vq", "MOVHPD Mq,Vq"], storeHalf(1));

register("MOVHLPS Vq,Uq", (s, i) => {
  const x = s.xmm32, d = i.reg << 2, o = i.rm << 2;
  x[d] = x[o + 2]; x[d + 1] = x[o + 3];
});

register("MOVLHPS Vq,Uq", (s, i) => {
  const x = s.xmm32, d = i.reg << 2, o = i.rm << 2;
  x[d + 2] = x[o]; x[d + 3] = x[o + 1];
});

/** MOVQ xmm, xmm/m64: the low qword, upper qword zeroed. */
register("MOVQ Vq,Wq", (s, i) => {
  const x = s.xmm32, d = i.reg << 2;
  let lo: number, hi: number;
  if (i.rm >= 0) { lo = x[i.rm << 2]; hi = x[(i.rm << 2) + 1]; }
  else { lo = s.mmu.read64(ea(s, i)); hi = s.mmu.hi64; }
  x[d] = lo; x[d + 1] = hi; x[d + 2] = 0; x[d + 3] = 0;
});

/** MOVQ xmm/m64, xmm: a register destination gets its upper qword zeroed. */
register("MOVQ Wq,Vq", (s, i) => {
  const x = s.xmm32, o = i.reg << 2;
  if (i.rm < 0) { s.mmu.write64(ea(s, i), x[o], x[o + 1]); return; }
  const d = i.rm << 2;
  x[d] = x[o]; x[d + 1] = x[o + 1]; x[d + 2] = 0; x[d + 3] = 0;
});

// ---- general registers <-> xmm ----------------------------------------------------------

registerSelector("MOVD|MOVD|MOVQ Vx,Ey", (insn) => insn.osz === 8
  ? (s, i) => {
    const lo = readE64(s, i);
    const x = s.xmm32, d = i.reg << 2;
    x[d] = lo; x[d + 1] = hi64; x[d + 2] = 0; x[d + 3] = 0;
  }
  : (s, i) => {
    const v = readE(s, i, 4);
    const x = s.xmm32, d = i.reg << 2;
    x[d] = v; x[d + 1] = 0; x[d + 2] = 0; x[d + 3] = 0;
  });

registerSelector("MOVD|MOVD|MOVQ Ey,Vx", (insn) => insn.osz === 8
  ? (s, i) => {
    const x = s.xmm32, o = i.reg << 2;
    if (i.rm >= 0) { s.lo[i.rm] = x[o]; s.hi[i.rm] = x[o + 1]; }
    else s.mmu.write64(ea(s, i), x[o], x[o + 1]);
  }
  : (s, i) => {
    const v = s.xmm32[i.reg << 2];
    if (i.rm >= 0) setReg(s, i.rm, 4, v);
    else s.mmu.write32(ea(s, i), v);
  });

registerSelector("MOVNTI My,Gy", (insn) => insn.osz === 8
  ? (s, i) => s.mmu.write64(ea(s, i), s.lo[i.reg], s.hi[i.reg])
  : (s, i) => s.mmu.write32(ea(s, i), s.lo[i.reg]));

// ---- masked store ------------------------------------------------------------------------

/**
 * MASKMOVDQU / MASKMOVQ: stores the bytes of the data in block A whose mask byte
 * (block B) has its top bit set, at [rdi] (edi with 67h, ds or fs/gs override).
 * The host checks the whole destination for write access whatever the mask, in
 * 8-byte pieces from the highest (so a fault reports rdi + 8 for MASKMOVDQU when
 * its high half is not writable), and writes nothing unless all of it is.
 */
function maskedStore(s: CpuState, i: Insn, n: number): void {
  let va = i.asz === 8 ? s.getNumber(7) : s.lo[7] >>> 0;
  if (i.seg !== Seg.None) va += i.seg === Seg.FS ? s.fsBase : s.gsBase;
  for (let at = n - 8; at >= 0; at -= 8) probeWrite(s, va + at, 8);
  for (let k = 0; k < n; k++) if (W8[16 + k] & 0x80) s.mmu.write8(va + k, W8[k]);
}

register("MASKMOVDQU Vdq,Udq", (s, i) => {
  loadReg(s, i.reg, Blk.A);
  loadReg(s, i.rm, Blk.B);
  maskedStore(s, i, 16);
});

/** An MMX instruction whose transition comes before its (faulting) store, as on the host. */
register("MASKMOVQ Pq,Nq", (s, i) => {
  mmxCheck(s);
  enterMmx(s);
  loadMm(s, i.reg & 7, Blk.A);
  loadMm(s, i.rm & 7, Blk.B);
  maskedStore(s, i, MM_BYTES);
});

// ---- sign masks ----------------------------------------------------------------------------

function setGpr32(s: CpuState, r: number, v: number): void {
  s.lo[r] = v;
  s.hi[r] = 0;
}

register("MOVMSKPS Gy,Ups", (s, i) => {
  const x = s.xmm32, o = i.rm << 2;
  setGpr32(s, i.reg, (x[o] >>> 31) | ((x[o + 1] >>> 31) << 1) | ((x[o + 2] >>> 31) << 2) | ((x[o + 3] >>> 31) << 3));
});

register("MOVMSKPD Gy,Upd", (s, i) => {
  const x = s.xmm32, o = i.rm << 2;
  setGpr32(s, i.reg, (x[o + 1] >>> 31) | ((x[o + 3] >>> 31) << 1));
});

/** The top bits of the first n bytes of block B. */
function byteSigns(n: number): number {
  let m = 0;
  for (let k = 0; k < n; k++) m |= (W8[16 + k] >> 7) << k;
  return m;
}

register("PMOVMSKB Gy,Ux", (s, i) => {
  loadReg(s, i.rm, Blk.B);
  setGpr32(s, i.reg, byteSigns(16));
});

register("PMOVMSKB Gy,Nq", mmx((s, i) => {
  loadMm(s, i.rm & 7, Blk.B);
  setGpr32(s, i.reg, byteSigns(MM_BYTES));
}));
