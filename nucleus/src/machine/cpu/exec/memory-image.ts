/**
 * Moves the x87 and FXSAVE state images (14 to 512 bytes) between guest memory
 * and one scratch buffer, without allocating. The handlers check access to the
 * whole image first (probeImage, or FXSAVE's own order), so FLDENV/FRSTOR/
 * FXRSTOR read it all before the state changes, and the store forms cannot
 * fault after changing the state (FNSTENV masks exceptions, FNSAVE
 * reinitialises): a fault leaves both memory and FPU as they were.
 * Every image length is even.
 */
import type { CpuState } from "../state.js";
import type { Access } from "../mmu-surface.js";

/** The one image buffer (the largest image is FXSAVE's 512-byte area). */
export const image = new Uint8Array(512);

/**
 * Checks access to an FNSTENV/FLDENV/FNSAVE/FRSTOR image of n bytes before
 * anything moves, in the host's order, so that a fault reports the host's CR2:
 * first the leading control word as an ordinary access of `head` bytes (4, or 2
 * in the 16-bit layouts; split across pages it faults at the second page's
 * start), then the image's last byte.
 */
export function probeImage(s: CpuState, va: number, n: number, head: number, access: Access): void {
  const m = s.mmu;
  m.translate(va, access);
  const off = va % 4096;
  if (off > 4096 - head) m.translate(va - off + 4096, access);
  m.translate(va + n - 1, access);
}

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

/** Writes bytes [0, n) of `image` to va, once the range is known to be writable. */
export function writeImage(s: CpuState, va: number, n: number): void {
  const m = s.mmu;
  const b = image;
  let k = 0;
  for (; k + 4 <= n; k += 4) m.write32(va + k, b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24));
  if (k < n) m.write16(va + k, b[k] | (b[k + 1] << 8));
}
