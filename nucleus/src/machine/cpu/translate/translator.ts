/**
 * Block translator (placeholder until the code generator lands).
 */
import type { Block, BlockFn } from "../blocks.js";

export function translateBlock(_b: Block): BlockFn | null {
  return null;
}
