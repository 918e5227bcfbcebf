/**
 * Terminal colours as framebuffer pixels. A pixel is 0x00RRGGBB in a Uint32Array,
 * which is the byte order B, G, R, X in memory on a little-endian host: the
 * display's BGRX format.
 */
import { Color } from '../terminal/cells.js';

/** xterm's 256-colour palette: 16 system colours, a 6x6x6 cube, 24 greys. */
export const PALETTE: Uint32Array = (() => {
  const p = new Uint32Array(256);
  const system = [0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
    0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff];
  system.forEach((c, i) => { p[i] = c; });
  const level = [0, 95, 135, 175, 215, 255];
  for (let i = 0; i < 216; i++) p[16 + i] = (level[Math.floor(i / 36)]! << 16) | (level[Math.floor(i / 6) % 6]! << 8) | level[i % 6]!;
  for (let i = 0; i < 24; i++) { const v = 8 + i * 10; p[232 + i] = (v << 16) | (v << 8) | v; }
  return p;
})();

export const DEFAULT_FG = 0xc0c0c0;
export const DEFAULT_BG = 0x000000;

/** A cell colour as a pixel; `fallback` is the default colour for this role. */
export function pixel(color: number, fallback: number): number {
  const kind = color & Color.KIND;
  if (kind === Color.PALETTE) return PALETTE[color & 0xff]!;
  if (kind === Color.RGB) return color & Color.VALUE;
  return fallback;
}
