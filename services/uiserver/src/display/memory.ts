/**
 * A display in this process's memory, for tests of the compositor and the
 * console (uiserver itself presents to the PCI display adapter, pci-display.ts). Presenting
 * copies the damaged rectangles into its pixels, as writing a framebuffer BAR would.
 */
import type { Display } from '../render/compositor.js';
import type { Rect } from '../render/rect.js';

export class MemoryDisplay implements Display {
  readonly stride: number;
  readonly pixels: Uint32Array;
  presented: Rect[][] = [];

  constructor(readonly width: number, readonly height: number) {
    this.stride = width * 4;
    this.pixels = new Uint32Array(width * height);
  }

  present(rects: readonly Rect[], frame: Uint32Array): void {
    const pitch = this.stride >> 2;
    for (const r of rects) {
      for (let y = r.y; y < r.y + r.h; y++) {
        const at = y * pitch + r.x;
        this.pixels.set(frame.subarray(at, at + r.w), at);
      }
    }
    this.presented.push(rects.slice());
  }
}
