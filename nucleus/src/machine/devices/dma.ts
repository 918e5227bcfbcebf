/**
 * DMA through granted windows. Each device session has its own bus-address
 * space (as an IOMMU domain gives each device one): a window granted to it is
 * backed by RAM frames, and a device's DMA is translated page by page. An
 * access that is not wholly inside a granted window is refused before any
 * byte moves, with the range and the windows it missed.
 */
import { PAGE_SIZE, type PhysicalMemory } from '../memory.js';
import type { FrameAllocator } from '../../mm/frames.js';

export class DmaError extends Error {}

interface Window { base: number; length: number; frames: number[] }

/** Bus addresses start here, so a zero or small pointer is never a valid DMA target. */
const IOVA_BASE = 0x1_0000_0000;
export const MAX_DMA_WINDOW = 16 * 1024 * 1024;
/** All windows of one session together: a driver cannot take the machine's RAM. */
export const MAX_DMA_SESSION = 64 * 1024 * 1024;

export class DmaDomain {
  private readonly windows: Window[] = [];
  private next = IOVA_BASE;

  constructor(private readonly ram: PhysicalMemory, private readonly frames: FrameAllocator, readonly owner: string) {}

  /** Grant a zeroed window of at least `length` bytes; answers its bus address. */
  allocate(length: number): { address: number; length: number } {
    if (!Number.isInteger(length) || length <= 0 || length > MAX_DMA_WINDOW) throw new DmaError(`DMA window of ${length} bytes: must be 1..${MAX_DMA_WINDOW}`);
    const pages = Math.ceil(length / PAGE_SIZE);
    const held = this.windows.reduce((n, w) => n + w.length, 0);
    if (held + pages * PAGE_SIZE > MAX_DMA_SESSION) throw new DmaError(`DMA window of ${length} bytes: ${this.owner} already holds ${held} bytes (at most ${MAX_DMA_SESSION} per session)`);
    const frames: number[] = [];
    for (let i = 0; i < pages; i++) {
      const f = this.frames.allocate();
      if (f < 0) {
        for (const g of frames) this.frames.unref(g);
        throw new DmaError(`DMA window of ${length} bytes: out of physical memory (ENOMEM)`);
      }
      frames.push(f);
    }
    const w = { base: this.next, length: pages * PAGE_SIZE, frames };
    this.next += w.length + PAGE_SIZE;   // a guard page between windows
    this.windows.push(w);
    return { address: w.base, length: w.length };
  }

  /** Return every window's frames (the session closed). */
  release(): void {
    for (const w of this.windows.splice(0)) for (const f of w.frames) this.frames.unref(f);
  }

  get granted(): { address: number; length: number }[] {
    return this.windows.map((w) => ({ address: w.base, length: w.length }));
  }

  private window(address: number, length: number, what: string): Window {
    const w = this.windows.find((x) => address >= x.base && address + length <= x.base + x.length);
    if (!w || !Number.isInteger(address) || length < 0) {
      const granted = this.windows.map((x) => `0x${x.base.toString(16)}+0x${x.length.toString(16)}`).join(', ') || 'none';
      throw new DmaError(`DMA ${what} of ${length} bytes at 0x${address.toString(16)} is outside the windows granted to ${this.owner} (granted: ${granted})`);
    }
    return w;
  }

  read(address: number, length: number): Uint8Array {
    const w = this.window(address, length, 'read');
    const out = new Uint8Array(length);
    this.walk(w, address, length, (phys, at, n) => out.set(this.ram.u8.subarray(phys, phys + n), at));
    return out;
  }

  write(address: number, data: Uint8Array): void {
    const w = this.window(address, data.length, 'write');
    this.walk(w, address, data.length, (phys, at, n) => this.ram.u8.set(data.subarray(at, at + n), phys));
  }

  private walk(w: Window, address: number, length: number, fn: (phys: number, at: number, n: number) => void): void {
    let off = address - w.base;
    let at = 0;
    while (at < length) {
      const page = Math.floor(off / PAGE_SIZE);
      const inPage = off % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - inPage, length - at);
      fn(w.frames[page]! * PAGE_SIZE + inPage, at, n);
      off += n;
      at += n;
    }
  }
}
