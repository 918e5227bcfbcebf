/**
 * x87 control instructions: FWAIT, FNINIT, FNCLEX, the 8087 leftovers FNENI/
 * FNDISI/FNSETPM (no-ops since the 387), FNSTSW, FNSTCW/FLDCW and the state
 * images FNSTENV/FLDENV/FNSAVE/FRSTOR (the 16-bit layouts with an operand-size
 * prefix). The FN forms do not check for a pending #MF; the assembler's
 * FINIT/FSTSW/... are FWAIT followed by them. None of these update FIP/FDP/FOP.
 */
import { ENV16_SIZE, ENV_SIZE, SAVE16_SIZE, SAVE_SIZE } from "../x87/image.js";
import { Access } from "../mmu-surface.js";
import { image, probeImage, readImage, writeImage } from "./memory-image.js";
import { ea, setReg } from "./operands.js";
import { register, registerAll } from "./registry.js";
import { waitingFpu } from "./x87-entry.js";

register("WAIT -", (s) => {
  waitingFpu(s);
});

register("FNINIT -", (s) => s.fpu.fninit());
register("FNCLEX -", (s) => s.fpu.fnclex());
registerAll(["FNENI -", "FNDISI -", "FNSETPM -"], () => {});

register("FNSTSW AX", (s) => setReg(s, 0, 2, s.fpu.fnstsw()));
register("FNSTSW Mw", (s, i) => s.mmu.write16(ea(s, i), s.fpu.fnstsw()));
register("FNSTCW Mw", (s, i) => s.mmu.write16(ea(s, i), s.fpu.fnstcw()));

register("FLDCW Mw", (s, i) => {
  const f = waitingFpu(s);
  f.fldcw(s.mmu.read16(ea(s, i)));
});

register("FLDENV M", (s, i) => {
  const f = waitingFpu(s);
  const small = i.osz === 2;
  const n = small ? ENV16_SIZE : ENV_SIZE;
  const va = ea(s, i);
  probeImage(s, va, n, small ? 2 : 4, Access.Read);
  f.fldenv(readImage(s, va, n), 0, small);
});

register("FRSTOR M", (s, i) => {
  const f = waitingFpu(s);
  const small = i.osz === 2;
  const n = small ? SAVE16_SIZE : SAVE_SIZE;
  const va = ea(s, i);
  probeImage(s, va, n, small ? 2 : 4, Access.Read);
  f.frstor(readImage(s, va, n), 0, small);
});

register("FNSTENV M", (s, i) => {
  const small = i.osz === 2;
  const n = small ? ENV16_SIZE : ENV_SIZE;
  const va = ea(s, i);
  probeImage(s, va, n, small ? 2 : 4, Access.Write);
  s.fpu.fnstenv(image, 0, small);
  writeImage(s, va, n);
});

register("FNSAVE M", (s, i) => {
  const small = i.osz === 2;
  const n = small ? SAVE16_SIZE : SAVE_SIZE;
  const va = ea(s, i);
  probeImage(s, va, n, small ? 2 : 4, Access.Write);
  s.fpu.fnsave(image, 0, small);
  writeImage(s, va, n);
});
