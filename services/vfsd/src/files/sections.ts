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
  /** While pulling, vfsd's own copy changes to match the section: nothing to push back. */
  private pulling = false;

  constructor(private readonly broker: SectionBroker | undefined) {}

  /** A sectioned file changed in vfsd (a write, a truncate, a copy in): push it soon. */
  changed(node: TmpNode): void {
    if (!this.broker || this.pulling) return;
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

  /** The section's pages into vfsd's copy of the file. */
  async pull(node: TmpNode): Promise<void> {
    if (!this.broker || !node.section) return;
    const { dev, ino } = node.stat();
    for (let at = 0; at < node.size; at += CHUNK) {
      const r = await this.broker.read(dev, ino, at, Math.min(CHUNK, node.size - at));
      this.pulling = true;
      try {
        r.pages.forEach((index, i) => {
          const from = index * PAGE;
          if (from >= node.size) return;
          const n = Math.min(PAGE, node.size - from);
          r.data.copy(node.data, from, i * PAGE, i * PAGE + n);
          node.fs.dataChanged(node, from, from + n);
        });
      } finally {
        this.pulling = false;
      }
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
