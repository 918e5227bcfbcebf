/**
 * The compositor: surfaces stacked bottom to top, composed into one frame, and
 * only the damaged rectangles recomposed and presented. The console is the first
 * surface; Wayland clients' windows will be more of them. Surfaces are opaque.
 */
import { addDamage, clip, type Rect } from './rect.js';

/** Where frames go: the framebuffer device, or an in-process one in tests. */
export interface Display {
  readonly width: number;
  readonly height: number;
  /** Bytes from one row of the frame to the next (4 x width for a packed BGRX frame). */
  readonly stride: number;
  /** Show `rects` of `frame` (0x00RRGGBB pixels, stride / 4 of them per row). */
  present(rects: readonly Rect[], frame: Uint32Array): void | Promise<void>;
}

export class Surface {
  readonly pixels: Uint32Array;
  constructor(public x: number, public y: number, readonly width: number, readonly height: number) {
    this.pixels = new Uint32Array(width * height);
  }
}

export class Compositor {
  /** The composed frame, as presented. */
  readonly frame: Uint32Array;
  private readonly surfaces: Surface[] = [];
  private readonly damage: Rect[] = [];
  private readonly pitch: number;
  private readonly listeners: ((rects: readonly Rect[]) => void)[] = [];

  constructor(private readonly display: Display, private readonly background = 0x101010) {
    this.pitch = display.stride >> 2;
    this.frame = new Uint32Array(this.pitch * display.height);
    this.damageAll();
  }

  get width(): number { return this.display.width; }
  get height(): number { return this.display.height; }

  add(s: Surface): void {
    this.surfaces.push(s);
    this.damageSurface(s, { x: 0, y: 0, w: s.width, h: s.height });
  }

  remove(s: Surface): void {
    const i = this.surfaces.indexOf(s);
    if (i < 0) return;
    this.surfaces.splice(i, 1);
    this.damageScreen({ x: s.x, y: s.y, w: s.width, h: s.height });
  }

  /** A rectangle of a surface (its own coordinates) changed. */
  damageSurface(s: Surface, r: Rect): void {
    this.damageScreen({ x: s.x + r.x, y: s.y + r.y, w: r.w, h: r.h });
  }

  damageScreen(r: Rect): void {
    const c = clip(r, this.display.width, this.display.height);
    if (c) addDamage(this.damage, c);
  }

  damageAll(): void {
    this.damageScreen({ x: 0, y: 0, w: this.display.width, h: this.display.height });
  }

  /** Called with every presented damage list (the web page's stream listens here). */
  onPresent(fn: (rects: readonly Rect[]) => void): void { this.listeners.push(fn); }

  /** Recompose the damaged rectangles and present them; returns them (empty: nothing to do). */
  async compose(): Promise<readonly Rect[]> {
    if (this.damage.length === 0) return [];
    const rects = this.damage.splice(0);
    for (const r of rects) this.recompose(r);
    // The frame stays as composed until the next compose, which waits for this one: watchers (the
    // web page) read it at once rather than after the display device's round trips.
    const presented = this.display.present(rects, this.frame);
    for (const fn of this.listeners) fn(rects);
    await presented;
    return rects;
  }

  private recompose(r: Rect): void {
    const f = this.frame, pitch = this.pitch;
    for (let y = r.y; y < r.y + r.h; y++) f.fill(this.background, y * pitch + r.x, y * pitch + r.x + r.w);
    for (const s of this.surfaces) {
      const c = clip({ x: r.x - s.x, y: r.y - s.y, w: r.w, h: r.h }, s.width, s.height);
      if (!c) continue;
      const src = s.pixels;
      for (let y = c.y; y < c.y + c.h; y++) {
        let from = y * s.width + c.x;
        let to = (y + s.y) * pitch + c.x + s.x;
        for (let n = c.w; n > 0; n--) f[to++] = src[from++]!;
      }
    }
  }
}
