/**
 * A planned mapping of the new process, and the planned address space they
 * form: what the PROC_MAP broker is asked to do, in order (a later mapping
 * replaces the pages of an earlier one, as MAP_FIXED does in Linux).
 */
import { MMAP_MIN_ADDR, PAGE } from './layout.js';

export interface Mapping {
  /** Page aligned. */
  addr: number;
  /** Page aligned, > 0. */
  length: number;
  /** PROT_* bits. */
  prot: number;
  /** Bytes placed at addr + contentOffset; the rest of the mapping is zero. */
  content?: Uint8Array;
  contentOffset: number;
  /** A file-backed mapping: which image, and the file offset at `addr` (shown in /proc/<pid>/maps). */
  image?: 'program' | 'interp';
  fileOffset: number;
  /** '[stack]' for the stack; anonymous mappings have none. */
  name?: string;
  growsDown?: boolean;
}

/** The address ranges already planned, for placing an image where nothing is. */
export class Occupied {
  private readonly ranges: Array<[number, number]> = [];

  add(start: number, end: number): void {
    this.ranges.push([start, end]);
  }

  overlaps(start: number, end: number): boolean {
    return this.ranges.some(([s, e]) => start < e && s < end);
  }

  /**
   * The highest `align`-aligned address at or below `below - size` where `size`
   * bytes are free, as a top-down mmap search finds it; undefined if none.
   */
  topDown(size: number, below: number, align = PAGE): number | undefined {
    let top = below;
    for (;;) {
      const start = top - size;
      const at = start - (start % align);
      if (at < MMAP_MIN_ADDR) return undefined;
      // The highest range in the way, if any: continue below it.
      let blocker: number | undefined;
      for (const [s, e] of this.ranges) if (at < e && s < at + size) blocker = blocker === undefined ? s : Math.min(blocker, s);
      if (blocker === undefined) return at;
      top = blocker;
    }
  }
}
