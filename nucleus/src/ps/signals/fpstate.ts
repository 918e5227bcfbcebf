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

/** Linux's init_fpstate for an FXSR CPU: FCW 0x37F, MXCSR 0x1F80, every register empty or zero. */
const INIT = new Uint8Array(FPSTATE_BYTES);
new DataView(INIT.buffer).setUint16(0, 0x37f, true);
new DataView(INIT.buffer).setUint32(24, 0x1f80, true);

/** A handler starts with a clean FPU (fpu__clear_user_states): an MMX or x87 state mid-flight does not leak into it. */
export function clearFpstate(s: CpuState): void {
  s.loadFxImage(INIT, 0, true);
}
