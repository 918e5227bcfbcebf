/**
 * Moves the x87 and FXSAVE state images (14 to 512 bytes) between guest memory
 * and one scratch buffer, without allocating: FLDENV/FRSTOR/FXRSTOR read the
 * whole image before the state changes, and the store forms prove the whole
 * destination writable (operands.probeWrite) before the state changes (FNSTENV masks exceptions,
 * FNSAVE reinitialises), so a fault leaves both memory and FPU as they were.
 * Every image length is even.
 */
import type { CpuState } from "../state.js";

/** The one image buffer (the largest image is FXSAVE's 512-byte area). */
export const image = new Uint8Array(512);

/** Reads n bytes at va into `image`; a fault leaves nothing changed. */
export function readImage(s: CpuState, va: number, n: number): Uint8Array {
  const m = s.mmu;
  const b = image;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const v = m.read32(va + k);
    b[k] = v;
    b[k + 1] = v >>> 8;
    b[k + 2] = v >>> 16;
    b[k + 3] = v >>> 24;
  }
  if (k < n) {
    const v = m.read16(va + k);
    b[k] = v;
    b[k + 1] = v >>> 8;
  }
  return b;
}

/** Writes bytes [0, n) of `image` to va, after operands.probeWrite proved the range writable. */
export function writeImage(s: CpuState, va: number, n: number): void {
  const m = s.mmu;
  const b = image;
  let k = 0;
  for (; k + 4 <= n; k += 4) m.write32(va + k, b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24));
  if (k < n) m.write16(va + k, b[k] | (b[k + 1] << 8));
}
