/**
 * The floating-point part of a signal frame: the 512-byte FXSAVE image (x87
 * control/status/tag, ST0-7, MXCSR, XMM0-15) Linux stores for a CPU without
 * XSAVE, and its restore on rt_sigreturn.
 */
import type { CpuState } from '../../machine/cpu/state.js';

export const FPSTATE_BYTES = 512;
const MXCSR_MASK = 0xffff;

export function fpstateImage(s: CpuState): Uint8Array {
  const b = new Uint8Array(FPSTATE_BYTES);
  const v = new DataView(b.buffer);
  v.setUint16(0, s.fpuControl, true);
  v.setUint16(2, s.fpuStatus, true);
  let abridged = 0;
  for (let r = 0; r < 8; r++) if (((s.fpuTag >> (2 * r)) & 3) !== 3) abridged |= 1 << r;
  b[4] = abridged;
  v.setUint16(6, s.fpuOpcode & 0x7ff, true);
  v.setBigUint64(8, BigInt(s.fpuIp), true);
  v.setBigUint64(16, BigInt(s.fpuDp), true);
  v.setUint32(24, s.mxcsr, true);
  v.setUint32(28, MXCSR_MASK, true);
  const top = (s.fpuStatus >> 11) & 7;
  for (let i = 0; i < 8; i++) b.set(s.fpuRegs.subarray(((top + i) & 7) * 10, ((top + i) & 7) * 10 + 10), 32 + i * 16);
  b.set(s.xmm8, 160);
  return b;
}

/** Loads an image back; false if MXCSR has reserved bits set (the kernel refuses it too). */
export function restoreFpstate(s: CpuState, b: Uint8Array): boolean {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const mxcsr = v.getUint32(24, true);
  if ((mxcsr & ~MXCSR_MASK) !== 0) return false;
  s.fpuControl = v.getUint16(0, true);
  s.fpuStatus = v.getUint16(2, true);
  const abridged = b[4]!;
  const top = (s.fpuStatus >> 11) & 7;
  let tag = 0;
  for (let r = 0; r < 8; r++) {
    // Full tag from the abridged one: empty (11) or valid (00); special/zero classes are recomputed lazily by the FPU.
    tag |= (((abridged >> r) & 1) ? 0 : 3) << (2 * r);
  }
  s.fpuTag = tag;
  s.fpuOpcode = v.getUint16(6, true) & 0x7ff;
  s.fpuIp = Number(v.getBigUint64(8, true));
  s.fpuDp = Number(v.getBigUint64(16, true));
  s.mxcsr = mxcsr;
  for (let i = 0; i < 8; i++) s.fpuRegs.set(b.subarray(32 + i * 16, 42 + i * 16), ((top + i) & 7) * 10);
  s.xmm8.set(b.subarray(160, 416));
  return true;
}
