/**
 * x87 arithmetic and comparisons: the D8/DA/DC/DE groups (memory and register
 * forms, selected by ModRM.reg), FCOM/FUCOM and their popping forms, FCOMI/
 * FUCOMI (ZF, PF, CF into EFLAGS, OF SF AF cleared), FTST/FXAM, the one-operand
 * instructions on ST(0) and the transcendentals.
 *
 * ModRM.reg and ST(i) come from the raw ModRM byte: REX bits mean nothing to x87.
 */
import { setFlags } from "../flags.js";
import type { Handler, Insn } from "../decode/insn.js";
import { Rflag } from "../state.js";
import { type ArithOp, type Fpu } from "../x87/fpu.js";
import { ea } from "./operands.js";
import { register, registerAll } from "./registry.js";
import { noteInsn, noteMem, waitingFpu } from "./x87-entry.js";

/** ModRM.reg: the operation of a D8/DA/DC/DE form. */
function op(i: Insn): ArithOp {
  return (i.modrm >> 3) & 7;
}

/** ModRM.rm: i of ST(i). */
function sti(i: Insn): number {
  return i.modrm & 7;
}

const ARITH = ["FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"];
const IARITH = ["FIADD", "FIMUL", "FICOM", "FICOMP", "FISUB", "FISUBR", "FIDIV", "FIDIVR"];

// ---- memory operands: ST(0) op m32fp / m64fp / m32int / m16int ----------------------

registerAll(ARITH.map((m) => `${m} Md`), (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const v = s.mmu.read32(va);
  noteMem(f, i, va);
  f.arithF32(op(i), v);
});

registerAll(ARITH.map((m) => `${m} Mq`), (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const lo = s.mmu.read64(va);
  const hi = s.mmu.hi64;
  noteMem(f, i, va);
  f.arithF64(op(i), lo, hi);
});

registerAll(IARITH.map((m) => `${m} Md`), (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const v = s.mmu.read32(va);
  noteMem(f, i, va);
  f.arithI32(op(i), v);
});

registerAll(IARITH.map((m) => `${m} Mw`), (s, i) => {
  const f = waitingFpu(s);
  const va = ea(s, i);
  const v = s.mmu.read16(va);
  noteMem(f, i, va);
  f.arithI16(op(i), v);
});

// ---- register operands -------------------------------------------------------------

/** D8: ST(0) = ST(0) op ST(i). */
registerAll(["FADD", "FMUL", "FSUB", "FSUBR", "FDIV", "FDIVR"].map((m) => `${m} ST,STi`), (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.arithSt0(op(i), sti(i));
});

/** DC: ST(i) = ST(i) op ST(0); the library undoes the encoding's SUB/SUBR and DIV/DIVR swap. */
registerAll(["FADD", "FMUL", "FSUBR", "FSUB", "FDIVR", "FDIV"].map((m) => `${m} STi,ST`), (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.arithSti(op(i), sti(i), false);
});

/** DE: the same, then pop. */
registerAll(["FADDP", "FMULP", "FSUBRP", "FSUBP", "FDIVRP", "FDIVP"].map((m) => `${m} STi,ST`), (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.arithSti(op(i), sti(i), true);
});

// ---- comparisons -------------------------------------------------------------------

/** FCOM-family against ST(i), or against ST(1) for the double-pop forms. */
function compare(pops: number, quiet: boolean, fixedSt1: boolean): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    noteInsn(f, i);
    f.fcom(fixedSt1 ? 1 : sti(i), pops, quiet);
  };
}
// FCOM/FCOMP ST(i) are also encoded in DC and DE: one form each, whatever the escape.
register("FCOM ST,STi", compare(0, false, false));
register("FCOMP ST,STi", compare(1, false, false));
register("FCOMPP -", compare(2, false, true));
register("FUCOM ST,STi", compare(0, true, false));
register("FUCOMP ST,STi", compare(1, true, false));
register("FUCOMPP -", compare(2, true, true));

/** FCOMI-family: the ordering goes to ZF, PF, CF; OF, SF and AF are cleared. */
function compareToEflags(pop: boolean, quiet: boolean): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    noteInsn(f, i);
    const bits = f.fcomi(sti(i), pop, quiet);
    // Every arithmetic flag is replaced, so the lazy record need not be materialised first.
    setFlags(s, (s.flags & ~Rflag.Arith) | bits);
  };
}
register("FCOMI ST,STi", compareToEflags(false, false));
register("FUCOMI ST,STi", compareToEflags(false, true));
register("FCOMIP ST,STi", compareToEflags(true, false));
register("FUCOMIP ST,STi", compareToEflags(true, true));

// ---- instructions without operands ---------------------------------------------------

/** A form that is one Fpu method call on the current stack. */
function plain(run: (f: Fpu) => void): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    noteInsn(f, i);
    run(f);
  };
}
register("FTST -", plain((f) => f.ftst()));
register("FXAM -", plain((f) => f.fxam()));
register("FCHS -", plain((f) => f.fchs()));
register("FABS -", plain((f) => f.fabs()));
register("FSQRT -", plain((f) => f.fsqrt()));
register("FRNDINT -", plain((f) => f.frndint()));
register("FSCALE -", plain((f) => f.fscale()));
register("FXTRACT -", plain((f) => f.fxtract()));
register("FPREM -", plain((f) => f.fprem(false)));
register("FPREM1 -", plain((f) => f.fprem(true)));
register("F2XM1 -", plain((f) => f.f2xm1()));
register("FYL2X -", plain((f) => f.fyl2x()));
register("FYL2XP1 -", plain((f) => f.fyl2xp1()));
register("FPTAN -", plain((f) => f.fptan()));
register("FPATAN -", plain((f) => f.fpatan()));
register("FSIN -", plain((f) => f.fsin()));
register("FCOS -", plain((f) => f.fcos()));
register("FSINCOS -", plain((f) => f.fsincos()));
