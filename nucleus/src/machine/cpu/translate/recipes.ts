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

const recipes = new Map<number, number[][]>();

/** Recipe statistics: tries at REUSE_AT, and regions taken from a compiled factory. */
export const recipeStats = { tried: 0, reused: 0 };

/** Records the members (after the head) of a region just translated. */
export function rememberRecipe(blocks: Block[]): void {
  const head = blocks[0].va;
  const members = blocks.slice(1).map((b) => b.va);
  const same = (m: number[]): boolean => m.length === members.length && m.every((va, k) => va === members[k]);
  const known = recipes.get(head) ?? [];
  recipes.delete(head);
  if (recipes.size >= CAPACITY) recipes.delete(recipes.keys().next().value as number);
  recipes.set(head, [members, ...known.filter((m) => !same(m))].slice(0, PER_HEAD));
}

/** Member lists of regions that began at `va`, the most recent first. */
export function recipesFor(va: number): readonly number[][] | undefined {
  return recipes.get(va);
}
