/**
 * The PSF loader against the font file itself and against kbd's psfgettable
 * (Debian's tool for reading a console font's Unicode table).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_FONT, FontError, loadFont, parseFont } from './psf.js';

const raw = gunzipSync(readFileSync(DEFAULT_FONT));

test('the default console font loads as PSF1 8x16 with its Unicode table', () => {
  const f = loadFont(DEFAULT_FONT);
  assert.equal(f.width, 8);
  assert.equal(f.height, raw[3]);
  assert.equal(f.glyphs, raw[2]! & 1 ? 512 : 256);
  // PSF1 glyphs follow the 4-byte header, `height` bytes each.
  for (const g of [0, 0x41, 0xb3, f.glyphs - 1]) {
    assert.deepEqual([...f.bitmap.subarray(g * f.height, (g + 1) * f.height)], [...raw.subarray(4 + g * f.height, 4 + (g + 1) * f.height)]);
  }
});

test('every code point psfgettable lists maps to the glyph it names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uiserver-font-'));
  writeFileSync(join(dir, 'font.psf'), raw);
  execFileSync('psfgettable', [join(dir, 'font.psf'), join(dir, 'table.txt')]);
  const f = loadFont(DEFAULT_FONT);
  let checked = 0;
  for (const line of readFileSync(join(dir, 'table.txt'), 'utf8').split('\n')) {
    const m = /^0x([0-9a-f]+)\s+(.*)$/i.exec(line);
    if (!m) continue;
    const glyph = parseInt(m[1]!, 16);
    // "U+xxxx U+yyyy" are alternatives; "U+a,U+b" would be a sequence (not single code points).
    for (const alt of m[2]!.split(/\s+/).filter((t) => /^U\+[0-9a-f]+$/i.test(t))) {
      const cp = parseInt(alt.slice(2), 16);
      // A code point listed for two glyphs shows the first, as the kernel does.
      if (f.glyphFor(cp) !== glyph) assert.ok(f.glyphFor(cp) < glyph, `U+${cp.toString(16)} -> glyph ${f.glyphFor(cp)}, psfgettable says ${glyph}`);
      checked++;
    }
  }
  assert.ok(checked >= 250, `only ${checked} mappings checked`);
  assert.equal(f.glyphFor(0x41), 0x41);
  assert.equal(f.glyphFor(0x2500), 0xc4);   // ─ is CP437's 0xC4 in this VGA font
});

test('a code point without a glyph shows the font\'s replacement glyph', () => {
  const f = loadFont(DEFAULT_FONT);
  const repl = f.glyphFor(0xfffd);
  assert.equal(f.glyphFor(0x4e2d), repl);     // 中: no CJK in a VGA font
  assert.equal(f.glyphFor(0x1f600), repl);
});

test('truncated or foreign files are refused with a clear error', () => {
  assert.throws(() => parseFont(raw.subarray(0, 100), 'cut.psf'), (e: Error) => e instanceof FontError && /truncated/.test(e.message));
  assert.throws(() => parseFont(Buffer.from('not a font at all, really not'), 'x'), /bad magic/);
});
