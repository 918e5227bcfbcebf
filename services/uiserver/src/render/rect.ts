/** Rectangles in pixels, and the bookkeeping of a damage list. */
export interface Rect { x: number; y: number; w: number; h: number }

/** The part of `r` inside `[0,w) x [0,h)`, or undefined when nothing is. */
export function clip(r: Rect, w: number, h: number): Rect | undefined {
  const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
  const x1 = Math.min(w, r.x + r.w), y1 = Math.min(h, r.y + r.h);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : undefined;
}

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

const area = (r: Rect) => r.w * r.h;

/**
 * Add `r` to a damage list, merging it with a rectangle it overlaps or touches
 * when their union costs no more pixels than the two apart (so two adjacent
 * cells become one rectangle, and two distant ones stay two). Past `limit`
 * rectangles the list collapses into their bounding box.
 */
export function addDamage(list: Rect[], r: Rect, limit = 64): void {
  for (let i = 0; i < list.length; i++) {
    const u = union(list[i]!, r);
    if (area(u) <= area(list[i]!) + area(r)) {
      list.splice(i, 1);
      addDamage(list, u, limit);   // the grown rectangle may now swallow another
      return;
    }
  }
  list.push(r);
  if (list.length > limit) {
    const box = list.reduce(union);
    list.length = 0;
    list.push(box);
  }
}
