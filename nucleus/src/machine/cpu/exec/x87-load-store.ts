/**
 * x87 loads and stores with a memory operand: FLD/FILD/FBLD (m16 to m80) and
 * FST(P)/FIST(P)/FISTTP/FBSTP. Loads read the operand before the FPU changes;
 * stores compute first and write unless an unmasked exception suppressed the
 * value (the method returned false), undoing the store if the write faults
 * (see "stores" below).
 */
import type { Handler } from "../decode/insn.js";
import { ea } from "./operands.js";
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
// A store form runs first and touches memory only when its value is to be written:
// an unmasked exception that suppresses the value makes no access, so it cannot
// fault (as on the host). A write that faults takes the store back (undoStore).
// The 80-bit forms write 8 bytes and then 2, as the host does: when only the last
// two fault, the first eight stay written.

function fst32(pop: boolean): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    const va = ea(s, i);
    if (f.fstF32(pop)) {
      try {
        s.mmu.write32(va, f.out0);
      } catch (e) {
        f.undoStore();
        throw e;
      }
    }
    noteMem(f, i, va);
  };
}
register("FST Md", fst32(false));
register("FSTP Md", fst32(true));

function fst64(pop: boolean): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    const va = ea(s, i);
    if (f.fstF64(pop)) {
      try {
        s.mmu.write64(va, f.out0, f.out1);
      } catch (e) {
        f.undoStore();
        throw e;
      }
    }
    noteMem(f, i, va);
  };
}
register("FST Mq", fst64(false));
register("FSTP Mq", fst64(true));

/** The two 80-bit stores: FSTP m80fp and FBSTP m80bcd. */
function fst80(bcd: boolean): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    const va = ea(s, i);
    if (bcd ? f.fbstp() : f.fstpF80()) {
      try {
        s.mmu.write64(va, f.out0, f.out1);
        s.mmu.write16(va + 8, f.out2);
      } catch (e) {
        f.undoStore();
        throw e;
      }
    }
    noteMem(f, i, va);
  };
}
register("FSTP Mt", fst80(false));
register("FBSTP Mt", fst80(true));

/** FIST (pop false), FISTP, and FISTTP (truncate) to an integer of `bits`. */
function fist(bits: 16 | 32 | 64, pop: boolean, truncate: boolean): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    const va = ea(s, i);
    if (f.fist(bits, pop, truncate)) {
      try {
        if (bits === 16) s.mmu.write16(va, f.out0);
        else if (bits === 32) s.mmu.write32(va, f.out0);
        else s.mmu.write64(va, f.out0, f.out1);
      } catch (e) {
        f.undoStore();
        throw e;
      }
    }
    noteMem(f, i, va);
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
