/**
 * Files whose shared mappings are backed by a nucleus section (the frames every
 * MAP_SHARED mapping of the file shares: nucleus/src/mm/sections.ts). Stores
 * through a mapping change those frames, not vfsd's copy of the bytes, so
 * before vfsd reads such a file (read, pread, sendfile, a service's
 * ReadPassedFile) it pulls the section's pages into its copy, and whenever its
 * copy changes (write, truncate, O_TRUNC, fallocate, a copy in) it pushes it
 * into the pages the section has, before the call that changed it is answered. Pages no mapping ever touched are vfsd's alone. That keeps read(),
 * write() and every mapping one set of bytes, as Linux's page cache does.
 * Only tmpfs files (tmpfs, /dev/shm, /run, memfd) are sectioned; host files
 * keep msync/munmap write-back.
 */
import type { TmpNode } from '../fs/tmpfs.js';

const PAGE = 4096;
/** Per broker request (the broker's copy limit is 16 MiB). */
const CHUNK = 8 << 20;

/** The nucleus side: the MM broker's section operations. */
export interface SectionBroker {
  read(device: number, inode: number, offset: number, length: number): Promise<{ pages: number[]; data: Buffer }>;
  write(device: number, inode: number, offset: number, data: Buffer): Promise<void>;
  drop(device: number, inode: number): Promise<void>;
}

export class SectionSync {
  /** Sectioned files whose bytes changed in vfsd since their last push. */
  private readonly dirty = new Set<TmpNode>();
  private pushing: Promise<void> | undefined;

  constructor(private readonly broker: SectionBroker | undefined) {}

  /** A sectioned file changed in vfsd (a write, a truncate, a copy in): push it soon. */
  changed(node: TmpNode): void {
    if (!this.broker) return;
    this.dirty.add(node);
    this.pushing ??= Promise.resolve().then(() => this.flush());
  }

  /** Resolves once every change made so far reached the sections; undefined when none is pending. */
  settled(): Promise<void> | undefined {
    return this.pushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.dirty.size) {
        const [node] = this.dirty;
        this.dirty.delete(node!);
        await this.push(node!).catch(() => undefined);
      }
    } finally {
      this.pushing = undefined;
    }
  }

  get enabled(): boolean {
    return this.broker !== undefined;
  }

  /**
   * The section's pages of [offset, offset + length) (the whole file by default)
   * into vfsd's copy. Not journalled: while the nucleus runs the section holds
   * these bytes, and a restarted vfsd pulls them again (the section flag is).
   */
  async pull(node: TmpNode, offset = 0, length = node.size): Promise<void> {
    if (!this.broker || !node.section) return;
    const { dev, ino } = node.stat();
    const from = Math.floor(offset / PAGE) * PAGE, to = Math.min(node.size, offset + length);
    for (let at = from; at < to; at += CHUNK) {
      const r = await this.broker.read(dev, ino, at, Math.min(CHUNK, to - at));
      r.pages.forEach((index, i) => {
        const start = index * PAGE;
        if (start >= node.size) return;
        r.data.copy(node.data, start, i * PAGE, i * PAGE + Math.min(PAGE, node.size - start));
      });
    }
  }

  /** vfsd's copy of the file into the section's pages (those it has). */
  async push(node: TmpNode): Promise<void> {
    if (!this.broker || !node.section) return;
    const { dev, ino } = node.stat();
    // Past the end, a page reads as zeros (a truncate must clear what a mapping still shows).
    const end = Math.ceil(node.size / PAGE) * PAGE;
    for (let at = 0; at < Math.max(end, PAGE); at += CHUNK) {
      const n = Math.min(CHUNK, Math.max(end, PAGE) - at);
      const bytes = Buffer.alloc(n);
      node.data.copy(bytes, 0, at, Math.min(node.size, at + n));
      await this.broker.write(dev, ino, at, bytes);
    }
  }

  /** The file is gone: its section may go (mappings keep their frames). */
  drop(node: TmpNode): void {
    if (!this.broker || !node.section) return;
    const { dev, ino } = node.stat();
    node.section = false;
    this.broker.drop(dev, ino).catch(() => undefined);
  }
}
