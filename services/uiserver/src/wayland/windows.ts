/**
 * Clients' toplevel surfaces as windows of the compositor: stacked above the
 * console in the order they were mapped, placed in a cascade, damage-tracked,
 * found by a screen point for pointer input, and presented once per turn of
 * the event loop, with the frame callbacks of what was committed run after the
 * present that shows it.
 */
import { Compositor, Surface } from '../render/compositor.js';
import type { Rect } from '../render/rect.js';

export interface Window {
  /** The compositor surface currently showing it (replaced when the size changes). */
  view?: Surface;
  title: string;
  /** Whoever owns the window (the wl_surface resource). */
  readonly owner: unknown;
}

export class WindowStack {
  private readonly windows: Window[] = [];
  private scheduled = false;
  private afterPresent: (() => void)[] = [];
  private placed = 0;
  private composing: Promise<unknown> = Promise.resolve();

  constructor(private readonly compositor: Compositor, private readonly log: (m: string) => void) {}

  /** Show new contents for `w`; `damage` is in window coordinates (undefined: all of it). */
  show(w: Window, width: number, height: number, pixels: Uint32Array, damage?: readonly Rect[]): void {
    if (!w.view || w.view.width !== width || w.view.height !== height) {
      const old = w.view;
      const at = old ?? this.nextPlace(width, height);
      if (old) this.compositor.remove(old);
      else this.windows.push(w);
      w.view = new Surface(at.x, at.y, width, height);
      w.view.pixels.set(pixels);
      this.compositor.add(w.view);
      this.log(`window "${w.title}" ${width}x${height} at ${w.view.x},${w.view.y}`);
    } else {
      w.view.pixels.set(pixels);
      for (const r of damage ?? [{ x: 0, y: 0, w: width, h: height }]) this.compositor.damageSurface(w.view, r);
    }
    this.schedule();
  }

  hide(w: Window): void {
    if (!w.view) return;
    this.compositor.remove(w.view);
    w.view = undefined;
    this.windows.splice(this.windows.indexOf(w), 1);
    this.schedule();
  }

  /** The topmost window under screen point (x, y), and the point in its coordinates. */
  at(x: number, y: number): { window: Window; sx: number; sy: number } | undefined {
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const w = this.windows[i]!, v = w.view!;
      if (x >= v.x && y >= v.y && x < v.x + v.width && y < v.y + v.height) return { window: w, sx: x - v.x, sy: y - v.y };
    }
    return undefined;
  }

  /** Run `fn` after the next present (frame callbacks). */
  onNextPresent(fn: () => void): void {
    this.afterPresent.push(fn);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const done = this.afterPresent.splice(0);
      this.composing = this.composing.then(async () => {
        await this.compositor.compose();
        for (const fn of done) fn();
      }).catch((err: Error) => this.log(`present: ${err.message}`));
    });
  }

  /** Cascade from the top left, wrapping before a window would leave the screen. */
  private nextPlace(width: number, height: number): { x: number; y: number } {
    const step = 32, k = this.placed++;
    const span = Math.max(1, Math.floor(Math.min(this.compositor.width - width, this.compositor.height - height) / step));
    const off = 48 + (k % span) * step;
    return { x: Math.max(0, Math.min(off, this.compositor.width - width)), y: Math.max(0, Math.min(off, this.compositor.height - height)) };
  }

  /** Resolves when everything scheduled so far is presented (tests). */
  async settled(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await this.composing;
  }
}
