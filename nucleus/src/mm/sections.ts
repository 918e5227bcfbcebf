/**
 * Section objects (the seed's shared-memory sections; Linux's page cache for
 * the files that have one): the frames behind every MAP_SHARED mapping of one
 * file, keyed by the file's identity (device:inode, vfsd's). Every shared
 * mapping of the file maps these very frames, so stores through one mapping
 * are loads through every other at once; vfsd reads and writes a sectioned
 * file's bytes through the MM broker (section ops) so read()/write() and the
 * mappings agree. A section holds one reference on each of its frames;
 * mappings hold their own, so dropping a section (the file is gone) leaves
 * live mappings intact.
 */
import { PAGE_SIZE } from "../machine/memory.js";
import { ENOMEM } from "./errno.js";
import type { FrameAllocator } from "./frames.js";

export type SectionKey = string;

export const sectionKey = (device: number, inode: number): SectionKey => `${device}:${inode}`;

export class Sections {
  private readonly byKey = new Map<SectionKey, Map<number, number>>();

  constructor(private readonly frames: FrameAllocator) {}

  /**
   * The frame of page `index` of the file, made now if the section has none:
   * zeroed, then `init` fills it (the file's bytes as vfsd knows them). The
   * frame number, or -ENOMEM.
   */
  frame(key: SectionKey, index: number, init?: (bytes: Uint8Array) => void): number {
    let pages = this.byKey.get(key);
    if (!pages) this.byKey.set(key, (pages = new Map()));
    const have = pages.get(index);
    if (have !== undefined) return have;
    const frame = this.frames.allocate();
    if (frame < 0) return -ENOMEM;
    init?.(this.frames.ram.u8.subarray(frame * PAGE_SIZE, (frame + 1) * PAGE_SIZE));
    pages.set(index, frame);
    return frame;
  }

  has(key: SectionKey): boolean {
    return this.byKey.has(key);
  }

  /** The pages of [offset, offset + length) the section has, each with its bytes. */
  read(key: SectionKey, offset: number, length: number): { index: number; bytes: Uint8Array }[] {
    const pages = this.byKey.get(key);
    if (!pages) return [];
    const out: { index: number; bytes: Uint8Array }[] = [];
    const first = Math.floor(offset / PAGE_SIZE), last = Math.ceil((offset + length) / PAGE_SIZE);
    for (const [index, frame] of [...pages].sort((a, b) => a[0] - b[0])) {
      if (index < first || index >= last) continue;
      out.push({ index, bytes: this.frames.ram.u8.slice(frame * PAGE_SIZE, (frame + 1) * PAGE_SIZE) });
    }
    return out;
  }

  /** Bytes written to the file at `offset` land in the pages the section has (the others are vfsd's alone). */
  write(key: SectionKey, offset: number, data: Uint8Array): void {
    const pages = this.byKey.get(key);
    if (!pages) return;
    for (let at = 0; at < data.length;) {
      const pos = offset + at;
      const index = Math.floor(pos / PAGE_SIZE), within = pos % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - within, data.length - at);
      const frame = pages.get(index);
      if (frame !== undefined) this.frames.ram.u8.set(data.subarray(at, at + n), frame * PAGE_SIZE + within);
      at += n;
    }
  }

  /** The file is gone: the section lets go of its frames (mappings keep theirs). */
  drop(key: SectionKey): void {
    const pages = this.byKey.get(key);
    if (!pages) return;
    this.byKey.delete(key);
    for (const frame of pages.values()) this.frames.unref(frame);
  }

  get size(): number {
    return this.byKey.size;
  }
}
