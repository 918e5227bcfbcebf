/**
 * The floating-point part of a signal frame: the 512-byte FXSAVE image (x87
 * control/status/tag, ST0-7, MXCSR, XMM0-15) Linux stores for a CPU without
 * XSAVE, and its restore on rt_sigreturn. The CPU state owns the format.
 */
import type { CpuState } from '../../machine/cpu/state.js';

export const FPSTATE_BYTES = 512;

export function fpstateImage(s: CpuState): Uint8Array {
  const b = new Uint8Array(FPSTATE_BYTES);
  s.saveFxImage(b, 0, true);
  return b;
}

/** Loads an image back; false if MXCSR has reserved bits set (the kernel refuses it too). */
export function restoreFpstate(s: CpuState, b: Uint8Array): boolean {
  return s.loadFxImage(b, 0, true);
}
