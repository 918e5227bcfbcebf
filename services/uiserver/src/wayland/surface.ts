/**
 * wl_compositor, wl_surface and wl_region. A surface's attach, damage and frame
 * requests are pending state that commit applies at once (double buffering);
 * commit reads the attached buffer's pixels from shared memory, releases the
 * buffer (its contents are copied), and shows them through the surface's role
 * (an xdg_toplevel: a window). Frame callbacks are done after the present.
 */
import type { Rect } from '../render/rect.js';
import type { Implementation, Resource } from './resource.js';
import { readPixels, type BufferData } from './shm.js';

interface Pending { buffer?: Resource | null; damage: Rect[]; frames: Resource[] }

/** What a role (xdg_surface) does at commit; it may refuse the commit with a protocol error. */
export interface Role {
  /** Before the new state applies (the initial configure; "buffer before configure" checks). */
  precommit(hasBuffer: boolean): void;
  show(width: number, height: number, pixels: Uint32Array, damage: readonly Rect[] | undefined): void;
  hide(): void;
}

export class SurfaceState {
  pending: Pending = { damage: [], frames: [] };
  role?: Role;
  /** The role's name once given (a surface keeps its role for life). */
  roleName?: string;
  size?: { width: number; height: number };
}

const state = (r: Resource) => r.data as SurfaceState;

export function surfaceImplementations(afterPresent: (fn: () => void) => void): Record<string, Implementation> {
  return {
    wl_compositor: {
      create_surface(_c: Resource, surface: Resource) {
        surface.data = new SurfaceState();
        surface.onDestroy(() => state(surface).role?.hide());
      },
    },
    wl_surface: {
      attach(surface: Resource, buffer: Resource | null, x: number, y: number) {
        if ((x !== 0 || y !== 0) && surface.version >= 5) throw surface.error('invalid_offset', `attach with offset ${x},${y} (use offset)`);
        state(surface).pending.buffer = buffer;
      },
      damage(surface: Resource, x: number, y: number, width: number, height: number) {
        state(surface).pending.damage.push({ x, y, w: width, h: height });
      },
      damage_buffer(surface: Resource, x: number, y: number, width: number, height: number) {
        // Scale 1 and no transform: buffer and surface coordinates are the same.
        state(surface).pending.damage.push({ x, y, w: width, h: height });
      },
      frame(surface: Resource, callback: Resource) {
        state(surface).pending.frames.push(callback);
      },
      async commit(surface: Resource) {
        const s = state(surface);
        const p = s.pending;
        s.pending = { damage: [], frames: [] };
        s.role?.precommit(p.buffer !== undefined && p.buffer !== null);
        if (p.buffer === null) {
          s.size = undefined;
          s.role?.hide();
        } else if (p.buffer && !p.buffer.destroyed) {
          const b = p.buffer.data as BufferData;
          const pixels = await readPixels(b);
          p.buffer.send('release');
          const resized = s.size?.width !== b.width || s.size?.height !== b.height;
          s.size = { width: b.width, height: b.height };
          s.role?.show(b.width, b.height, pixels, resized ? undefined : p.damage);
        }
        for (const cb of p.frames) {
          afterPresent(() => {
            if (cb.destroyed || cb.client.closed) return;
            cb.send('done', Date.now() >>> 0);
            cb.client.destroy(cb);
          });
        }
      },
    },
  };
}
