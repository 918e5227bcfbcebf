import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAscii } from 'node:buffer';

const require = createRequire(import.meta.url);
const { loadBundle } = require('./loader.cjs') as typeof import('./loader.cjs');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('a bundle loads whether its source is ASCII or not, strings intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-loader-'));
  try {
    for (const [name, text] of [['ascii.cjs', 'plain'], ['utf8.cjs', 'caf\u00e9 \u2192 \u{1F600}']]) {
      const file = join(dir, name);
      writeFileSync(file, `module.exports = { text: ${JSON.stringify(text)}, file: __filename };\n`);
      const got = loadBundle(file, new Module(import.meta.url)) as { text: string; file: string };
      assert.equal(got.text, text);
      assert.equal(got.file, file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the built bundles are ASCII, so V8 holds their source as one-byte strings', () => {
  const bundles = ['platform/dist', 'nucleus/dist', 'cli/dist', ...readdirSync(join(ROOT, 'services')).map((s) => `services/${s}/dist`)]
    .flatMap((d) => (existsSync(join(ROOT, d)) ? readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.bundle.cjs')).map((f) => join(ROOT, d, f)) : []));
  assert.ok(bundles.length >= 12, `found ${bundles.length} bundles`);
  for (const b of bundles) assert.ok(isAscii(readFileSync(b)), `${b} has non-ASCII bytes`);
});
