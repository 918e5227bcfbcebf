/**
 * Linux memory policy: where mmap puts a mapping, how brk moves the heap, what
 * mremap and madvise mean, and the limits — all carried out through the MM broker
 * (over one persistent stream), never by touching page tables.
 */
import { Errno, grpc, type ServiceContext } from '@rustos/platform';
import type { MmRequest } from '@rustos/platform/gen/rustos/v1/MmRequest.js';
import type { MmReply__Output } from '@rustos/platform/gen/rustos/v1/MmReply.js';
import type { Processes } from './state.js';

const PAGE = 4096;
const USER_END = 2 ** 47 - PAGE;
/** Top of the mmap area without randomisation (below the stack's 8 MiB + guard, as Linux lays it out). */
export const MMAP_BASE = 0x7ffff7fff000;
const PROT_MASK = 7;
const MAP = { SHARED: 0x01, PRIVATE: 0x02, SHARED_VALIDATE: 0x03, FIXED: 0x10, ANONYMOUS: 0x20, GROWSDOWN: 0x100, DENYWRITE: 0x800, EXECUTABLE: 0x1000, LOCKED: 0x2000, NORESERVE: 0x4000, POPULATE: 0x8000, NONBLOCK: 0x10000, STACK: 0x20000, HUGETLB: 0x40000, FIXED_NOREPLACE: 0x100000, _32BIT: 0x40 };
const MREMAP = { MAYMOVE: 1, FIXED: 2, DONTUNMAP: 4 };
const MS = { ASYNC: 1, INVALIDATE: 2, SYNC: 4 };
const MADV_DONTNEED = 4, MADV_FREE = 8;

const up = (n: number) => Math.ceil(n / PAGE) * PAGE;

/** A source of file contents for file-backed mappings (vfsd's MapSource). */
/** vfsd's side of file mappings: the bytes to map, and the pages a shared mapping writes back. */
export interface MappedFiles {
  /** `shared`: for MAP_SHARED; vfsd answers `section` when the mapping must share the file's section frames. */
  source(pid: number, fd: number, offset: number, length: number, shared: boolean):
    Promise<{ errno: number; data: Buffer; file?: { path: string; device: number; inode: number }; writable: boolean; readable: boolean; anonymous: boolean; section?: boolean }>;
  writeBack(file: { path: string; device: number; inode: number; offset: number }, data: Buffer): Promise<number>;
}

/** The MM broker over a persistent stream: requests tagged by id, replies matched by id. */
export class MmClient {
  private stream: grpc.ClientDuplexStream<MmRequest, MmReply__Output> | undefined;
  private readonly pending = new Map<number, (r: MmReply__Output) => void>();
  private nextId = 1;

  constructor(private readonly ctx: ServiceContext) {}

  private open(): grpc.ClientDuplexStream<MmRequest, MmReply__Output> {
    if (this.stream) return this.stream;
    const s = this.ctx.nucleus.mm.Stream();
    s.on('data', (r: MmReply__Output) => {
      const done = this.pending.get(r.id);
      this.pending.delete(r.id);
      done?.(r);
    });
    s.on('error', (err: grpc.ServiceError) => {
      this.ctx.log.warn(`MM broker stream ended: ${err.details || err.message}`);
      this.stream = undefined;
      for (const done of this.pending.values()) done({ id: 0, errno: Errno.EIO, message: 'MM broker stream ended', addr: 0, regions: [], data: Buffer.alloc(0), pages: [] });
      this.pending.clear();
    });
    this.stream = s;
    return s;
  }

  call(req: Omit<MmRequest, 'header' | 'id'>): Promise<MmReply__Output> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.open().write({ ...req, id, header: this.ctx.header('broker.mm') });
    });
  }
}

export class Memory {
  /** The last queued address-space change of each process. */
  private readonly busy = new Map<number, Promise<unknown>>();

  constructor(private readonly mm: MmClient, private readonly procs: Processes, private readonly files: MappedFiles) {}

  /**
   * Runs one address-space change of `pid` at a time, as Linux's mmap_lock does:
   * each change awaits the MM broker between choosing a range and mapping it, and
   * two threads' mmaps must not both choose the same free range.
   */
  exclusive<T>(pid: number, change: () => Promise<T>): Promise<T> {
    const result = (this.busy.get(pid) ?? Promise.resolve()).then(change, change);
    const tail = result.catch(() => undefined);
    this.busy.set(pid, tail);
    void tail.then(() => { if (this.busy.get(pid) === tail) this.busy.delete(pid); });
    return result;
  }

  /** A free range of `length` bytes: the hint if it is free, else the highest gap below the mmap base. */
  private async place(pid: number, length: number, hint: number, low32: boolean): Promise<number> {
    if (hint && !low32) {
      const r = await this.mm.call({ pid, findFree: { length, hint: up(hint), below: 0 } });
      if (r.errno === 0 && r.addr === up(hint)) return r.addr;
    }
    const r = await this.mm.call({ pid, findFree: { length, hint: 0, below: low32 ? 0x80000000 : MMAP_BASE } });
    return r.errno ? -r.errno : r.addr;
  }

  async mmap(pid: number, args: number[]): Promise<number> {
    const [addr0, length, prot, flags, fd, offset] = args as [number, number, number, number, number, number];
    const type = flags & MAP.SHARED_VALIDATE;
    if (!length || length < 0 || length > USER_END) return -Errno.EINVAL;
    if (type === 0 || (prot & ~PROT_MASK & ~0x01000000 /* PROT_GROWSDOWN */) !== 0) return -Errno.EINVAL;
    if (offset % PAGE !== 0 || offset < 0) return -Errno.EINVAL;
    if (flags & MAP.HUGETLB) return -Errno.EINVAL;
    const len = up(length);
    const fixed = (flags & (MAP.FIXED | MAP.FIXED_NOREPLACE)) !== 0;
    let addr: number;
    if (fixed) {
      if (addr0 % PAGE !== 0 || addr0 + len > USER_END || addr0 < 0) return -Errno.EINVAL;
      if (flags & MAP.FIXED_NOREPLACE) {
        const free = await this.mm.call({ pid, findFree: { length: len, hint: addr0, below: 0 } });
        if (free.errno || free.addr !== addr0) return -Errno.EEXIST;
      }
      addr = addr0;
    } else {
      addr = await this.place(pid, len, addr0, (flags & MAP._32BIT) !== 0);
      if (addr < 0) return addr;
    }
    const shared = type === MAP.SHARED || type === MAP.SHARED_VALIDATE;
    let brokerFlags = (shared ? 1 : 0) | (flags & MAP.GROWSDOWN ? 2 : 0) | (flags & MAP.POPULATE ? 4 : 0);
    let content: Buffer | undefined;
    let file: { path: string; device: number; inode: number; offset: number } | undefined;
    if (!(flags & MAP.ANONYMOUS)) {
      const src = await this.files.source(pid, fd, offset, len, shared);
      if (src.errno) return -src.errno;
      if (!src.readable || (shared && (prot & 2) && !src.writable)) return -Errno.EACCES;
      if (!src.anonymous) {
        content = src.data;
        file = { path: src.file?.path ?? '', device: src.file?.device ?? 0, inode: src.file?.inode ?? 0, offset };
        // The file's section backs it: every shared mapping of the file sees the same frames.
        if (shared && src.section) brokerFlags |= 8;
      }
    }
    const r = await this.mm.call({ pid, map: { addr, length: len, prot: prot & PROT_MASK, flags: brokerFlags, content, contentOffset: 0, name: '', file } });
    return r.errno ? -r.errno : addr;
  }

  async munmap(pid: number, addr: number, length: number): Promise<number> {
    if (addr % PAGE !== 0 || length <= 0) return -Errno.EINVAL;
    await this.writeBack(pid, addr, up(length), false);
    const r = await this.mm.call({ pid, unmap: { addr, length: up(length) } });
    return -r.errno;
  }

  async mprotect(pid: number, addr: number, length: number, prot: number): Promise<number> {
    if (addr % PAGE !== 0) return -Errno.EINVAL;
    if (length === 0) return 0;
    const r = await this.mm.call({ pid, protect: { addr, length: up(length), prot: prot & PROT_MASK } });
    return -r.errno;
  }

  /** brk: the heap grows and shrinks in whole pages after the loaded image; a failure answers the current break. */
  async brk(pid: number, want: number): Promise<number> {
    const p = this.procs.get(pid);
    if (!p.brk) p.brk = p.brkStart;
    if (want < p.brkStart || want > USER_END) return p.brk;
    const from = up(p.brk), to = up(want);
    if (to > from) {
      const free = await this.mm.call({ pid, findFree: { length: to - from, hint: from, below: 0 } });
      if (free.errno || free.addr !== from) return p.brk;
      const r = await this.mm.call({ pid, map: { addr: from, length: to - from, prot: 3, flags: 0, content: Buffer.alloc(0), contentOffset: 0, name: '[heap]' } });
      if (r.errno) return p.brk;
    } else if (to < from) {
      await this.mm.call({ pid, unmap: { addr: to, length: from - to } });
    }
    p.brk = want;
    this.procs.changed(pid);
    return want;
  }

  async mremap(pid: number, args: number[]): Promise<number> {
    const [old, oldLen0, newLen0, flags, newAddr] = args as [number, number, number, number, number];
    if (old % PAGE !== 0 || flags & ~(MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP)) return -Errno.EINVAL;
    if ((flags & MREMAP.FIXED) && !(flags & MREMAP.MAYMOVE)) return -Errno.EINVAL;
    const oldLen = up(oldLen0), newLen = up(newLen0);
    if (!newLen) return -Errno.EINVAL;
    const regions = (await this.mm.call({ pid, regions: {} })).regions;
    const region = regions.find((r) => r.start <= old && old < r.end);
    if (!region || old + oldLen > region.end) return -Errno.EFAULT;
    if (newLen <= oldLen && !(flags & MREMAP.FIXED)) {
      if (newLen < oldLen) await this.mm.call({ pid, unmap: { addr: old + newLen, length: oldLen - newLen } });
      return old;
    }
    // Grow in place when the pages after the mapping are free.
    if (!(flags & MREMAP.FIXED)) {
      const free = await this.mm.call({ pid, findFree: { length: newLen - oldLen, hint: old + oldLen, below: 0 } });
      if (!free.errno && free.addr === old + oldLen) {
        const r = await this.mm.call({ pid, map: { addr: old + oldLen, length: newLen - oldLen, prot: region.prot, flags: region.flags & 3, content: Buffer.alloc(0), contentOffset: 0, name: region.name, file: region.file } });
        return r.errno ? -r.errno : old;
      }
    }
    if (!(flags & MREMAP.MAYMOVE)) return -Errno.ENOMEM;
    const to = flags & MREMAP.FIXED ? newAddr : await this.place(pid, newLen, 0, false);
    if (to < 0) return to;
    const data = await this.mm.call({ pid, read: { addr: old, length: oldLen } });
    if (data.errno) return -data.errno;
    const r = await this.mm.call({ pid, map: { addr: to, length: newLen, prot: region.prot, flags: region.flags & 3, content: data.data, contentOffset: 0, name: region.name, file: region.file } });
    if (r.errno) return -r.errno;
    if (!(flags & MREMAP.DONTUNMAP)) await this.mm.call({ pid, unmap: { addr: old, length: oldLen } });
    return to;
  }

  /** msync: a shared file mapping's pages go back to the file; a range with a hole is ENOMEM. */
  async msync(pid: number, addr: number, length: number, flags: number): Promise<number> {
    if (addr % PAGE !== 0 || (flags & ~(MS.ASYNC | MS.INVALIDATE | MS.SYNC)) || ((flags & MS.ASYNC) && (flags & MS.SYNC))) return -Errno.EINVAL;
    return this.writeBack(pid, addr, up(length), true);
  }

  /**
   * Writes the pages of shared file mappings within [addr, addr + length) back to
   * their files. Linux keeps one page cache, so a shared mapping and the file are
   * always the same bytes; here the file catches up at msync and munmap.
   */
  private async writeBack(pid: number, addr: number, length: number, holesFail: boolean): Promise<number> {
    const end = addr + length;
    const regions = (await this.mm.call({ pid, regions: {} })).regions
      .filter((r) => r.start < end && r.end > addr).sort((a, b) => a.start - b.start);
    if (holesFail) {
      let at = addr;
      for (const r of regions) {
        if (r.start > at) return -Errno.ENOMEM;
        at = Math.max(at, r.end);
      }
      if (at < end) return -Errno.ENOMEM;
    }
    for (const r of regions) {
      if (!(r.flags & 1) || !r.file || !(r.prot & 2)) continue;
      const lo = Math.max(r.start, addr), hi = Math.min(r.end, end);
      const data = await this.mm.call({ pid, read: { addr: lo, length: hi - lo } });
      if (data.errno) return -data.errno;
      const errno = await this.files.writeBack({ ...r.file, offset: r.file.offset + (lo - r.start) }, data.data);
      if (errno) return -errno;
    }
    return 0;
  }

  /** madvise: MADV_DONTNEED/MADV_FREE drop private anonymous pages (they read back as zeros); other advice is accepted. */
  async madvise(pid: number, addr: number, length: number, advice: number): Promise<number> {
    if (addr % PAGE !== 0 || length < 0) return -Errno.EINVAL;
    if (advice !== MADV_DONTNEED && advice !== MADV_FREE) return 0;
    const regions = (await this.mm.call({ pid, regions: {} })).regions;
    const end = addr + up(length);
    for (const r of regions) {
      const lo = Math.max(r.start, addr), hi = Math.min(r.end, end);
      if (lo >= hi || (r.flags & 1) || r.file) continue;
      await this.mm.call({ pid, map: { addr: lo, length: hi - lo, prot: r.prot, flags: r.flags & 2, content: Buffer.alloc(0), contentOffset: 0, name: r.name } }); // flags: keep grows-down
    }
    return 0;
  }
}
