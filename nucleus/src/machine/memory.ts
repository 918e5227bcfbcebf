/**
 * Emulated physical RAM: the first `size` bytes of one WebAssembly.Memory, so that
 * translated code compiled to WebAssembly (cpu/translate/wasm/) reaches guest
 * memory directly. The host OS commits its pages only when they are first
 * touched, so a large RAM costs nothing until the guest uses it. Past the RAM
 * lies the machine's arena (arena.ts): CPU state and TLBs that such code reads,
 * never reachable through a physical address. Nothing here knows about virtual
 * memory; see mmu.ts and ../mm/.
 */
import { Arena, ARENA_BYTES } from "./arena.js";

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
const WASM_PAGE = 65536;

export class PhysicalMemory {
  readonly size: number;
  /** RAM then the arena; guest physical address p is byte p. */
  readonly buffer: ArrayBuffer;
  /** The WebAssembly.Memory holding `buffer`; null where the host refused to reserve one (no WebAssembly tier then). */
  readonly wasm: WebAssembly.Memory | null;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  readonly arena: Arena;
  /** One byte per frame: 1 when decoded code was cached from this frame (see mmu.ts). */
  readonly codeFrames: Uint8Array;

  constructor(bytes: number) {
    if (bytes % PAGE_SIZE !== 0 || bytes <= 0 || bytes > 2 ** 31) {
      throw new RangeError(`physical memory size ${bytes} must be a positive multiple of ${PAGE_SIZE} below 2 GiB`);
    }
    this.size = bytes;
    const ramPages = Math.ceil(bytes / WASM_PAGE);
    const pages = ramPages + ARENA_BYTES / WASM_PAGE;
    this.wasm = reserve(pages);
    this.buffer = this.wasm?.buffer ?? new ArrayBuffer(pages * WASM_PAGE);
    this.u8 = new Uint8Array(this.buffer, 0, bytes);
    this.dv = new DataView(this.buffer, 0, bytes);
    this.arena = new Arena(this.buffer, ramPages * WASM_PAGE);
    this.codeFrames = new Uint8Array(bytes / PAGE_SIZE);
  }

  get frames(): number {
    return this.size / PAGE_SIZE;
  }
}

/**
 * A fixed-size WebAssembly.Memory, or null when V8 cannot reserve its address
 * space (each memory reserves guard regions several times its size): RAM then
 * works as before, on a plain ArrayBuffer, and only the WebAssembly tier is lost.
 */
function reserve(pages: number): WebAssembly.Memory | null {
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null;
  }
}
