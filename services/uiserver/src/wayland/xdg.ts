/**
 * xdg_wm_base (get_xdg_surface, ping/pong), xdg_surface (get_toplevel,
 * configure/ack_configure, set_window_geometry) and xdg_toplevel (configure
 * with a size — 0x0: the client chooses —, set_title, close). A toplevel's
 * surface becomes a window once it commits a buffer after acknowledging its
 * first configure.
 */
import type { Rect } from '../render/rect.js';
import type { Implementation, Resource } from './resource.js';
import type { SurfaceState } from './surface.js';
import type { Window, WindowStack } from './windows.js';

interface XdgSurfaceState {
  surface: Resource;
  wm: Resource;
  toplevel?: Resource;
  /** Serials sent in configure events and not yet acknowledged. */
  sent: number[];
  configured: boolean;
  initialSent: boolean;
  geometry?: Rect;
}

export interface XdgHost {
  windows: WindowStack;
  nextSerial(): number;
  log(message: string): void;
}

/** An xdg_wm_base's state: its live xdg_surfaces and the ping awaiting its pong. */
export const wmState = () => ({ surfaces: 0, ping: undefined as number | undefined });

export function xdgImplementations(host: XdgHost): Record<string, Implementation> {
  const configure = (x: XdgSurfaceState, xdg: Resource) => {
    const serial = host.nextSerial();
    x.sent.push(serial);
    x.toplevel?.send('configure', 0, 0, new Uint8Array(0));
    xdg.send('configure', serial);
  };
  return {
    xdg_wm_base: {
      destroy(wm: Resource) {
        if (wm.data.surfaces > 0) throw wm.error('defunct_surfaces', `${wm.data.surfaces} xdg_surfaces still exist`);
      },
      get_xdg_surface(wm: Resource, xdg: Resource, surface: Resource) {
        const s = surface.data as SurfaceState;
        if (s.roleName) throw wm.error('role', `${surface} already has the role ${s.roleName}`);
        if (s.size) throw xdg.error('unconfigured_buffer', `${surface} already has a buffer`);
        s.roleName = 'xdg_surface';
        wm.data.surfaces++;
        const x: XdgSurfaceState = { surface, wm, sent: [], configured: false, initialSent: false };
        xdg.data = x;
        xdg.onDestroy(() => { wm.data.surfaces--; s.role?.hide(); s.role = undefined; });
      },
      pong(wm: Resource, serial: number) {
        if (wm.data?.ping === serial) wm.data.ping = undefined;
      },
    },
    xdg_surface: {
      get_toplevel(xdg: Resource, toplevel: Resource) {
        const x = xdg.data as XdgSurfaceState;
        if (x.toplevel) throw xdg.error('already_constructed', `${xdg} already has a toplevel`);
        x.toplevel = toplevel;
        const win: Window = { title: '', owner: x.surface };
        toplevel.data = win;
        const s = x.surface.data as SurfaceState;
        s.role = {
          precommit(hasBuffer) {
            if (!x.initialSent) {
              if (hasBuffer) throw xdg.error('unconfigured_buffer', 'buffer attached before the initial configure');
              x.initialSent = true;
              configure(x, xdg);
              return;
            }
            if (hasBuffer && !x.configured) throw xdg.error('unconfigured_buffer', 'buffer committed before ack_configure');
          },
          show: (w, h, pixels, damage) => host.windows.show(win, w, h, pixels, damage),
          hide: () => host.windows.hide(win),
        };
        toplevel.onDestroy(() => { s.role?.hide(); });
      },
      ack_configure(xdg: Resource, serial: number) {
        const x = xdg.data as XdgSurfaceState;
        const i = x.sent.indexOf(serial);
        if (i < 0) throw xdg.error('invalid_serial', `ack_configure with serial ${serial}, not one sent`);
        x.sent.splice(0, i + 1);
        x.configured = true;
      },
      set_window_geometry(xdg: Resource, x: number, y: number, width: number, height: number) {
        if (width <= 0 || height <= 0) throw xdg.error('invalid_size', `window geometry ${width}x${height}`);
        (xdg.data as XdgSurfaceState).geometry = { x, y, w: width, h: height };
      },
    },
    xdg_toplevel: {
      set_title(toplevel: Resource, title: string) {
        (toplevel.data as Window).title = title;
        host.log(`${toplevel} title "${title}"`);
      },
    },
  };
}

/** Ask a client whether it is alive (xdg_wm_base.ping; it must pong with the serial). */
export function ping(wm: Resource, serial: number): void {
  wm.data.ping = serial;
  wm.send('ping', serial);
}
