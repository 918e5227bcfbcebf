/**
 * x87 loads and stores with a memory operand: FLD/FILD/FBLD (m16 to m80) and
 * FST(P)/FIST(P)/FISTTP/FBSTP. Loads read the operand before the FPU changes;
 * stores prove the destination writable first (a store commits its pop and
 * flags inside the FPU), then write the value unless an unmasked exception
 * suppressed it (the method returned false).
 */
import type { Handler } from "../decode/insn.js";
import { ea, probeWrite } from "./operands.js";
import { register } from "./registry.js";
import { noteMem, waitingFpu } from "./x87-entry.js";

// ---- loads -----------------------------------------------------------------------

register("FLD Md", (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const v = s.mmu.read32(va);
  noteMem(f, i, va);
  f.fldF32(v);
});

register("FLD Mq", (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const lo = s.mmu.read64(va);
  const hi = s.mmu.hi64;
  noteMem(f, i, va);
  f.fldF64(lo, hi);
});

register("FLD Mt", (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const lo = s.mmu.read64(va);
  const hi = s.mmu.hi64;
  const se = s.mmu.read16(va + 8);
  noteMem(f, i, va);
  f.fldF80(lo, hi, se);
});

register("FILD Mw", (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const v = s.mmu.read16(va);
  noteMem(f, i, va);
  f.fildI16(v);
});

register("FILD Md", (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const v = s.mmu.read32(va);
  noteMem(f, i, va);
  f.fildI32(v);
});

register("FILD Mq", (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const lo = s.mmu.read64(va);
  const hi = s.mmu.hi64;
  noteMem(f, i, va);
  f.fildI64(lo, hi);
});

register("FBLD Mt", (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const lo = s.mmu.read64(va);
  const hi = s.mmu.hi64;
  const top = s.mmu.read16(va + 8);
  noteMem(f, i, va);
  f.fbld(lo, hi, top);
});

// ---- stores ----------------------------------------------------------------------

function fst32(pop: boolean): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    const va = probeWrite(s, ea(s, i), 4);
    noteMem(f, i, va);
    if (f.fstF32(pop)) s.mmu.write32(va, f.out0);
  };
}
register("FST Md", fst32(false));
register("FSTP Md", fst32(true));

function fst64(pop: boolean): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    const va = probeWrite(s, ea(s, i), 8);
    noteMem(f, i, va);
    if (f.fstF64(pop)) s.mmu.write64(va, f.out0, f.out1);
  };
}
register("FST Mq", fst64(false));
register("FSTP Mq", fst64(true));

register("FSTP Mt", (s, i) => {
  const f = waitingFpu(s);
  const va = probeWrite(s, ea(s, i), 10);
  noteMem(f, i, va);
  if (f.fstpF80()) {
    s.mmu.write64(va, f.out0, f.out1);
    s.mmu.write16(va + 8, f.out2);
  }
});

register("FBSTP Mt", (s, i) => {
  const f = waitingFpu(s);
  const va = probeWrite(s, ea(s, i), 10);
  noteMem(f, i, va);
  if (f.fbstp()) {
    s.mmu.write64(va, f.out0, f.out1);
    s.mmu.write16(va + 8, f.out2);
  }
});

/** FIST (pop false), FISTP, and FISTTP (truncate) to an integer of `bits`. */
function fist(bits: 16 | 32 | 64, pop: boolean, truncate: boolean): Handler {
  const size = bits / 8;
  return (s, i) => {
    const f = waitingFpu(s);
    const va = probeWrite(s, ea(s, i), size);
    noteMem(f, i, va);
    if (!f.fist(bits, pop, truncate)) return;
    if (bits === 16) s.mmu.write16(va, f.out0);
    else if (bits === 32) s.mmu.write32(va, f.out0);
    else s.mmu.write64(va, f.out0, f.out1);
  };
}
register("FIST Mw", fist(16, false, false));
register("FISTP Mw", fist(16, true, false));
register("FISTTP Mw", fist(16, true, true));
register("FIST Md", fist(32, false, false));
register("FISTP Md", fist(32, true, false));
register("FISTTP Md", fist(32, true, true));
register("FISTP Mq", fist(64, true, false));
register("FISTTP Mq", fist(64, true, true));
