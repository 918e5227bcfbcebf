/**
 * Drawing the console: a glyph lands in the framebuffer bit for bit as the font
 * has it, and damage is exactly the cells that changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Terminal } from '../terminal/terminal.js';
import { ConsoleView } from './console-view.js';
import { Compositor, Surface } from './compositor.js';
import { DEFAULT_FONT, loadFont } from './psf.js';
import { DEFAULT_BG, DEFAULT_FG, PALETTE } from './palette.js';
import { MemoryDisplay } from '../display/memory.js';

const font = loadFont(DEFAULT_FONT);

function setup(cols = 40, rows = 10) {
  const display = new MemoryDisplay(cols * font.width, rows * font.height);
  const compositor = new Compositor(display);
  const surface = new Surface(0, 0, display.width, display.height);
  compositor.add(surface);
  const term = new Terminal(cols, rows);
  const view = new ConsoleView(term.screen, font, surface);
  const frame = async () => {
    for (const r of view.paint()) compositor.damageSurface(surface, r);
    return compositor.compose();
  };
  return { display, compositor, term, view, frame };
}

/** The cell's pixels from the display, as 0/1 bits where fg is 1. */
function cellBits(display: MemoryDisplay, cx: number, cy: number, fg: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < font.height; r++) {
    let byte = 0;
    for (let c = 0; c < font.width; c++) if (display.pixels[(cy * font.height + r) * display.width + cx * font.width + c] === fg) byte |= 0x80 >> c;
    out.push(byte);
  }
  return out;
}

const fontBits = (cp: number) => [...font.bitmap.subarray(font.glyphFor(cp) * font.height, (font.glyphFor(cp) + 1) * font.height)];

test('a rendered glyph equals the font bitmap, in the text colour on the background', async () => {
  const { display, term, frame } = setup();
  term.write('\x1b[?25lAg\x1b[31m@\x1b[m\x1b[44m─');
  await frame();
  assert.deepEqual(cellBits(display, 0, 0, DEFAULT_FG), fontBits(0x41));
  assert.deepEqual(cellBits(display, 1, 0, DEFAULT_FG), fontBits(0x67));
  assert.deepEqual(cellBits(display, 2, 0, PALETTE[1]!), fontBits(0x40));
  // Every pixel of the box-drawing cell is either the text colour or the blue background.
  const bits = cellBits(display, 3, 0, DEFAULT_FG);
  assert.deepEqual(bits, fontBits(0x2500));
  for (let r = 0; r < font.height; r++) for (let c = 0; c < font.width; c++) {
    const p = display.pixels[r * display.width + 3 * font.width + c];
    assert.ok(p === DEFAULT_FG || p === PALETTE[4], `pixel ${c},${r} is ${p?.toString(16)}`);
  }
  assert.equal(display.pixels[0 * display.width + 5 * font.width], DEFAULT_BG);
});

test('changing one cell damages exactly that cell', async () => {
  const { display, term, frame } = setup();
  term.write('hello world');
  await frame();
  display.presented = [];
  // Move away, change a cell, come back: the cursor ends where it was.
  term.write('\x1b[1;3HX\x1b[1;12H');
  const rects = await frame();
  assert.deepEqual(rects, [{ x: 2 * font.width, y: 0, w: font.width, h: font.height }]);
  assert.deepEqual(display.presented, [rects]);
  assert.deepEqual(cellBits(display, 2, 0, DEFAULT_FG), fontBits(0x58));
});

test('a keystroke echo damages the typed cell and the cursor\'s new cell only', async () => {
  const { term, frame } = setup();
  term.write('$ ');
  await frame();
  term.write('e');
  const rects = await frame();
  // The typed cell (2,0) and the cursor now at (3,0): adjacent, so one rectangle.
  assert.deepEqual(rects, [{ x: 2 * font.width, y: 0, w: 2 * font.width, h: font.height }]);
});

test('nothing changed, nothing presented', async () => {
  const { display, frame } = setup();
  await frame();
  display.presented = [];
  assert.deepEqual(await frame(), []);
  assert.equal(display.presented.length, 0);
});

test('the cursor is drawn reversed, and hiding it repaints its cell', async () => {
  const { display, term, frame } = setup();
  term.write('ab');
  await frame();
  // The cursor cell (2,0) is blank, reversed: all text colour.
  assert.deepEqual(cellBits(display, 2, 0, DEFAULT_FG), Array(font.height).fill(0xff));
  term.write('\x1b[?25l');
  const rects = await frame();
  assert.deepEqual(rects, [{ x: 2 * font.width, y: 0, w: font.width, h: font.height }]);
  assert.deepEqual(cellBits(display, 2, 0, DEFAULT_FG), Array(font.height).fill(0));
});

test('a scroll repaints the rows that moved as one rectangle', async () => {
  const { term, frame } = setup(20, 4);
  term.write('1\r\n2\r\n3\r\n4');
  await frame();
  term.write('\r\n5');
  const rects = await frame();
  // Every row changed and the full width of each row is dirty: one merged rectangle.
  assert.deepEqual(rects, [{ x: 0, y: 0, w: 20 * font.width, h: 4 * font.height }]);
});
