/**
 * x87 register-stack moves: FLD ST(i), the constants, FST/FSTP ST(i) (and the
 * FSTP aliases DF D0+i, DF D8+i; D9 D8+i differs), FXCH (and its DD/DF aliases),
 * FCMOVcc (condition from EFLAGS), FFREE/FFREEP, FINCSTP/FDECSTP, FNOP.
 */
import { cond } from "../flags.js";
import type { Handler } from "../decode/insn.js";
import { registerAll, register } from "./registry.js";
import { noteInsn, waitingFpu } from "./x87-entry.js";

register("FLD STi", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.fldSt(i.modrm & 7);
});

/** D9 E8..EE: the constant's number is the ModRM low bits. */
registerAll(["FLD1 -", "FLDL2T -", "FLDL2E -", "FLDPI -", "FLDLG2 -", "FLDLN2 -", "FLDZ -"], (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.fldConst(i.modrm & 7);
});

register("FST STi", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.fstSt(i.modrm & 7, false);
});

register("FSTP STi", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.fstSt(i.modrm & 7, true);
});

register("FSTPNCE STi", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.fstpNoCheck(i.modrm & 7);
});

register("FXCH ST,STi", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.fxch(i.modrm & 7);
});

/** FCMOVcc: `cc` is the jcc condition code the FCMOV condition equals. */
function fcmov(cc: number): Handler {
  return (s, i) => {
    const f = waitingFpu(s);
    noteInsn(f, i);
    f.fcmov(i.modrm & 7, cond(s, cc));
  };
}
register("FCMOVB ST,STi", fcmov(0x2));
register("FCMOVNB ST,STi", fcmov(0x3));
register("FCMOVE ST,STi", fcmov(0x4));
register("FCMOVNE ST,STi", fcmov(0x5));
register("FCMOVBE ST,STi", fcmov(0x6));
register("FCMOVNBE ST,STi", fcmov(0x7));
register("FCMOVU ST,STi", fcmov(0xa));
register("FCMOVNU ST,STi", fcmov(0xb));

register("FFREE STi", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.ffree(i.modrm & 7);
});

register("FFREEP STi", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.ffreep(i.modrm & 7);
});

register("FINCSTP -", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.fincstp();
});

register("FDECSTP -", (s, i) => {
  const f = waitingFpu(s);
  noteInsn(f, i);
  f.fdecstp();
});

register("FNOP -", (s, i) => noteInsn(waitingFpu(s), i));
