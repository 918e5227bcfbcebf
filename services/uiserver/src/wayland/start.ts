/**
 * Starts the Wayland compositor on the guest socket $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY
 * (from uiserver's manifest): the server over the compositor, input events
 * from the devices routed to it, and guest connections from vfsd's listener.
 */
import type { ServiceContext } from '@rustos/platform';
import type { Compositor } from '../render/compositor.js';
import type { InputSource } from '../input/source.js';
import { GuestSocket } from './guest-socket.js';
import { WaylandServer } from './server.js';

/** The guest user the runtime directory belongs to (XDG_RUNTIME_DIR=/run/user/1000). */
const UID = 1000;

export function startWayland(ctx: ServiceContext, compositor: Compositor, input: InputSource): { server: WaylandServer; stop(): void } {
  const dir = process.env.XDG_RUNTIME_DIR || '/run/user/1000';
  const path = `${dir}/${process.env.WAYLAND_DISPLAY || 'wayland-0'}`;
  const log = (m: string) => ctx.log.info(`wayland: ${m}`);
  const server = new WaylandServer(compositor, log);
  input.onEvent((e) => server.input(e));
  const socket = new GuestSocket(ctx, {
    path, uid: UID, gid: UID,
    accept: (conn, peer) => { const c = server.accept(conn); log(`client ${c.name}: ${peer}`); },
    listening: (errno, why) => {
      if (errno) log(`no socket at ${path}: ${why}`);
      ctx.milestone('uiserver.wayland', path, errno ? `not listening: ${why}` : 'the Wayland socket');
    },
    log,
  });
  socket.start();
  return { server, stop: () => { server.stop(); socket.stop(); } };
}
