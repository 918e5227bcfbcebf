/**
 * FXSAVE / FXRSTOR (the 512-byte legacy save area the dynamic linker's lazy
 * binding trampoline uses when XSAVE is absent) and LDMXCSR / STMXCSR.
 *
 * The image layout (SDM vol. 1, 10.5.1) is the x87 library's (x87/image.ts)
 * with the CPU's MXCSR and XMM0-15 (CpuState.saveFxImage / loadFxImage); REX.W
 * selects the 64-bit FPU IP/DP form. The area must be 16-byte aligned (#GP(0));
 * bytes 416..511 are not written. Neither instruction checks for a pending
 * x87 exception (#MF).
 */
import { raise, Vector } from "../../fault.js";
import type { CpuState } from "../state.js";
import type { Insn } from "../decode/insn.js";
import { Access } from "../mmu-surface.js";
import { FXSAVE_SIZE, FXSAVE_WRITTEN, MXCSR_MASK } from "../x87/image.js";
import { image, readImage, writeImage } from "./memory-image.js";
import { ea } from "./operands.js";
import { register } from "./registry.js";

/**
 * The area's address, checked for alignment, then for access to its last byte
 * and then its first: the host's order (a fault anywhere in the area reports CR2
 * = va + 511 unless only the first page faults).
 */
function area(s: CpuState, i: Insn, access: Access): number {
  const va = ea(s, i);
  if (va % 16 !== 0) raise(Vector.GP, 0);
  s.mmu.translate(va + FXSAVE_SIZE - 1, access);
  s.mmu.translate(va, access);
  return va;
}

register("FXSAVE|FXSAVE|FXSAVE64 M", (s, i) => {
  const va = area(s, i, Access.Write);
  s.saveFxImage(image, 0, i.rexW);
  writeImage(s, va, FXSAVE_WRITTEN);
});

register("FXRSTOR|FXRSTOR|FXRSTOR64 M", (s, i) => {
  const va = area(s, i, Access.Read);
  if (!s.loadFxImage(readImage(s, va, FXSAVE_WRITTEN), 0, i.rexW)) raise(Vector.GP, 0);
});

register("LDMXCSR Md", (s, i) => {
  const v = s.mmu.read32(ea(s, i)) >>> 0;
  if ((v & ~MXCSR_MASK) !== 0) raise(Vector.GP, 0);
  s.mxcsr = v;
});

register("STMXCSR Md", (s, i) => s.mmu.write32(ea(s, i), s.mxcsr));
