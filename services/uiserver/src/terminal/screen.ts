/**
 * The terminal's text model: a normal and an alternate screen of cells, the
 * cursor, scroll margins, tab stops, modes and the pen. Each method is one VT
 * control function, with xterm's semantics (the parser in parser.ts decides
 * which to call). Nothing here knows about bytes or pixels.
 *
 * The cursor column may equal `cols`: the "pending wrap" state after a character
 * was written in the last column. The next printable character wraps first;
 * every other function first pulls the cursor back into the grid, as xterm does.
 */
import { CellGrid, Color } from './cells.js';
import { type Charset, charsetFor } from './charsets.js';
import { applySgr, type Pen } from './sgr.js';

interface Saved { x: number; y: number; fg: number; bg: number; flags: number; gl: number; g: Charset[] }

/** One of the two screens, with the state xterm keeps per screen. */
class Page {
  readonly grid: CellGrid;
  x = 0;
  y = 0;
  top = 0;
  bottom: number;
  readonly tabs: Uint8Array;
  saved: Saved;

  constructor(cols: number, rows: number) {
    this.grid = new CellGrid(cols, rows);
    this.bottom = rows - 1;
    this.tabs = new Uint8Array(cols);
    for (let x = 0; x < cols; x += 8) this.tabs[x] = 1;
    this.saved = { x: 0, y: 0, fg: Color.DEFAULT, bg: Color.DEFAULT, flags: 0, gl: 0, g: [undefined, undefined, undefined, undefined] };
  }
}

/** Zero-width code points (combining marks, joiners, variation selectors): the console has no glyph to combine them with. */
function zeroWidth(cp: number): boolean {
  return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)
    || (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) || cp === 0xad;
}

export class Screen {
  private normal: Page;
  private alt: Page;
  private page: Page;
  readonly pen: Pen = { fg: Color.DEFAULT, bg: Color.DEFAULT, flags: 0 };
  // Modes (SM/RM and DECSET/DECRST).
  insert = false;
  autowrap = true;
  origin = false;
  newline = false;          // LNM: LF also returns the carriage
  appCursorKeys = false;    // DECCKM: arrows send ESC O x
  appKeypad = false;
  cursorVisible = true;
  bracketedPaste = false;
  // ISO 2022 designations G0..G3 and which one is invoked into GL.
  private g: Charset[] = [undefined, undefined, undefined, undefined];
  private gl = 0;
  /** The last printed character, for REP (0: nothing to repeat). */
  preceding = 0;
  title = '';

  constructor(readonly cols: number, readonly rows: number, private readonly reply: (s: string) => void = () => {}) {
    this.normal = new Page(cols, rows);
    this.alt = new Page(cols, rows);
    this.page = this.normal;
  }

  get grid(): CellGrid { return this.page.grid; }
  get cursorX(): number { return this.page.x; }
  get cursorY(): number { return this.page.y; }
  get altScreen(): boolean { return this.page === this.alt; }
  get scrollTop(): number { return this.page.top; }
  get scrollBottom(): number { return this.page.bottom; }

  // ---- printing --------------------------------------------------------------

  print(cp: number): void {
    const p = this.page;
    if (zeroWidth(cp)) return;
    const set = this.g[this.gl];
    if (set !== undefined && cp < 127) cp = set[cp]!;
    if (p.x >= this.cols) {
      if (this.autowrap) {
        p.x = 0;
        this.down();
      } else {
        p.x = this.cols - 1;
      }
    }
    if (this.insert) p.grid.insertCells(p.y, p.x, 1, this.pen.bg);
    p.grid.set(p.x, p.y, cp, this.pen.fg, this.pen.bg, this.pen.flags);
    p.x++;
    this.preceding = cp;
  }

  /** REP: the preceding graphic character, n more times. */
  repeat(n: number): void {
    const cp = this.preceding;
    if (!cp) return;
    n = Math.min(n, this.cols * this.rows);
    // print() would map it through the charset again: it already was.
    const g = this.g;
    this.g = [undefined, undefined, undefined, undefined];
    for (let i = 0; i < n; i++) this.print(cp);
    this.g = g;
  }

  // ---- C0 and simple ESC functions -----------------------------------------------

  /** One row down, scrolling the region when leaving its bottom margin. */
  private down(): void {
    const p = this.page;
    p.y++;
    if (p.y === p.bottom + 1) {
      p.y--;
      p.grid.shiftRows(p.top, p.bottom, -1, this.pen.bg);
    } else if (p.y >= this.rows) {
      p.y = this.rows - 1;
    }
  }

  lineFeed(): void {
    const p = this.page;
    if (this.newline) p.x = 0;
    this.down();
    if (p.x >= this.cols) p.x--;
  }

  carriageReturn(): void { this.page.x = 0; }

  backspace(): void {
    this.restrict();
    if (this.page.x > 0) this.page.x--;
  }

  tab(n = 1): void {
    const p = this.page;
    if (p.x >= this.cols) return;
    n = Math.min(n, this.cols);
    while (n-- > 0) {
      let x = p.x;
      while (++x < this.cols && !p.tabs[x]);
      p.x = Math.min(x, this.cols - 1);
    }
  }

  backTab(n = 1): void {
    const p = this.page;
    if (p.x >= this.cols) return;
    n = Math.min(n, this.cols);
    while (n-- > 0) {
      let x = p.x;
      while (--x > 0 && !p.tabs[x]);
      p.x = Math.max(x, 0);
    }
  }

  tabSet(): void { if (this.page.x < this.cols) this.page.tabs[this.page.x] = 1; }

  tabClear(mode: number): void {
    if (mode === 0) { if (this.page.x < this.cols) this.page.tabs[this.page.x] = 0; }
    else if (mode === 3) this.page.tabs.fill(0);
  }

  /** IND: down one row, scrolling at the bottom margin. */
  index(): void {
    this.restrict();
    this.down();
    this.restrict();
  }

  /** RI: up one row, scrolling the region down at the top margin. */
  reverseIndex(): void {
    const p = this.page;
    this.restrict();
    if (p.y === p.top) p.grid.shiftRows(p.top, p.bottom, 1, this.pen.bg);
    else { p.y--; this.restrict(); }
  }

  nextLine(): void {
    this.page.x = 0;
    this.index();
  }

  shiftOut(): void { this.gl = 1; }
  shiftIn(): void { this.gl = 0; }
  invoke(level: number): void { this.gl = level; }
  designate(slot: number, final: number): void { this.g[slot] = charsetFor(final); }

  // ---- cursor movement -------------------------------------------------------------

  /** Pull the cursor into the grid (and into the margins in origin mode). */
  private restrict(maxX = this.cols - 1): void {
    const p = this.page;
    p.x = Math.min(maxX, Math.max(0, p.x));
    p.y = this.origin ? Math.min(p.bottom, Math.max(p.top, p.y)) : Math.min(this.rows - 1, Math.max(0, p.y));
  }

  /** Absolute position; rows count from the top margin in origin mode. */
  moveTo(x: number, y: number): void {
    this.page.x = x;
    this.page.y = this.origin ? this.page.top + y : y;
    this.restrict();
  }

  /** Relative movement, stopping at the grid (or the margins in origin mode). */
  moveBy(dx: number, dy: number): void {
    this.restrict();
    this.page.x += dx;
    this.page.y += dy;
    this.restrict();
  }

  setColumn(x: number): void {
    this.restrict();
    this.page.x = x;
    this.restrict();
  }

  setRow(y: number): void {
    this.restrict();
    this.page.y = this.origin ? this.page.top + y : y;
    this.restrict();
  }

  /** CUU: up, stopping at the top margin when starting below it. */
  up(n: number): void {
    const p = this.page;
    const room = p.y - p.top;
    this.moveBy(0, -(room >= 0 ? Math.min(room, n) : n));
  }

  /** CUD: down, stopping at the bottom margin when starting above it. */
  downBy(n: number): void {
    const p = this.page;
    const room = p.bottom - p.y;
    this.moveBy(0, room >= 0 ? Math.min(room, n) : n);
  }

  setScrollRegion(top: number, bottom: number): void {
    if (bottom === 0 || bottom > this.rows) bottom = this.rows;
    if (top === 0) top = 1;
    if (bottom <= top) return;
    this.page.top = top - 1;
    this.page.bottom = bottom - 1;
    this.moveTo(0, 0);
  }

  saveCursor(): void {
    const p = this.page;
    p.saved = { x: p.x, y: p.y, fg: this.pen.fg, bg: this.pen.bg, flags: this.pen.flags, gl: this.gl, g: this.g.slice() };
  }

  restoreCursor(): void {
    const p = this.page;
    const s = p.saved;
    p.x = s.x;
    p.y = s.y;
    this.pen.fg = s.fg;
    this.pen.bg = s.bg;
    this.pen.flags = s.flags;
    this.gl = s.gl;
    this.g = s.g.slice();
    this.restrict();
  }

  // ---- erasing, inserting, deleting, scrolling -----------------------------------

  eraseInDisplay(mode: number): void {
    const p = this.page;
    this.restrict(this.cols);
    const bg = this.pen.bg;
    if (mode === 0) {
      p.grid.erase(p.y, p.x, this.cols, bg);
      for (let y = p.y + 1; y < this.rows; y++) p.grid.erase(y, 0, this.cols, bg);
    } else if (mode === 1) {
      p.grid.erase(p.y, 0, p.x + 1, bg);
      for (let y = 0; y < p.y; y++) p.grid.erase(y, 0, this.cols, bg);
    } else if (mode === 2) {
      for (let y = 0; y < this.rows; y++) p.grid.erase(y, 0, this.cols, bg);
    }
    // 3 erases the scrollback, which the console does not keep.
  }

  eraseInLine(mode: number): void {
    const p = this.page;
    this.restrict(this.cols);
    if (mode === 0) p.grid.erase(p.y, p.x, this.cols, this.pen.bg);
    else if (mode === 1) p.grid.erase(p.y, 0, p.x + 1, this.pen.bg);
    else if (mode === 2) p.grid.erase(p.y, 0, this.cols, this.pen.bg);
  }

  insertLines(n: number): void {
    const p = this.page;
    this.restrict();
    if (p.y < p.top || p.y > p.bottom) return;
    p.grid.shiftRows(p.y, p.bottom, n, this.pen.bg);
    p.x = 0;
  }

  deleteLines(n: number): void {
    const p = this.page;
    this.restrict();
    if (p.y < p.top || p.y > p.bottom) return;
    p.grid.shiftRows(p.y, p.bottom, -n, this.pen.bg);
    p.x = 0;
  }

  insertChars(n: number): void {
    this.restrict();
    this.page.grid.insertCells(this.page.y, this.page.x, n, this.pen.bg);
  }

  deleteChars(n: number): void {
    this.restrict();
    this.page.grid.deleteCells(this.page.y, this.page.x, n, this.pen.bg);
  }

  eraseChars(n: number): void {
    this.restrict();
    this.page.grid.erase(this.page.y, this.page.x, this.page.x + Math.min(n, this.cols), this.pen.bg);
  }

  /** SU: the region's content moves up n rows. */
  scrollUp(n: number): void {
    this.page.grid.shiftRows(this.page.top, this.page.bottom, -n, this.pen.bg);
  }

  /** SD: the region's content moves down n rows (xterm fills these with the default background). */
  scrollDown(n: number): void {
    this.page.grid.shiftRows(this.page.top, this.page.bottom, n, Color.DEFAULT);
  }

  /** DECALN: the screen full of E's, for aligning a CRT. */
  alignmentPattern(): void {
    const g = this.page.grid;
    for (let y = 0; y < this.rows; y++) for (let x = 0; x < this.cols; x++) g.set(x, y, 0x45, this.pen.fg, this.pen.bg, this.pen.flags);
    this.moveTo(0, 0);
  }

  // ---- modes ---------------------------------------------------------------------

  setMode(mode: number, on: boolean): void {
    if (mode === 4) this.insert = on;
    else if (mode === 20) this.newline = on;
  }

  setPrivateMode(mode: number, on: boolean): void {
    switch (mode) {
      case 1: this.appCursorKeys = on; break;
      case 2: if (on) this.g = [undefined, undefined, undefined, undefined]; break;
      case 6: this.origin = on; this.moveTo(0, 0); break;
      case 7: this.autowrap = on; break;
      case 25: this.cursorVisible = on; break;
      case 66: this.appKeypad = on; break;
      case 2004: this.bracketedPaste = on; break;
      case 1048: if (on) this.saveCursor(); else this.restoreCursor(); break;
      case 1049:
        if (on) { this.saveCursor(); this.useAlternate(); } else { this.useNormal(); this.restoreCursor(); }
        break;
      case 47: case 1047:
        if (on) this.useAlternate(); else this.useNormal();
        break;
      default: break;   // mouse reporting, focus events, cursor blink…: nothing to do on this console
    }
  }

  /** Enter the alternate screen, blank, keeping the cursor where it was. */
  private useAlternate(): void {
    if (this.page === this.alt) return;
    const g = this.alt.grid;
    for (let y = 0; y < this.rows; y++) g.erase(y, 0, this.cols, this.pen.bg);
    this.alt.x = this.normal.x;
    this.alt.y = this.normal.y;
    this.page = this.alt;
    g.markAllDirty();
  }

  private useNormal(): void {
    if (this.page === this.normal) return;
    this.normal.x = this.alt.x;
    this.normal.y = this.alt.y;
    this.page = this.normal;
    this.normal.grid.markAllDirty();
  }

  // ---- SGR, reports, resets ----------------------------------------------------------

  sgr(params: Int32Array, sub: Uint8Array, count: number): void { applySgr(this.pen, params, sub, count); }

  /** DSR: status (5) and cursor position (6) reports, answered on the terminal's input. */
  deviceStatus(mode: number, dec: boolean): void {
    if (mode === 5 && !dec) this.reply('\x1b[0n');
    else if (mode === 6) this.reply(`\x1b[${dec ? '?' : ''}${this.page.y + 1};${this.page.x + 1}R`);
  }

  /** DA1 / DA2: identify as xterm (a VT100 with advanced video). */
  deviceAttributes(secondary: boolean): void {
    this.reply(secondary ? '\x1b[>0;276;0c' : '\x1b[?1;2c');
  }

  /** CSI 18 t: the text area's size in characters. */
  reportSize(): void { this.reply(`\x1b[8;${this.rows};${this.cols}t`); }

  /** DECSTR. */
  softReset(): void {
    this.cursorVisible = true;
    this.page.top = 0;
    this.page.bottom = this.rows - 1;
    this.pen.fg = Color.DEFAULT; this.pen.bg = Color.DEFAULT; this.pen.flags = 0;
    this.insert = false;
    this.appCursorKeys = false;
    this.appKeypad = false;
    this.bracketedPaste = false;
    this.g = [undefined, undefined, undefined, undefined];
    this.gl = 0;
    this.page.saved = { x: 0, y: 0, fg: Color.DEFAULT, bg: Color.DEFAULT, flags: 0, gl: 0, g: this.g.slice() };
    this.origin = false;
  }

  /** RIS: as at power-on. */
  fullReset(): void {
    this.normal = new Page(this.cols, this.rows);
    this.alt = new Page(this.cols, this.rows);
    this.page = this.normal;
    this.pen.fg = Color.DEFAULT; this.pen.bg = Color.DEFAULT; this.pen.flags = 0;
    this.insert = false; this.autowrap = true; this.origin = false; this.newline = false;
    this.appCursorKeys = false; this.appKeypad = false; this.cursorVisible = true; this.bracketedPaste = false;
    this.g = [undefined, undefined, undefined, undefined];
    this.gl = 0;
    this.preceding = 0;
    this.title = '';
  }
}
