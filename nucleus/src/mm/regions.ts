/**
 * The region list of an address space (Linux's VMAs): sorted, non-overlapping,
 * page-aligned [start, end) ranges with their protection, mapping flags, a name for
 * /proc/self/maps and an optional file identity. Only bookkeeping lives here; the
 * pages behind the regions are address-space.ts's business.
 */

/** PROT_* values of Linux. */
export const enum Prot { None = 0, Read = 1, Write = 2, Exec = 4 }

/** MAP_* values of Linux that describe a region. */
export const enum MapFlag { Shared = 0x01, Private = 0x02, Anonymous = 0x20, GrowsDown = 0x100 }

/** The file a mapping came from, as the caller (loader, vfs) identifies it. */
export interface FileIdentity {
  readonly device: number;
  readonly inode: number;
  /** File offset of the region's first byte. */
  readonly offset: number;
  readonly path: string;
}

export interface Region {
  start: number;
  end: number;
  prot: number;
  flags: number;
  /** Shown in /proc/self/maps when there is no file: "[stack]", "[heap]", ... */
  name: string;
  file?: FileIdentity;
}

export class RegionList {
  private list: Region[] = [];

  /** The regions in address order (the live objects: callers must not mutate them). */
  all(): readonly Region[] {
    return this.list;
  }

  /** The region containing va, if any. */
  find(va: number): Region | undefined {
    const i = this.firstEndingAfter(va);
    const r = this.list[i];
    return r !== undefined && r.start <= va ? r : undefined;
  }

  /** The first region that starts at or above va (used to find a growsdown stack above a fault). */
  above(va: number): Region | undefined {
    const i = this.firstEndingAfter(va);
    const r = this.list[i];
    return r !== undefined && r.start <= va ? this.list[i + 1] : r;
  }

  /** The last region that ends at or below va. */
  below(va: number): Region | undefined {
    const i = this.firstEndingAfter(va);
    return this.list[i - 1];
  }

  /** True when [start, end) is entirely covered by regions, without holes. */
  covers(start: number, end: number): boolean {
    let at = start;
    for (let i = this.firstEndingAfter(start); i < this.list.length && at < end; i++) {
      const r = this.list[i];
      if (r.start > at) return false;
      at = r.end;
    }
    return at >= end;
  }

  /**
   * Removes [start, end) from every region, splitting the ones that straddle an edge.
   * Returns the pieces that were inside, so the caller can release their pages.
   */
  carve(start: number, end: number): Region[] {
    const removed: Region[] = [];
    const kept: Region[] = [];
    const i = this.firstEndingAfter(start);
    let j = i;
    for (; j < this.list.length && this.list[j].start < end; j++) {
      const r = this.list[j];
      if (r.start < start) kept.push(slice(r, r.start, start));
      removed.push(slice(r, Math.max(r.start, start), Math.min(r.end, end)));
      if (r.end > end) kept.push(slice(r, end, r.end));
    }
    this.list.splice(i, j - i, ...kept);
    return removed;
  }

  /** Inserts a region into a hole (carve first), merging it with equal neighbours. */
  insert(region: Region): void {
    const i = this.firstEndingAfter(region.start);
    this.list.splice(i, 0, region);
    this.mergeAround(i);
  }

  /** Splits regions so that start and end fall on region boundaries. */
  splitAt(start: number, end: number): void {
    for (const edge of [start, end]) {
      const i = this.firstEndingAfter(edge);
      const r = this.list[i];
      if (r !== undefined && r.start < edge) this.list.splice(i, 1, slice(r, r.start, edge), slice(r, edge, r.end));
    }
  }

  /** Sets the protection of every region inside [start, end) (split first), then re-merges. */
  setProt(start: number, end: number, prot: number): void {
    this.splitAt(start, end);
    const from = this.firstEndingAfter(start);
    let to = from;
    for (; to < this.list.length && this.list[to].start < end; to++) this.list[to].prot = prot;
    for (let k = to; k >= from; k--) this.mergeAround(k);
  }

  /** Lowers the start of a growsdown region (stack expansion). */
  growDown(region: Region, newStart: number): void {
    if (region.file !== undefined) region.file = { ...region.file, offset: region.file.offset - (region.start - newStart) };
    region.start = newStart;
  }

  clone(): RegionList {
    const copy = new RegionList();
    copy.list = this.list.map((r) => ({ ...r }));
    return copy;
  }

  /** Index of the first region whose end is above va. */
  private firstEndingAfter(va: number): number {
    let lo = 0, hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid].end <= va) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Merges list[i] with its neighbours when they continue each other. */
  private mergeAround(i: number): void {
    if (i + 1 < this.list.length && i >= 0 && continues(this.list[i], this.list[i + 1])) {
      this.list[i].end = this.list[i + 1].end;
      this.list.splice(i + 1, 1);
    }
    if (i > 0 && i < this.list.length && continues(this.list[i - 1], this.list[i])) {
      this.list[i - 1].end = this.list[i].end;
      this.list.splice(i, 1);
    }
  }
}

function slice(r: Region, start: number, end: number): Region {
  const piece: Region = { ...r, start, end };
  if (r.file !== undefined) piece.file = { ...r.file, offset: r.file.offset + (start - r.start) };
  return piece;
}

/** Two adjacent regions that Linux would show as one line of /proc/self/maps. */
function continues(a: Region, b: Region): boolean {
  if (a.end !== b.start || a.prot !== b.prot || a.flags !== b.flags || a.name !== b.name) return false;
  // Each shared anonymous mapping is its own object; Linux never merges those.
  if (a.file === undefined || b.file === undefined) return a.file === b.file && (a.flags & MapFlag.Shared) === 0;
  return a.file.device === b.file.device && a.file.inode === b.file.inode &&
    a.file.path === b.file.path && a.file.offset + (a.end - a.start) === b.file.offset;
}
