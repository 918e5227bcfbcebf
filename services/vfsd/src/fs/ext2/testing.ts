/** What the ext2 tests share: scratch directories, a seeded generator, walking paths. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ext2Fs, Ext2Node } from './fs.js';

/** Run `f` in a new scratch directory, removed afterwards. */
export async function inScratch(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ext2-test-'));
  try {
    await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A small seeded generator (mulberry32): the same sequence every run. */
export function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export function walk(fs: Ext2Fs, path: string): Ext2Node {
  let n: Ext2Node = fs.root();
  for (const part of path.split('/').filter(Boolean)) n = (n.lookup(part) as Ext2Node) ?? assert.fail(`no ${part}`);
  return n;
}
