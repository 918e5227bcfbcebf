/**
 * What the x87 handlers share: the pending-#MF check every waiting x87
 * instruction starts with, and the last-instruction pointers it leaves behind.
 *
 * FIP and FOP are kept current for every non-control instruction and FDP for
 * every one with a memory operand (the behaviour of a CPU without Intel's
 * "FOP only on unmasked exceptions" and FDP_EXCPTN_ONLY options): two or three
 * field stores. Control instructions (FLDCW, FLDENV, FRSTOR, FNSTxx, FNINIT,
 * FNCLEX, FWAIT) leave them alone, as the SDM (vol. 1, 8.1.8) says.
 */
import { raise, Vector } from "../../fault.js";
import type { Insn } from "../decode/insn.js";
import type { CpuState } from "../state.js";
import type { Fpu } from "../x87/fpu.js";

/** The thread's FPU, after the pending-exception check: an unmasked exception still flagged is #MF here, before anything changes. */
export function waitingFpu(s: CpuState): Fpu {
  const f = s.fpu;
  if (f.pendingFault) raise(Vector.MF);
  return f;
}

/** Records the instruction (FIP, FOP = low 3 bits of the escape byte and the ModRM byte) once its operands are in hand. */
export function noteInsn(f: Fpu, i: Insn): void {
  f.fip = i.va;
  f.fop = ((i.opcode & 7) << 8) | i.modrm;
}

/** noteInsn for a memory operand at va (FDP). */
export function noteMem(f: Fpu, i: Insn, va: number): void {
  f.fip = i.va;
  f.fop = ((i.opcode & 7) << 8) | i.modrm;
  f.fdp = va;
}
