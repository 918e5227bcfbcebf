/**
 * The 64-bit FXSAVE image layout (Intel SDM Vol. 1, 10.5.1, Table 10-2), the form in
 * which both sides exchange x87/SSE state.
 */
export const FX_FCW = 0;
export const FX_FSW = 2;
/** Abridged tag word: one bit per physical register, 1 = valid. */
export const FX_FTW = 4;
export const FX_FOP = 6;
export const FX_FIP = 8;
export const FX_FDP = 16;
export const FX_MXCSR = 24;
export const FX_MXCSR_MASK = 28;
export const FX_ST0 = 32;
export const FX_XMM0 = 160;
export const FXSAVE_SIZE = 512;

export const FCW_DEFAULT = 0x037f;
export const MXCSR_DEFAULT = 0x1f80;

/** An FXSAVE image of the reset x87/SSE state with the given control words. */
export function fxsaveImage(fcw = FCW_DEFAULT, mxcsr = MXCSR_DEFAULT): Uint8Array {
  const fx = new Uint8Array(FXSAVE_SIZE);
  const dv = new DataView(fx.buffer);
  dv.setUint16(FX_FCW, fcw, true);
  dv.setUint32(FX_MXCSR, mxcsr, true);
  dv.setUint32(FX_MXCSR_MASK, 0xffff, true);
  return fx;
}

export function stOffset(i: number): number {
  return FX_ST0 + 16 * i;
}

export function xmmOffset(i: number): number {
  return FX_XMM0 + 16 * i;
}
