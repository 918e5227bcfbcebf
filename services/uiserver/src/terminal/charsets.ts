/**
 * The character sets a VT100 can designate into G0..G3 (ESC ( X, ESC ) X, …) and
 * invoke with SI/SO. Only the ones programs actually use are here: US ASCII, the
 * UK set, and DEC Special Graphics (line drawing, used by curses for box borders
 * when the terminal's `acsc` says so).
 */

/** A set maps ASCII code points 0x20..0x7e to what is displayed; undefined means ASCII. */
export type Charset = Uint32Array | undefined;

function table(pairs: Record<string, number>): Uint32Array {
  const t = new Uint32Array(128);
  for (let c = 0; c < 128; c++) t[c] = c;
  for (const [k, v] of Object.entries(pairs)) t[k.charCodeAt(0)] = v;
  return t;
}

/** DEC Special Graphics (VT100 User Guide, table 3-9), as Unicode. */
const DEC_GRAPHICS = table({
  '`': 0x25c6, a: 0x2592, b: 0x2409, c: 0x240c, d: 0x240d, e: 0x240a, f: 0x00b0, g: 0x00b1,
  h: 0x2424, i: 0x240b, j: 0x2518, k: 0x2510, l: 0x250c, m: 0x2514, n: 0x253c, o: 0x23ba,
  p: 0x23bb, q: 0x2500, r: 0x23bc, s: 0x23bd, t: 0x251c, u: 0x2524, v: 0x2534, w: 0x252c,
  x: 0x2502, y: 0x2264, z: 0x2265, '{': 0x03c0, '|': 0x2260, '}': 0x00a3, '~': 0x00b7,
});

const UK = table({ '#': 0x00a3 });

/** The set a designation's final byte names; unknown sets fall back to ASCII. */
export function charsetFor(final: number): Charset {
  if (final === 0x30) return DEC_GRAPHICS;   // '0'
  if (final === 0x41) return UK;             // 'A'
  return undefined;
}
