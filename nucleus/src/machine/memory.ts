/**
 * Emulated physical RAM: one ArrayBuffer. The host OS commits its pages only when
 * they are first touched, so a large RAM costs nothing until the guest uses it.
 * Nothing here knows about virtual memory; see mmu.ts and ../mm/.
 */
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

export class PhysicalMemory {
  readonly size: number;
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** One byte per frame: 1 when decoded code was cached from this frame (see mmu.ts). */
  readonly codeFrames: Uint8Array;

  constructor(bytes: number) {
    if (bytes % PAGE_SIZE !== 0 || bytes <= 0 || bytes > 2 ** 31) {
      throw new RangeError(`physical memory size ${bytes} must be a positive multiple of ${PAGE_SIZE} below 2 GiB`);
    }
    this.size = bytes;
    this.buffer = new ArrayBuffer(bytes);
    this.u8 = new Uint8Array(this.buffer);
    this.dv = new DataView(this.buffer);
    this.codeFrames = new Uint8Array(bytes / PAGE_SIZE);
  }

  get frames(): number {
    return this.size / PAGE_SIZE;
  }
}
