/**
 * SGR (CSI … m): the pen's colours and attributes. Parameters come as the parser
 * collected them; `sub[i]` says parameter i followed a colon (ITU T.416
 * sub-parameters, as in `38:5:196` or `4:3`).
 */
import { Color, Flag } from './cells.js';

export interface Pen { fg: number; bg: number; flags: number }

export function applySgr(pen: Pen, params: Int32Array, sub: Uint8Array, count: number): void {
  if (count === 0) { reset(pen); return; }
  for (let i = 0; i < count; i++) {
    const p = params[i]!;
    if (p >= 30 && p <= 37) pen.fg = Color.PALETTE | (p - 30);
    else if (p >= 40 && p <= 47) pen.bg = Color.PALETTE | (p - 40);
    else if (p >= 90 && p <= 97) pen.fg = Color.PALETTE | (p - 90 + 8);
    else if (p >= 100 && p <= 107) pen.bg = Color.PALETTE | (p - 100 + 8);
    else if (p === 38 || p === 48 || p === 58) {
      const [color, used] = extendedColor(params, sub, count, i);
      if (color >= 0 && p === 38) pen.fg = color;
      else if (color >= 0 && p === 48) pen.bg = color;
      i += used;   // 58 (underline colour) is parsed and dropped: the console draws underlines in the text colour
    } else {
      switch (p) {
        case 0: reset(pen); break;
        case 1: pen.flags |= Flag.BOLD; break;
        case 2: pen.flags |= Flag.DIM; break;
        case 3: pen.flags |= Flag.ITALIC; break;
        case 4: {
          // 4:0 turns underlining off; every other style is drawn as a single underline.
          const style = i + 1 < count && sub[i + 1] ? params[++i]! : 1;
          while (i + 1 < count && sub[i + 1]) i++;
          pen.flags = style === 0 ? pen.flags & ~Flag.UNDERLINE : pen.flags | Flag.UNDERLINE;
          break;
        }
        case 5: pen.flags |= Flag.BLINK; break;
        case 7: pen.flags |= Flag.INVERSE; break;
        case 8: pen.flags |= Flag.INVISIBLE; break;
        case 9: pen.flags |= Flag.STRIKE; break;
        case 21: pen.flags |= Flag.UNDERLINE; break;
        case 22: pen.flags &= ~(Flag.BOLD | Flag.DIM); break;
        case 23: pen.flags &= ~Flag.ITALIC; break;
        case 24: pen.flags &= ~Flag.UNDERLINE; break;
        case 25: pen.flags &= ~Flag.BLINK; break;
        case 27: pen.flags &= ~Flag.INVERSE; break;
        case 28: pen.flags &= ~Flag.INVISIBLE; break;
        case 29: pen.flags &= ~Flag.STRIKE; break;
        case 39: pen.fg = Color.DEFAULT; break;
        case 49: pen.bg = Color.DEFAULT; break;
        default: break;   // unknown renditions are ignored, as xterm does
      }
    }
  }
}

function reset(pen: Pen): void {
  pen.fg = Color.DEFAULT;
  pen.bg = Color.DEFAULT;
  pen.flags = 0;
}

/**
 * `38;5;N`, `38;2;R;G;B`, or their colon forms. Returns the colour (-1: none) and
 * how many parameters after the introducer it consumed. A form naming another
 * colour space swallows what follows it, as xterm does, rather than misreading
 * the components as renditions.
 */
function extendedColor(params: Int32Array, sub: Uint8Array, count: number, i: number): [number, number] {
  if (i + 1 < count && sub[i + 1]) {
    let n = 0;
    while (i + 1 + n < count && sub[i + 1 + n]) n++;
    const at = (k: number) => (k < n ? params[i + 1 + k]! : 0);
    const mode = at(0);
    if (mode === 5) return [Color.PALETTE | (at(1) & 0xff), n];
    // 38:2:CS:R:G:B carries a colour-space id first; 38:2:R:G:B does not.
    if (mode === 2) return n >= 5 ? [rgb(at(2), at(3), at(4)), n] : [rgb(at(1), at(2), at(3)), n];
    return [-1, n];
  }
  const left = count - i - 1;
  const at = (k: number) => (k < left ? params[i + 1 + k]! : 0);
  if (left <= 0) return [-1, 0];
  const mode = at(0);
  if (mode === 5) return [Color.PALETTE | (at(1) & 0xff), Math.min(2, left)];
  if (mode === 2) return [rgb(at(1), at(2), at(3)), Math.min(4, left)];
  return [-1, Math.min(5, left)];
}

function rgb(r: number, g: number, b: number): number {
  return Color.RGB | ((r & 0xff) << 16) | ((g & 0xff) << 8) | (b & 0xff);
}
