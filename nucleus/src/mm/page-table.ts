/**
 * The only code that edits paging-structure entries. One PageTable owns a PML4 and
 * every table under it, all frames from the FrameAllocator, written into RAM in the
 * real format (../machine/pte.ts). Only 4 KiB leaves are made. Every edit of a leaf
 * invalidates that page in the owning Mmu, as a kernel follows a PTE write with invlpg.
 *
 * Intermediate entries are Present | Writable | User: the leaf alone decides the
 * page's rights. A leaf "holds" a frame when it is Present or Held (PROT_NONE).
 *
 * Leaves are exchanged as (frame, leaf) pairs, where `leaf` is the 13-bit view of
 * pte.ts (entry bits 0..11 plus NX).
 */
import { PAGE_SIZE } from "../machine/memory.js";
import type { Mmu } from "../machine/mmu.js";
import { leafHi, leafLo, leafOf, Pte, PTE_ADDR_LO } from "../machine/pte.js";
import type { FrameAllocator } from "./frames.js";

const TABLE_ENTRY = Pte.Present | Pte.Writable | Pte.User;
const HOLDS_FRAME = Pte.Present | Pte.Held;
/** Bytes covered by one entry at each level (index = level; 1 = PTE … 4 = PML4E). */
const SPAN = [0, 2 ** 12, 2 ** 21, 2 ** 30, 2 ** 39];

/**
 * Visits a leaf that holds a frame and returns its new leaf bits: the same value to
 * leave it alone, 0 to clear it (the caller owns the frame's reference), anything else
 * to rewrite the entry over the same frame.
 */
export type LeafVisitor = (va: number, frame: number, leaf: number) => number;

export class PageTable {
  /** Physical address of the PML4 (the CR3 value). */
  readonly root: number;
  /** Leaf bits found by the last successful lookup(). */
  leaf = 0;

  private readonly frames: FrameAllocator;
  private readonly mmu: Mmu;
  private readonly i32: Int32Array;

  /** A page table with an empty PML4, or undefined when no frame is left. */
  static create(frames: FrameAllocator, mmu: Mmu): PageTable | undefined {
    const root = frames.allocate();
    return root < 0 ? undefined : new PageTable(frames, mmu, root * PAGE_SIZE);
  }

  private constructor(frames: FrameAllocator, mmu: Mmu, root: number) {
    this.frames = frames;
    this.mmu = mmu;
    this.root = root;
    this.i32 = new Int32Array(frames.ram.buffer, 0, frames.ram.size >> 2);
  }

  /**
   * Points the page at `va` to `frame` with `leaf` bits, replacing whatever was there
   * (the caller has dealt with the old frame). False when an intermediate table could
   * not be allocated.
   */
  map(va: number, frame: number, leaf: number): boolean {
    let table = this.root;
    for (let level = 4; level > 1; level--) {
      const slot = this.slot(table, va, level);
      if ((this.i32[slot] & Pte.Present) === 0) {
        const fresh = this.frames.allocate();
        if (fresh < 0) return false;
        this.i32[slot] = leafLo(fresh, TABLE_ENTRY);
        this.i32[slot + 1] = 0;
      }
      table = (this.i32[slot] & PTE_ADDR_LO) >>> 0;
    }
    const slot = this.slot(table, va, 1);
    this.i32[slot] = leafLo(frame, leaf);
    this.i32[slot + 1] = leafHi(leaf);
    this.mmu.invalidatePage(va);
    return true;
  }

  /** The frame mapped at `va` (leaf bits in `this.leaf`), or 0 when no leaf holds one. */
  lookup(va: number): number {
    let table = this.root;
    for (let level = 4; level >= 1; level--) {
      const slot = this.slot(table, va, level);
      const lo = this.i32[slot];
      if (level === 1) {
        if ((lo & HOLDS_FRAME) === 0) return 0;
        this.leaf = leafOf(lo, this.i32[slot + 1]);
        return ((lo & PTE_ADDR_LO) >>> 0) / PAGE_SIZE;
      }
      if ((lo & Pte.Present) === 0) return 0;
      table = (lo & PTE_ADDR_LO) >>> 0;
    }
    return 0;
  }

  /**
   * Visits, in address order, every leaf holding a frame in [start, end), rewriting or
   * clearing it as the visitor says. Tables left empty by clearing are freed.
   */
  update(start: number, end: number, visit: LeafVisitor): void {
    this.visitTable(this.root, 4, 0, start, end, visit);
  }

  /** Frees every table, root included. Leaves must have been cleared with update(). */
  destroy(): void {
    this.update(0, SPAN[4] * 512, () => 0);
    this.frames.unref(this.root / PAGE_SIZE);
  }

  private slot(table: number, va: number, level: number): number {
    return (table + (Math.floor(va / SPAN[level]) & 511) * 8) >> 2;
  }

  /** Returns true when the table holds no entry any more after a visit that cleared something. */
  private visitTable(table: number, level: number, base: number, start: number, end: number, visit: LeafVisitor): boolean {
    const span = SPAN[level];
    const first = Math.max(0, Math.floor((start - base) / span));
    const last = Math.min(511, Math.ceil((end - base) / span) - 1);
    const i32 = this.i32;
    let cleared = false;
    for (let index = first; index <= last; index++) {
      const slot = (table >> 2) + index * 2;
      const lo = i32[slot];
      const va = base + index * span;
      if (level > 1) {
        if ((lo & Pte.Present) === 0) continue;
        const child = (lo & PTE_ADDR_LO) >>> 0;
        if (this.visitTable(child, level - 1, va, start, end, visit)) {
          this.frames.unref(child / PAGE_SIZE);
          i32[slot] = 0;
          i32[slot + 1] = 0;
          cleared = true;
        }
        continue;
      }
      if ((lo & HOLDS_FRAME) === 0) continue;
      const hi = i32[slot + 1];
      const leaf = leafOf(lo, hi);
      const frame = ((lo & PTE_ADDR_LO) >>> 0) / PAGE_SIZE;
      const next = visit(va, frame, leaf);
      if (next === leaf) continue;
      if (next === 0) {
        i32[slot] = 0;
        i32[slot + 1] = 0;
        cleared = true;
      } else {
        i32[slot] = leafLo(frame, next);
        i32[slot + 1] = leafHi(next);
      }
      this.mmu.invalidatePage(va);
    }
    return cleared && this.isEmpty(table);
  }

  private isEmpty(table: number): boolean {
    const from = table >> 2;
    for (let w = from; w < from + 1024; w++) if (this.i32[w] !== 0) return false;
    return true;
  }
}
