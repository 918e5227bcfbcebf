/**
 * PC Screen Font (PSF1 and PSF2) files, the Linux console's bitmap fonts, as
 * Debian ships them under /usr/share/consolefonts (gzipped or not). A font is
 * its glyph bitmaps (one bit per pixel, rows padded to whole bytes, most
 * significant bit leftmost) and the Unicode table saying which glyph shows which
 * code point. Layouts: the kbd project's font-formats documentation.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface Font {
  width: number;
  height: number;
  glyphs: number;
  bytesPerRow: number;
  bytesPerGlyph: number;
  /** Every glyph's bitmap, glyph after glyph. */
  bitmap: Uint8Array;
  /** The glyph for a code point: the font's own replacement (U+FFFD, then '?') when it has none. */
  glyphFor(cp: number): number;
}

export class FontError extends Error {}

/** Debian's (console-data) classic VGA 8x16 font with its Unicode table. */
export const DEFAULT_FONT = '/usr/share/consolefonts/default8x16.psf.gz';

export function loadFont(path: string): Font {
  let data: Uint8Array = readFileSync(path);
  if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
  return parseFont(data, path);
}

export function parseFont(data: Uint8Array, name = 'font'): Font {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length >= 4 && data[0] === 0x36 && data[1] === 0x04) return psf1(data, name);
  if (data.length >= 32 && view.getUint32(0, true) === 0x864ab572) return psf2(data, view, name);
  throw new FontError(`${name}: not a PSF font (bad magic)`);
}

function psf1(data: Uint8Array, name: string): Font {
  const mode = data[2]!;
  const height = data[3]!;
  const glyphs = mode & 0x01 ? 512 : 256;
  const size = glyphs * height;
  if (height === 0 || data.length < 4 + size) throw new FontError(`${name}: PSF1 glyph data is truncated`);
  const table = new Map<number, number>();
  if (mode & 0x06) {
    // Per glyph: UCS-2 code points, 0xFFFE then sequences (ignored), 0xFFFF ends the glyph's entry.
    let at = 4 + size;
    for (let g = 0; g < glyphs && at + 1 < data.length; g++) {
      let inSequences = false;
      for (; at + 1 < data.length; at += 2) {
        const u = data[at]! | (data[at + 1]! << 8);
        if (u === 0xffff) { at += 2; break; }
        if (u === 0xfffe) inSequences = true;
        else if (!inSequences && !table.has(u)) table.set(u, g);
      }
    }
  }
  return font(8, height, glyphs, 1, data.subarray(4, 4 + size), table);
}

function psf2(data: Uint8Array, view: DataView, name: string): Font {
  const headerSize = view.getUint32(8, true);
  const flags = view.getUint32(12, true);
  const glyphs = view.getUint32(16, true);
  const bytesPerGlyph = view.getUint32(20, true);
  const height = view.getUint32(24, true);
  const width = view.getUint32(28, true);
  const bytesPerRow = (width + 7) >> 3;
  if (width === 0 || height === 0 || bytesPerGlyph < bytesPerRow * height || glyphs === 0 || glyphs > 0x10000
    || headerSize + glyphs * bytesPerGlyph > data.length) throw new FontError(`${name}: PSF2 header is inconsistent with the file`);
  const end = headerSize + glyphs * bytesPerGlyph;
  const table = new Map<number, number>();
  if (flags & 1) {
    // Per glyph: UTF-8 code points, 0xFE then sequences (ignored), 0xFF ends the glyph's entry.
    const text = new TextDecoder();
    let at = end;
    for (let g = 0; g < glyphs && at < data.length; g++) {
      let stop = at;
      while (stop < data.length && data[stop] !== 0xff) stop++;
      let single = stop;
      for (let i = at; i < stop; i++) if (data[i] === 0xfe) { single = i; break; }
      for (const ch of text.decode(data.subarray(at, single))) {
        const cp = ch.codePointAt(0)!;
        if (!table.has(cp)) table.set(cp, g);
      }
      at = stop + 1;
    }
  }
  return font(width, height, glyphs, bytesPerRow, data.subarray(headerSize, end), table, bytesPerGlyph);
}

function font(width: number, height: number, glyphs: number, bytesPerRow: number, bitmap: Uint8Array,
  table: Map<number, number>, bytesPerGlyph = bytesPerRow * height): Font {
  // Without a table, glyph i shows code point i (the font's native encoding).
  if (table.size === 0) for (let g = 0; g < glyphs; g++) table.set(g, g);
  // The Basic Multilingual Plane as a flat array: the lookup is per drawn cell.
  const bmp = new Int32Array(0x10000).fill(-1);
  for (const [cp, g] of table) if (cp < 0x10000) bmp[cp] = g;
  const fallback = table.get(0xfffd) ?? table.get(0x3f) ?? 0;
  return {
    width, height, glyphs, bytesPerRow, bytesPerGlyph, bitmap,
    glyphFor(cp: number): number {
      const g = cp < 0x10000 ? bmp[cp]! : table.get(cp) ?? -1;
      return g >= 0 ? g : fallback;
    },
  };
}

/** A font whose glyphs are all empty: what the console draws with when no font file can be read. */
export function blankFont(width = 8, height = 16): Font {
  return font(width, height, 1, (width + 7) >> 3, new Uint8Array(((width + 7) >> 3) * height), new Map([[0x20, 0]]));
}
