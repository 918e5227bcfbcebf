/**
 * The Wayland compositor: the globals it offers (wl_compositor, wl_shm,
 * wl_seat, xdg_wm_base), its clients — one per guest connection, each cut off
 * alone on a protocol error —, their windows in the compositor, and pointer
 * input routed to them. Transport-free: connections come from whatever
 * listens on the guest socket (see connection.ts).
 */
import type { Compositor } from '../render/compositor.js';
import type { InputEvent } from '../input/source.js';
import { Client, type ClientHost } from './client.js';
import type { WaylandConnection } from './connection.js';
import { displayImplementations } from './display.js';
import type { Implementation, Resource } from './resource.js';
import { PointerRouter } from './seat.js';
import { FORMATS, shmImplementations } from './shm.js';
import { surfaceImplementations } from './surface.js';
import { WindowStack } from './windows.js';
import { ping, wmState, xdgImplementations } from './xdg.js';

export interface Global { name: number; iface: string; version: number; bind(r: Resource): void }

export class WaylandServer implements ClientHost {
  readonly windows: WindowStack;
  readonly clients = new Set<Client>();
  private readonly pointer: PointerRouter;
  private readonly impls: Record<string, Implementation>;
  private readonly globals: Global[];
  private serial = 0;
  private clientCount = 0;
  private readonly started = Date.now();

  constructor(compositor: Compositor, readonly log: (message: string) => void) {
    this.windows = new WindowStack(compositor, log);
    const nextSerial = () => this.nextSerial();
    const now = () => (Date.now() - this.started) >>> 0;
    this.pointer = new PointerRouter(this.windows, nextSerial, now);
    this.impls = {
      ...displayImplementations(() => this.globals, now),
      ...shmImplementations,
      ...surfaceImplementations((fn) => this.windows.onNextPresent(fn)),
      ...this.pointer.implementations,
      ...xdgImplementations({ windows: this.windows, nextSerial, log }),
    };
    let name = 0;
    const global = (iface: string, version: number, bind: (r: Resource) => void = () => {}): Global => ({ name: ++name, iface, version, bind });
    this.globals = [
      global('wl_compositor', 4),
      global('wl_shm', 1, (r) => { r.send('format', FORMATS.argb8888); r.send('format', FORMATS.xrgb8888); }),
      global('wl_seat', 5, (r) => this.pointer.bind(r)),
      global('xdg_wm_base', 2, (r) => { r.data = wmState(); ping(r, nextSerial()); }),
    ];
  }

  /** A new client on `conn`. */
  accept(conn: WaylandConnection): Client {
    const c = new Client(conn, this, `#${++this.clientCount}`);
    this.clients.add(c);
    this.log(`client ${c.name} connected`);
    return c;
  }

  /** Input from the devices: pointer events go to the window under the pointer. */
  input(e: InputEvent): void {
    if (e.kind === 'pointer') this.pointer.input(e.x, e.y, e.buttons);
  }

  /** uiserver is going away: ask every toplevel to close (xdg_toplevel.close), then hang the clients up. */
  stop(): void {
    for (const c of [...this.clients]) {
      for (const r of c.objects.values()) if (r.iface.name === 'xdg_toplevel') r.send('close');
      c.conn.close();
    }
  }

  implementation(iface: string): Implementation | undefined { return this.impls[iface]; }

  gone(client: Client): void { this.clients.delete(client); }

  nextSerial(): number { return this.serial = (this.serial + 1) >>> 0; }
}
