/**
 * An address space: its page table, its Mmu and its region list, and the mechanisms
 * the MM broker and the loader build on: map / unmap / protect, demand paging and
 * copy-on-write (handleFault), fork, destroy, and the user-copy primitives a syscall
 * uses to touch guest memory.
 *
 * Never here: choosing addresses (findFree only reports gaps; the caller picks), brk,
 * rlimits other than the stack size, or anything about files beyond their identity.
 *
 * Pages are allocated on first touch. A private page shared after fork is mapped
 * read-only in both spaces; the first write copies it, unless nobody else holds it any
 * more, in which case it just becomes writable again. Errors come back as negative
 * Linux errno values; nothing here throws at a caller for bad input.
 */
import { PfError } from "../machine/fault.js";
import { PAGE_SIZE } from "../machine/memory.js";
import { Mmu } from "../machine/mmu.js";
import { LEAF_NX, Pte } from "../machine/pte.js";
import { EINVAL, ENOMEM } from "./errno.js";
import type { FrameAllocator } from "./frames.js";
import { PageTable } from "./page-table.js";
import { MapFlag, Prot, RegionList, type FileIdentity, type Region } from "./regions.js";
import type { SectionKey, Sections } from "./sections.js";
import { copyIn, copyOut, probeWrite, readCString } from "./user-copy.js";

/** One past the highest user address (Linux's TASK_SIZE on x86-64 with 4-level paging). */
export const USER_END = 2 ** 47 - PAGE_SIZE;
/** Lowest address findFree reports (Linux's default vm.mmap_min_addr). */
export const USER_MIN = 0x10000;
/** si_code values of a SIGSEGV. */
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
/** Linux keeps this much unmapped space below a stack it grows (stack_guard_gap). */
const STACK_GUARD_GAP = 256 * PAGE_SIZE;

export type FaultResult = "resolved" | "segv" | "oom";

export interface MapOptions {
  name?: string;
  file?: FileIdentity;
  /** Bytes placed at `offset` within the region; the pages they touch are allocated now. */
  content?: Uint8Array;
  offset?: number;
  /** Allocate every page now instead of on first touch (MAP_POPULATE). */
  populate?: boolean;
  /**
   * A shared file mapping backed by the file's section (sections.ts): every page
   * is mapped now to the section's frame for it; `content` only fills frames the
   * section did not have yet.
   */
  section?: { sections: Sections; key: SectionKey };
}

export class AddressSpace {
  readonly mmu: Mmu;
  private resident = 0;
  /** SEGV_MAPERR or SEGV_ACCERR after handleFault returned "segv". */
  segvCode = 0;
  /** Largest size a growsdown region may reach by faulting below it (RLIMIT_STACK). */
  stackLimit = 8 * 1024 * 1024;

  private readonly frames: FrameAllocator;
  private readonly pt: PageTable;
  private regionList = new RegionList();
  private destroyed = false;

  /** An empty address space, or -ENOMEM. */
  static create(frames: FrameAllocator): AddressSpace | number {
    const mmu = new Mmu(frames.ram);
    const pt = PageTable.create(frames, mmu);
    if (pt === undefined) {
      mmu.release();
      return -ENOMEM;
    }
    return new AddressSpace(frames, mmu, pt);
  }

  private constructor(frames: FrameAllocator, mmu: Mmu, pt: PageTable) {
    this.frames = frames;
    this.mmu = mmu;
    this.pt = pt;
    mmu.setRoot(pt.root);
    mmu.onCodeWrite = (frame) => frames.onCodeFrame(frame);
  }

  /** A snapshot of the regions in address order. */
  regions(): Region[] {
    return this.regionList.all().map((r) => ({ ...r }));
  }

  /** Pages with a frame behind them (RSS). */
  get residentPages(): number {
    return this.resident;
  }

  get mappedBytes(): number {
    let sum = 0;
    for (const r of this.regionList.all()) sum += r.end - r.start;
    return sum;
  }

  /**
   * Maps [start, start + length) with MAP_FIXED semantics: whatever was there goes.
   * `flags` holds exactly one of MapFlag.Shared / MapFlag.Private. Returns 0 or -errno.
   */
  map(start: number, length: number, prot: number, flags: number, options: MapOptions = {}): number {
    const end = this.rangeEnd(start, length);
    if (end < 0) return end;
    if ((prot & ~(Prot.Read | Prot.Write | Prot.Exec)) !== 0) return -EINVAL;
    if (((flags & MapFlag.Shared) !== 0) === ((flags & MapFlag.Private) !== 0)) return -EINVAL;
    const content = options.content;
    const offset = options.offset ?? 0;
    if (content !== undefined && !(Number.isInteger(offset) && offset >= 0 && offset + content.length <= end - start)) return -EINVAL;

    this.release(start, end);
    this.regionList.insert({ start, end, prot, flags, name: options.name ?? "", file: options.file });

    const leaf = leafFor(prot, true);
    if (options.section) return this.mapSection(start, end, leaf, options);
    if (options.populate === true) {
      for (let page = start; page < end; page += PAGE_SIZE) {
        if (this.pt.lookup(page) === 0 && this.mapFresh(page, leaf) < 0) return this.undoMap(start, end);
      }
    }
    if (content !== undefined && content.length > 0) {
      const from = start + offset, to = from + content.length;
      for (let page = pageDown(from); page < to; page += PAGE_SIZE) {
        let frame = this.pt.lookup(page);
        if (frame === 0 && (frame = this.mapFresh(page, leaf)) < 0) return this.undoMap(start, end);
        const lo = Math.max(from, page), hi = Math.min(to, page + PAGE_SIZE);
        this.frames.ram.u8.set(content.subarray(lo - from, hi - from), frame * PAGE_SIZE + (lo - page));
      }
    }
    return 0;
  }

  /** Every page of [start, end) mapped to its section frame (a fresh frame takes its bytes from `content`). */
  private mapSection(start: number, end: number, leaf: number, options: MapOptions): number {
    const { sections, key } = options.section!;
    const firstIndex = Math.floor((options.file?.offset ?? 0) / PAGE_SIZE);
    const content = options.content, offset = options.offset ?? 0;
    for (let page = start; page < end; page += PAGE_SIZE) {
      const frame = sections.frame(key, firstIndex + (page - start) / PAGE_SIZE, (bytes) => {
        if (!content) return;
        // The part of content that falls in this page (content starts `offset` bytes into the mapping).
        const lo = Math.max(page, start + offset), hi = Math.min(page + PAGE_SIZE, start + offset + content.length);
        if (hi > lo) bytes.set(content.subarray(lo - start - offset, hi - start - offset), lo - page);
      });
      if (frame < 0 || !this.pt.map(page, frame, leaf)) return this.undoMap(start, end);
      this.frames.ref(frame);
      this.resident++;
    }
    return 0;
  }

  /** Removes every mapping in [start, start + length). Returns 0 or -EINVAL. */
  unmap(start: number, length: number): number {
    const end = this.rangeEnd(start, length);
    if (end < 0) return end;
    this.release(start, end);
    return 0;
  }

  /** mprotect: the whole range must be mapped (-ENOMEM otherwise). */
  protect(start: number, length: number, prot: number): number {
    const end = this.rangeEnd(start, length);
    if (end < 0) return end;
    if ((prot & ~(Prot.Read | Prot.Write | Prot.Exec)) !== 0) return -EINVAL;
    if (!this.regionList.covers(start, end)) return -ENOMEM;
    this.regionList.setProt(start, end, prot);
    for (const r of this.regionList.all()) {
      if (r.end <= start || r.start >= end) continue;
      this.pt.update(Math.max(r.start, start), Math.min(r.end, end), (_va, frame, leaf) =>
        leafFor(prot, this.mayWrite(r, frame)) | (leaf & (Pte.Accessed | Pte.Dirty)));
    }
    return 0;
  }

  /**
   * The start of a free range of `length` bytes: with "above", the lowest one at or
   * above hint; with "below", the highest one ending at or below hint. -ENOMEM if none.
   */
  findFree(length: number, hint: number, direction: "above" | "below"): number {
    const len = pageUp(length);
    if (!(len > 0 && len <= USER_END - USER_MIN)) return -ENOMEM;
    const list = this.regionList.all();
    if (direction === "above") {
      let at = Math.max(USER_MIN, pageUp(hint));
      for (const r of list) {
        if (r.end <= at) continue;
        if (r.start >= at + len) break;
        at = r.end;
      }
      return at + len <= USER_END ? at : -ENOMEM;
    }
    let top = Math.min(USER_END, pageDown(hint));
    for (let i = list.length - 1; i >= 0; i--) {
      const r = list[i];
      if (r.start >= top) continue;
      if (r.end + len <= top) break;
      top = r.start;
    }
    return top - len >= USER_MIN ? top - len : -ENOMEM;
  }

  /**
   * Resolves a #PF the way Linux's fault handler would: demand-zero a page, grow a
   * stack, or break copy-on-write; or says the access is a SIGSEGV (segvCode tells
   * which) or that memory ran out.
   */
  handleFault(va: number, errorCode: number): FaultResult {
    if ((errorCode & PfError.Reserved) !== 0) return this.segv(SEGV_ACCERR);
    if (!(va >= 0 && va < USER_END)) return this.segv(SEGV_MAPERR);
    const region = this.regionList.find(va) ?? this.growStack(va);
    if (region === undefined) return this.segv(SEGV_MAPERR);
    const write = (errorCode & PfError.Write) !== 0;
    const fetch = (errorCode & PfError.Fetch) !== 0;
    if (region.prot === Prot.None || (write && (region.prot & Prot.Write) === 0) || (fetch && (region.prot & Prot.Exec) === 0)) {
      return this.segv(SEGV_ACCERR);
    }
    const page = pageDown(va);
    const frame = this.pt.lookup(page);
    if (frame === 0) return this.mapFresh(page, leafFor(region.prot, true)) < 0 ? "oom" : "resolved";
    const leaf = this.pt.leaf;
    if (write && (leaf & Pte.Writable) === 0) {
      if (this.mayWrite(region, frame)) {
        this.pt.map(page, frame, leaf | Pte.Writable);
        return "resolved";
      }
      const copy = this.frames.allocate();
      if (copy < 0) return "oom";
      const u8 = this.frames.ram.u8;
      u8.copyWithin(copy * PAGE_SIZE, frame * PAGE_SIZE, (frame + 1) * PAGE_SIZE);
      this.pt.map(page, copy, leafFor(region.prot, true));
      this.frames.unref(frame);
      return "resolved";
    }
    // The entry already allows the access: the Mmu held a stale translation.
    this.mmu.invalidatePage(page);
    return "resolved";
  }

  /**
   * A copy-on-write child: private pages shared read-only, shared pages shared as they
   * are. -ENOMEM if short. A shared region has no backing object apart from its frames,
   * so its untouched pages get their frames now: a page first touched after the fork
   * must be the same page in both spaces.
   */
  fork(): AddressSpace | number {
    for (const r of this.regionList.all()) {
      if ((r.flags & MapFlag.Shared) === 0) continue;
      for (let page = r.start; page < r.end; page += PAGE_SIZE) {
        if (this.pt.lookup(page) === 0 && this.mapFresh(page, leafFor(r.prot, true)) < 0) return -ENOMEM;
      }
    }
    const child = AddressSpace.create(this.frames);
    if (typeof child === "number") return child;
    child.regionList = this.regionList.clone();
    child.stackLimit = this.stackLimit;
    let failed = false;
    for (const r of this.regionList.all()) {
      const shared = (r.flags & MapFlag.Shared) !== 0;
      this.pt.update(r.start, r.end, (va, frame, leaf) => {
        if (failed) return leaf;
        const kept = shared ? leaf : leaf & ~Pte.Writable;
        if (!child.pt.map(va, frame, kept & ~(Pte.Accessed | Pte.Dirty))) {
          failed = true;
          return leaf;
        }
        this.frames.ref(frame);
        child.resident++;
        return kept;
      });
    }
    if (failed) {
      child.destroy();
      return -ENOMEM;
    }
    return child;
  }

  /** Frees every page and table. The address space must not be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.release(0, USER_END);
    this.pt.destroy();
    this.mmu.release();
  }

  // ---- user copy (user-copy.ts): on behalf of a syscall, resolving faults as the CPU would ----

  /** n bytes from guest memory, or -EFAULT. */
  copyIn(va: number, n: number): Uint8Array | number {
    return copyIn(this, va, n);
  }

  /** Writes bytes to guest memory: 0, or -EFAULT (earlier pages may have been written, as in Linux). */
  copyOut(va: number, bytes: Uint8Array): number {
    return copyOut(this, va, bytes);
  }

  probeWrite(va: number, n: number): number {
    return probeWrite(this, va, n);
  }

  /** The bytes of a NUL-terminated string (without the NUL), -EFAULT, or -ENAMETOOLONG past max bytes. */
  readCString(va: number, max: number): Uint8Array | number {
    return readCString(this, va, max);
  }

  // ---- internals ----

  /** A writable private page must not be shared with another space; a shared one may. */
  private mayWrite(region: Region, frame: number): boolean {
    return (region.prot & Prot.Write) !== 0 &&
      ((region.flags & MapFlag.Shared) !== 0 || this.frames.refCount(frame) === 1);
  }

  /** Maps a zeroed frame at page; the frame number, or -ENOMEM. */
  private mapFresh(page: number, leaf: number): number {
    const frame = this.frames.allocate();
    if (frame < 0) return frame;
    if (!this.pt.map(page, frame, leaf)) {
      this.frames.unref(frame);
      return -ENOMEM;
    }
    this.resident++;
    return frame;
  }

  private undoMap(start: number, end: number): number {
    this.release(start, end);
    return -ENOMEM;
  }

  /** Drops the pages and regions of [start, end). */
  private release(start: number, end: number): void {
    this.pt.update(start, end, (_va, frame) => {
      this.frames.unref(frame);
      this.resident--;
      return 0;
    });
    this.regionList.carve(start, end);
  }

  /** A fault just below a growsdown region extends it, within the stack limit and the guard gap. */
  private growStack(va: number): Region | undefined {
    const stack = this.regionList.above(va);
    if (stack === undefined || (stack.flags & MapFlag.GrowsDown) === 0) return undefined;
    const start = pageDown(va);
    if (stack.end - start > this.stackLimit) return undefined;
    const below = this.regionList.below(start);
    if (below !== undefined && below.end + STACK_GUARD_GAP > start) return undefined;
    this.regionList.growDown(stack, start);
    return stack;
  }

  private segv(code: number): FaultResult {
    this.segvCode = code;
    return "segv";
  }

  /** The page-rounded end of [start, start + length), or -errno for a bad range. */
  private rangeEnd(start: number, length: number): number {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(length) && start >= 0 && start % PAGE_SIZE === 0 && length > 0)) return -EINVAL;
    const end = start + pageUp(length);
    return end <= USER_END ? end : -ENOMEM;
  }
}

/** The leaf bits of a page of a region with this protection (PROT_NONE keeps the frame, not present). */
function leafFor(prot: number, writable: boolean): number {
  if (prot === Prot.None) return Pte.Held;
  return Pte.Present | Pte.User | (writable && (prot & Prot.Write) !== 0 ? Pte.Writable : 0) | ((prot & Prot.Exec) !== 0 ? 0 : LEAF_NX);
}

function pageDown(va: number): number {
  return va - (va % PAGE_SIZE);
}

function pageUp(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}
