/**
 * uiserver — the display server.
 *
 * Responsible for: opening the display, compositing surfaces into the
 * framebuffer, the Wayland compositor at $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY, the
 * console host, and notifying runtimed when ready. It is bootstrapped by runtimed
 * with the environment its manifest names.
 *
 * Never: launches applications (runtimed does).
 */
import { main } from '@rustos/platform';

main({
  name: 'uiserver',
  async start(ctx) {
    ctx.milestone('uiserver.env', '', `XDG_RUNTIME_DIR=${process.env.XDG_RUNTIME_DIR ?? ''} WAYLAND_DISPLAY=${process.env.WAYLAND_DISPLAY ?? ''}`);
  },
});
