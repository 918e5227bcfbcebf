/**
 * Draws a terminal's cells into a surface with a bitmap font, repainting only
 * the cells the terminal marked dirty (plus the cells the cursor left and
 * entered), and reports the damage as pixel rectangles: one per run of dirty
 * cells in a row, runs in consecutive rows with the same span merged.
 */
import { Flag } from '../terminal/cells.js';
import type { Screen } from '../terminal/screen.js';
import type { Font } from './psf.js';
import type { Surface } from './compositor.js';
import { DEFAULT_BG, DEFAULT_FG, pixel } from './palette.js';
import type { Rect } from './rect.js';

export class ConsoleView {
  private cursorX = -1;
  private cursorY = -1;

  constructor(private readonly screen: Screen, private readonly font: Font, private readonly surface: Surface) {}

  /** Paint what changed; returns the damaged rectangles in surface coordinates. */
  paint(): Rect[] {
    const s = this.screen, g = s.grid, cols = s.cols;
    // The cursor is drawn as a reversed cell; where it was and where it is now both change.
    const cx = s.cursorVisible ? Math.min(s.cursorX, cols - 1) : -1;
    const cy = s.cursorVisible ? s.cursorY : -1;
    if (cx !== this.cursorX || cy !== this.cursorY) {
      if (this.cursorX >= 0 && this.cursorY < s.rows) g.dirty[this.cursorY * cols + this.cursorX] = 1;
      if (cx >= 0) g.dirty[cy * cols + cx] = 1;
      this.cursorX = cx;
      this.cursorY = cy;
      g.anyDirty = true;
    }
    if (!g.anyDirty) return [];
    g.anyDirty = false;
    const fw = this.font.width, fh = this.font.height;
    const rects: Rect[] = [];
    let open: Rect[] = [];    // runs of the previous row, to extend downwards
    for (let y = 0; y < s.rows; y++) {
      const next: Rect[] = [];
      let x = 0;
      while (x < cols) {
        if (!g.dirty[y * cols + x]) { x++; continue; }
        const start = x;
        while (x < cols && g.dirty[y * cols + x]) {
          g.dirty[y * cols + x] = 0;
          this.drawCell(x, y, x === cx && y === cy);
          x++;
        }
        const px = start * fw, pw = (x - start) * fw;
        const above = open.find((r) => r.x === px && r.w === pw);
        if (above) { above.h += fh; next.push(above); } else { const r = { x: px, y: y * fh, w: pw, h: fh }; rects.push(r); next.push(r); }
      }
      open = next;
    }
    return rects;
  }

  /** Repaint everything (a new surface, a reset). */
  invalidate(): void { this.screen.grid.markAllDirty(); }

  private drawCell(x: number, y: number, cursor: boolean): void {
    const g = this.screen.grid, i = y * this.screen.cols + x;
    const flags = g.flags[i]!;
    let fgc = g.fg[i]!;
    // Bold brightens the eight basic colours, as the Linux console does.
    if (flags & Flag.BOLD && (fgc >>> 24) === 1 && (fgc & 0xff) < 8) fgc += 8;
    let fg = pixel(fgc, DEFAULT_FG);
    let bg = pixel(g.bg[i]!, DEFAULT_BG);
    if (flags & Flag.DIM) fg = (fg >>> 1) & 0x7f7f7f;
    if (flags & Flag.INVERSE) { const t = fg; fg = bg; bg = t; }
    if (cursor) { const t = fg; fg = bg; bg = t; }
    if (flags & Flag.INVISIBLE) fg = bg;
    const ch = g.chars[i]!;
    this.drawGlyph(x, y, this.font.glyphFor(ch === 0 ? 0x20 : ch), fg, bg, flags);
  }

  private drawGlyph(cx: number, cy: number, glyph: number, fg: number, bg: number, flags: number): void {
    const f = this.font, sw = this.surface.width, px = this.surface.pixels;
    const bits = f.bitmap, bpr = f.bytesPerRow;
    let base = glyph * f.bytesPerGlyph;
    let row = cy * f.height * sw + cx * f.width;
    const underline = flags & Flag.UNDERLINE ? f.height - 1 : -1;
    const strike = flags & Flag.STRIKE ? f.height >> 1 : -1;
    for (let r = 0; r < f.height; r++, base += bpr, row += sw) {
      if (r === underline || r === strike) { px.fill(fg, row, row + f.width); continue; }
      for (let c = 0; c < f.width; c++) px[row + c] = bits[base + (c >> 3)]! & (0x80 >> (c & 7)) ? fg : bg;
    }
  }
}

