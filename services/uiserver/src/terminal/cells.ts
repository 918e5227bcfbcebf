/**
 * A grid of terminal cells: one row-major typed array per property, so a screen
 * is four allocations however large it is, and scrolling or inserting is a
 * `copyWithin`. Every write marks the cell dirty; the console repaints exactly
 * the dirty cells and clears the marks.
 *
 * A cell: the code point (0 = never written, shown as a space), foreground and
 * background colours (`Color` encoding below) and attribute flags (`Flag`).
 */

/** Colour encoding: the top byte says which kind, the low 24 bits carry the value. */
export const enum Color {
  DEFAULT = 0,
  PALETTE = 0x1000000,   // | index 0..255
  RGB = 0x2000000,       // | 0xRRGGBB
  KIND = 0x3000000,
  VALUE = 0xffffff,
}

export const enum Flag {
  BOLD = 1, DIM = 2, ITALIC = 4, UNDERLINE = 8, BLINK = 16, INVERSE = 32, INVISIBLE = 64, STRIKE = 128,
}

export class CellGrid {
  readonly chars: Uint32Array;
  readonly fg: Uint32Array;
  readonly bg: Uint32Array;
  readonly flags: Uint8Array;
  readonly dirty: Uint8Array;
  /** Set when any cell changed since the console last painted. */
  anyDirty = true;

  constructor(readonly cols: number, readonly rows: number) {
    const n = cols * rows;
    this.chars = new Uint32Array(n);
    this.fg = new Uint32Array(n);
    this.bg = new Uint32Array(n);
    this.flags = new Uint8Array(n);
    this.dirty = new Uint8Array(n).fill(1);
  }

  set(x: number, y: number, ch: number, fg: number, bg: number, flags: number): void {
    const i = y * this.cols + x;
    this.chars[i] = ch;
    this.fg[i] = fg;
    this.bg[i] = bg;
    this.flags[i] = flags;
    this.dirty[i] = 1;
    this.anyDirty = true;
  }

  /** Blank cells [x0, x1) of row y with background `bg` (erased cells keep the pen's background: xterm's BCE). */
  erase(y: number, x0: number, x1: number, bg: number): void {
    if (x1 > this.cols) x1 = this.cols;
    if (x0 >= x1) return;
    const a = y * this.cols + x0, b = y * this.cols + x1;
    this.chars.fill(0, a, b);
    this.fg.fill(Color.DEFAULT, a, b);
    this.bg.fill(bg, a, b);
    this.flags.fill(0, a, b);
    this.dirty.fill(1, a, b);
    this.anyDirty = true;
  }

  /** Insert n blank cells at x in row y; cells pushed past the right edge are lost. */
  insertCells(y: number, x: number, n: number, bg: number): void {
    const row = y * this.cols;
    n = Math.min(n, this.cols - x);
    this.move(row + x + n, row + x, row + this.cols - n);
    this.erase(y, x, x + n, bg);
  }

  /** Delete n cells at x in row y; blanks enter at the right edge. */
  deleteCells(y: number, x: number, n: number, bg: number): void {
    const row = y * this.cols;
    n = Math.min(n, this.cols - x);
    this.move(row + x, row + x + n, row + this.cols);
    this.erase(y, this.cols - n, this.cols, bg);
  }

  /**
   * Move rows [top, bottom] by `by` rows (negative: up), blanking the rows that
   * are uncovered. This is scrolling, line insertion and line deletion.
   */
  shiftRows(top: number, bottom: number, by: number, bg: number): void {
    const c = this.cols;
    const span = bottom - top + 1;
    const n = Math.min(Math.abs(by), span);
    if (by < 0) {
      this.move(top * c, (top + n) * c, (bottom + 1) * c);
      for (let y = bottom - n + 1; y <= bottom; y++) this.erase(y, 0, c, bg);
    } else if (by > 0) {
      this.move((top + n) * c, top * c, (bottom + 1 - n) * c);
      for (let y = top; y < top + n; y++) this.erase(y, 0, c, bg);
    }
  }

  /** Copy cells [from, end) to `to` in every property, marking the destination dirty. */
  private move(to: number, from: number, end: number): void {
    if (end <= from) return;
    this.chars.copyWithin(to, from, end);
    this.fg.copyWithin(to, from, end);
    this.bg.copyWithin(to, from, end);
    this.flags.copyWithin(to, from, end);
    this.dirty.fill(1, to, to + (end - from));
    this.anyDirty = true;
  }

  markAllDirty(): void {
    this.dirty.fill(1);
    this.anyDirty = true;
  }

  /** Row y as text: unwritten cells read as spaces, and trailing unwritten cells are dropped when `trim`. */
  rowText(y: number, trim = true): string {
    const base = y * this.cols;
    let end = this.cols;
    if (trim) while (end > 0 && this.chars[base + end - 1] === 0) end--;
    let s = '';
    for (let x = 0; x < end; x++) {
      const ch = this.chars[base + x]!;
      s += ch === 0 ? ' ' : String.fromCodePoint(ch);
    }
    return s;
  }
}
