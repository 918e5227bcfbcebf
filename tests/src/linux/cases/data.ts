/**
 * Inputs the cases copy into the guest: generated here from a fixed seed (so they
 * are the same on every host and every run), and the suite's shell scripts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';

const SCRIPTS = join(ROOT, 'tests', 'linux-programs', 'scripts');

export function script(name: string): string {
  return readFileSync(join(SCRIPTS, name), 'utf8');
}

/** A small linear congruential generator: reproducible everywhere; its weak low bits are dropped. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 16;
  };
}

const VOCABULARY = ['apple', 'banana', 'cat', 'cats', 'dog', 'dogs', 'elephant', 'echo', 'fig', 'grape', 'house', 'ink',
  'jam', 'kite', 'lemon', 'mango', 'night', 'orange', 'pear', 'quince', 'river', 'stone', 'the', 'umbrella', 'violet',
  'water', 'xenon', 'yellow', 'zebra', 'Banana', 'Cat', 'Apple', 'anchor', 'bandana', 'candle', 'dance'];

export const WORDS = (() => {
  const next = generator(7);
  return Array.from({ length: 400 }, () => VOCABULARY[next() % VOCABULARY.length]).join('\n') + '\n';
})();

export const TABLE = (() => {
  const next = generator(11);
  return Array.from({ length: 40 }, (_, i) => `${VOCABULARY[(i * 7) % VOCABULARY.length]}${i}:${next() % 500}:${VOCABULARY[next() % VOCABULARY.length]}`).join('\n') + '\n';
})();

export const NUMBERS = (() => {
  const next = generator(13);
  return Array.from({ length: 60 }, () => String((next() % 20000) - 5000)).join('\n') + '\n';
})();

export const PAIRS = (() => {
  const next = generator(17);
  return Array.from({ length: 30 }, (_, i) => `${'kqxab'[next() % 5]} ${i}`).join('\n') + '\n';
})();

export const PROSE = [
  'The quick brown fox jumps over the lazy dog.',
  'Pack my box with five dozen liquor jugs; the jugs were heavy.',
  'Sphinx of black quartz, judge my vow!',
  'How vexingly quick daft zebras jump, said the other one.',
  'Tabs\tand  double  spaces stay as they are.',
].join('\n') + '\n';

/** The files most text cases read. */
export const TEXT_FILES = { 'words.txt': WORDS, 'table.txt': TABLE, 'numbers.txt': NUMBERS, 'pairs.txt': PAIRS, 'prose.txt': PROSE };

/** n lines of generated text, for stdin. */
export function lines(n: number, seed = 5): string {
  const next = generator(seed);
  let out = '';
  for (let i = 0; i < n; i++) out += `${i} ${VOCABULARY[next() % VOCABULARY.length]} ${next() % 1000}\n`;
  return out;
}
