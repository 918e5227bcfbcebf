/**
 * MMX data movement: MOVD/MOVQ between mm registers and general registers or
 * memory, MOVQ mm <-> mm/m64, the non-temporal MOVNTQ (a plain store here),
 * MOVQ2DQ/MOVDQ2Q between mm and xmm, and EMMS, which hands the registers
 * back to the x87 (all tags empty).
 */
import { raise, Vector } from "../../../fault.js";
import { ea, hi64, readE, readE64, setReg } from "../operands.js";
import { register, registerSelector } from "../registry.js";
import { mmx, mmxStore, setMm } from "./mm.js";

registerSelector("MOVD|MOVD|MOVQ Pq,Ey", (insn) => insn.osz === 8
  ? mmx((s, i) => {
    const lo = readE64(s, i);
    setMm(s, i.reg & 7, lo, hi64);
  })
  : mmx((s, i) => setMm(s, i.reg & 7, readE(s, i, 4), 0)));

registerSelector("MOVD|MOVD|MOVQ Ey,Pq", (insn) => insn.osz === 8
  ? mmxStore((s, i) => {
    const v = s.fpu.regs[i.reg & 7];
    if (i.rm >= 0) { s.lo[i.rm] = v.lo; s.hi[i.rm] = v.hi; }
    else s.mmu.write64(ea(s, i), v.lo, v.hi);
  })
  : mmxStore((s, i) => {
    const v = s.fpu.regs[i.reg & 7].lo;
    if (i.rm >= 0) setReg(s, i.rm, 4, v);
    else s.mmu.write32(ea(s, i), v);
  }));

register("MOVQ Pq,Qq", mmx((s, i) => {
  if (i.rm >= 0) {
    const v = s.fpu.regs[i.rm & 7];
    setMm(s, i.reg & 7, v.lo, v.hi);
    return;
  }
  const lo = s.mmu.read64(ea(s, i));
  setMm(s, i.reg & 7, lo, s.mmu.hi64);
}));

const storeQ = mmxStore((s, i) => {
  const v = s.fpu.regs[i.reg & 7];
  if (i.rm >= 0) setMm(s, i.rm & 7, v.lo, v.hi);
  else s.mmu.write64(ea(s, i), v.lo, v.hi);
});
register("MOVQ Qq,Pq", storeQ);
register("MOVNTQ Mq,Pq", storeQ);

/** MOVQ2DQ: the mm register into the low qword of an xmm register, the high qword zeroed. */
register("MOVQ2DQ Vdq,Nq", mmx((s, i) => {
  const v = s.fpu.regs[i.rm & 7];
  const x = s.xmm32, d = i.reg << 2;
  x[d] = v.lo; x[d + 1] = v.hi; x[d + 2] = 0; x[d + 3] = 0;
}));

register("MOVDQ2Q Pq,Uq", mmx((s, i) => {
  const x = s.xmm32, o = i.rm << 2;
  setMm(s, i.reg & 7, x[o], x[o + 1]);
}));

/** EMMS: every x87 register empty (and TOP 0), after the same pending-exception check. */
register("EMMS -", (s) => {
  const f = s.fpu;
  if (f.pendingFault) raise(Vector.MF);
  f.top = 0;
  f.emptyMask = 0xff;
});
