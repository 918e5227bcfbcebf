/**
 * Control flow and the stack: Jcc, JMP, CALL, RET, LOOP*, JRCXZ, PUSH, POP,
 * PUSHF, POPF, ENTER, LEAVE.
 *
 * The run loop sets rip to the end of the block before executing it, so a
 * not-taken branch (always the last instruction of its block) needs no rip
 * write; taken branches write the target.
 */
import { raise, Vector } from "../../fault.js";
import { cond, materialize, setFlags } from "../flags.js";
import type { Handler } from "../decode/insn.js";
import { CC } from "../decode/table-onebyte.js";
import { Rflag, type CpuState } from "../state.js";
import { TWO32, ea, getReg, hi64, readE64, readMem, setReg } from "./operands.js";
import { register } from "./registry.js";
import { addRsp, pop16, pop64, popHi, push16, push64, pushAddress, rsp } from "./stack.js";

const ENDS = { ends: true };

CC.forEach((c, cc) => {
  // One function per condition with cc as a literal, so cond() folds to the one test.
  const make = new Function("cond", `return function J${c}(s, i) { if (cond(s, ${cc})) s.rip = i.target; };`);
  const h = make(cond) as Handler;
  register(`J${c} Jb`, h, ENDS);
  register(`J${c} Jz`, h, ENDS);
});

const jmp: Handler = (s, i) => { s.rip = i.target; };
register("JMP Jb", jmp, ENDS);
register("JMP Jz", jmp, ENDS);

register("CALL Jz", (s, i) => {
  pushAddress(s, i.va + i.len);
  s.rip = i.target;
}, ENDS);

const CANONICAL = 2 ** 47;

/** An indirect branch to a non-canonical address is #GP(0) at the branch itself. */
function target(lo: number, hi: number): number {
  const t = hi * TWO32 + (lo >>> 0);
  if (t >= CANONICAL || t < -CANONICAL) raise(Vector.GP, 0);
  return t;
}

register("JMP Ev", (s, i) => {
  const lo = readE64(s, i);
  s.rip = target(lo, hi64);
}, ENDS);

register("CALL Ev", (s, i) => {
  const lo = readE64(s, i);
  const t = target(lo, hi64);
  pushAddress(s, i.va + i.len);
  s.rip = t;
}, ENDS);

function ret(s: CpuState, extra: number): void {
  const m = s.mmu;
  const lo = m.read64(rsp(s));
  s.rip = target(lo, m.hi64);
  addRsp(s, 8 + extra);
}

register("RET -", (s) => ret(s, 0), ENDS);
register("RET Iw", (s, i) => ret(s, i.imm), ENDS);

// ---- LOOP / JRCXZ: rcx, or ecx with an address-size prefix ---------------------

/** Decrements the count register; returns true when it is now non-zero. */
function decCount(s: CpuState, asz: number): boolean {
  const lo = (s.lo[1] - 1) | 0;
  if (asz === 4) { s.lo[1] = lo; s.hi[1] = 0; return lo !== 0; }
  if (s.lo[1] === 0) s.hi[1] = (s.hi[1] - 1) | 0;
  s.lo[1] = lo;
  return lo !== 0 || s.hi[1] !== 0;
}

register("LOOP Jb", (s, i) => { if (decCount(s, i.asz)) s.rip = i.target; }, ENDS);
register("LOOPE Jb", (s, i) => { if (decCount(s, i.asz) && cond(s, 4)) s.rip = i.target; }, ENDS);
register("LOOPNE Jb", (s, i) => { if (decCount(s, i.asz) && cond(s, 5)) s.rip = i.target; }, ENDS);
register("JRCXZ Jb", (s, i) => {
  if (s.lo[1] === 0 && (i.asz === 4 || s.hi[1] === 0)) s.rip = i.target;
}, ENDS);

// ---- PUSH / POP ------------------------------------------------------------------

register("PUSH Zv", (s, i) => {
  if (i.osz === 8) push64(s, s.lo[i.reg], s.hi[i.reg]);
  else push16(s, s.lo[i.reg]);
});

register("POP Zv", (s, i) => {
  if (i.osz === 8) {
    const lo = pop64(s);
    s.lo[i.reg] = lo;
    s.hi[i.reg] = popHi;
  } else {
    setReg(s, i.reg, 2, pop16(s));
  }
});

const pushImm: Handler = (s, i) => {
  if (i.osz === 8) push64(s, i.imm, i.immHi);
  else push16(s, i.imm);
};
register("PUSH Iz", pushImm);
register("PUSH Ib", pushImm);

register("PUSH Ev", (s, i) => {
  if (i.osz === 8) {
    const lo = readE64(s, i);
    push64(s, lo, hi64);
  } else {
    push16(s, i.rm >= 0 ? getReg(s, i.rm, 2) : readMem(s, ea(s, i), 2));
  }
});

register("POP Ev", (s, i) => {
  const m = s.mmu;
  const oldLo = s.lo[4], oldHi = s.hi[4];
  const size = i.osz === 8 ? 8 : 2;
  const lo = size === 8 ? m.read64(rsp(s)) : m.read16(rsp(s));
  const hi = m.hi64;
  // rsp is incremented before the destination address is computed (SDM, POP).
  addRsp(s, size);
  if (i.rm >= 0) {
    if (size === 8) { s.lo[i.rm] = lo; s.hi[i.rm] = hi; } else setReg(s, i.rm, 2, lo);
    return;
  }
  try {
    const va = ea(s, i);
    if (size === 8) m.write64(va, lo, hi); else m.write16(va, lo);
  } catch (e) {
    s.lo[4] = oldLo;
    s.hi[4] = oldHi;
    throw e;
  }
});

// ---- PUSHF / POPF ----------------------------------------------------------------

/** RFLAGS bits a CPL-3 POPF may change (IOPL 0: IF and IOPL are silently kept). */
const POPF_MASK = Rflag.Arith | Rflag.TF | Rflag.DF | Rflag.NT | Rflag.AC | Rflag.ID;

register("PUSHF|PUSHFQ -", (s, i) => {
  // RF and VM always read as 0 in the pushed image.
  const f = s.getRflags() & ~0x30000;
  if (i.osz === 8) push64(s, f, 0); else push16(s, f);
});

register("POPF|POPFQ -", (s, i) => {
  const v = i.osz === 8 ? pop64(s) : pop16(s);
  const m = i.osz === 8 ? POPF_MASK : POPF_MASK & 0xffff;
  const old = materialize(s) | (s.df << 10);
  const f = (old & ~m) | (v & m);
  setFlags(s, (f & ~Rflag.DF) | Rflag.Fixed1);
  s.df = (f >>> 10) & 1;
}, ENDS); // POPF may set TF: the run loop must look at it before the next instruction.

// ---- ENTER / LEAVE -----------------------------------------------------------------

register("ENTER Iw,Ib", (s, i) => {
  // 64-bit or (with 0x66) 16-bit frames; the stack itself is always addressed by rsp.
  const size = i.osz === 8 ? 8 : 2;
  const level = i.imm2 & 31;
  const oldSpLo = s.lo[4], oldSpHi = s.hi[4], oldBpLo = s.lo[5], oldBpHi = s.hi[5];
  try {
    if (size === 8) push64(s, s.lo[5], s.hi[5]); else push16(s, s.lo[5]);
    const frameLo = s.lo[4], frameHi = s.hi[4];
    for (let k = 1; k < level; k++) {
      const t = (s.lo[5] >>> 0) - size;
      s.lo[5] = t | 0;
      if (t < 0) s.hi[5] = (s.hi[5] - 1) | 0;
      if (size === 8) {
        const lo = s.mmu.read64(s.getNumber(5));
        push64(s, lo, s.mmu.hi64);
      } else {
        push16(s, s.mmu.read16(s.getNumber(5)));
      }
    }
    if (level > 0) { if (size === 8) push64(s, frameLo, frameHi); else push16(s, frameLo); }
    if (size === 8) { s.lo[5] = frameLo; s.hi[5] = frameHi; } else setReg(s, 5, 2, frameLo);
    // The new stack top must be writable (the SDM checks it).
    if (i.imm > 0) s.mmu.translate(rsp(s) - i.imm, 1);
    addRsp(s, -i.imm);
  } catch (e) {
    s.lo[4] = oldSpLo; s.hi[4] = oldSpHi; s.lo[5] = oldBpLo; s.hi[5] = oldBpHi;
    throw e;
  }
});

register("LEAVE -", (s, i) => {
  const oldLo = s.lo[4], oldHi = s.hi[4];
  s.lo[4] = s.lo[5];
  s.hi[4] = s.hi[5];
  try {
    if (i.osz === 8) {
      const lo = pop64(s);
      s.lo[5] = lo;
      s.hi[5] = popHi;
    } else {
      setReg(s, 5, 2, pop16(s));
    }
  } catch (e) {
    s.lo[4] = oldLo;
    s.hi[4] = oldHi;
    throw e;
  }
});
