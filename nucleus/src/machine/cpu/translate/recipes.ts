/**
 * Region recipes: which blocks each region was made of, by the address of its
 * first block. Every address space decodes and counts its code afresh (a block's
 * hotness belongs to its frame), so the same program run again would interpret
 * each hot block up to the threshold before reaching the region that a previous
 * run compiled (factories.ts) and V8 optimised long ago: ~5 million instructions
 * per run of sort_hash (docs/BENCHMARKS.md). A block that was a region's head
 * before, once warm (REUSE_AT runs), rebuilds that region from the same addresses
 * and takes it only if its source is one already compiled (same text: the same
 * guest code at the same addresses), so nothing new is compiled early.
 */
import type { Block } from "../blocks.js";

/** Runs of a block after which a recipe is tried (once): warm, well below the threshold. */
export const REUSE_AT = 64;
/** Member lists kept per head address (different programs load code at the same addresses). */
const PER_HEAD = 4;
/** Head addresses kept (the oldest is forgotten first). */
const CAPACITY = 4096;

/** A region's member addresses, and a fingerprint of its head block's code. */
interface Recipe {
  code: number;
  members: number[];
}

const recipes = new Map<number, Recipe[]>();

/** Recipe statistics: tries at REUSE_AT, and regions taken from a compiled factory. */
export const recipeStats = { tried: 0, reused: 0 };

/**
 * FNV-1a over the head block's bytes in its frame (up to the page's end): other
 * code at the same address is turned away before its source is generated.
 */
function headCode(u8: Uint8Array, b: Block): number {
  const end = Math.min(b.phys + (b.end - b.va), b.physPage + 4096);
  let h = 0x811c9dc5;
  for (let p = b.phys; p < end; p++) h = Math.imul(h ^ u8[p], 0x01000193);
  return h;
}

/** Records a region just translated: its head's code (in `u8`, the RAM) and its members (after the head). */
export function rememberRecipe(blocks: Block[], u8: Uint8Array): void {
  const head = blocks[0].va;
  const code = headCode(u8, blocks[0]);
  const members = blocks.slice(1).map((b) => b.va);
  const same = (r: Recipe): boolean => r.code === code && r.members.length === members.length && r.members.every((va, k) => va === members[k]);
  const known = recipes.get(head) ?? [];
  recipes.delete(head);
  if (recipes.size >= CAPACITY) recipes.delete(recipes.keys().next().value as number);
  recipes.set(head, [{ code, members }, ...known.filter((r) => !same(r))].slice(0, PER_HEAD));
}

/** Member lists of regions that began at b's address with b's code (in `u8`, the RAM), the most recent first. */
export function recipesFor(b: Block, u8: Uint8Array): number[][] {
  const known = recipes.get(b.va);
  if (known === undefined) return [];
  const code = headCode(u8, b);
  return known.filter((r) => r.code === code).map((r) => r.members);
}
