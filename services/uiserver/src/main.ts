/**
 * uiserver — the display server.
 *
 * Responsible for: opening the display, compositing surfaces into the
 * framebuffer with damage tracking, the console (a terminal emulator drawn into
 * the framebuffer, running a guest shell on a tty and fed by the input
 * devices), the web page that shows the live framebuffer on loopback and sends
 * keyboard and pointer input back, and the Wayland compositor (wayland/) at
 * $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY. It is bootstrapped by runtimed with the
 * environment its manifest names; being ready is what tells runtimed it is up.
 *
 * Never: launches applications itself (runtimed does, the console's shell
 * included), or touches a device it was not granted.
 */
import { main, type ServiceContext } from '@rustos/platform';
import { uiConfig } from './config.js';
import { loadFont, blankFont, type Font } from './render/psf.js';
import { Compositor } from './render/compositor.js';
import { openUiDevices, type UiDevices } from './devices.js';
import { Console } from './console/console.js';
import { ShellSession } from './console/session.js';
import { WebDisplay } from './web/server.js';
import { startWayland } from './wayland/start.js';

let web: WebDisplay | undefined;
let shell: ShellSession | undefined;
let wayland: ReturnType<typeof startWayland> | undefined;
let console_: Console | undefined;
let devices: UiDevices | undefined;

main({
  name: 'uiserver',
  async start(ctx) {
    const cfg = uiConfig();
    ctx.milestone('uiserver.env', '', `XDG_RUNTIME_DIR=${process.env.XDG_RUNTIME_DIR ?? ''} WAYLAND_DISPLAY=${process.env.WAYLAND_DISPLAY ?? ''}`);
    let font: Font;
    try {
      font = loadFont(cfg.font);
    } catch (err) {
      // The console keeps its text model (and /console.json) without glyphs to draw.
      ctx.log.error(`console font ${cfg.font}: ${(err as Error).message}; the console is drawn blank`);
      font = blankFont();
    }
    // The display adapter and input functions driverd bound to uiserver, through device sessions.
    devices = await openUiDevices(ctx);
    const { display, input } = devices;
    // The adapter's mode is the machine's (RUSTOS_DISPLAY in the nucleus); the manifest's UISERVER_DISPLAY is what uiserver expects.
    if (display.width !== cfg.width || display.height !== cfg.height) {
      ctx.log.warn(`display: the adapter runs at ${display.width}x${display.height}, not UISERVER_DISPLAY ${cfg.width}x${cfg.height}; using the adapter's mode`);
    }
    const compositor = new Compositor(display);
    const con = new Console(compositor, font);
    console_ = con;
    input.onEvent((e) => con.input(e));
    ctx.milestone('uiserver.display', devices.displayBdf, `${display.width}x${display.height} on the PCI display adapter, console ${con.cols}x${con.rows} cells of ${font.width}x${font.height}`);

    wayland = startWayland(ctx, compositor, input);
    web = new WebDisplay({
      host: cfg.host, port: cfg.port, compositor,
      text: () => con.term.text(),
      input: (e) => void Promise.resolve(input.inject(e)).catch((err: Error) => ctx.log.warn(`input: ${err.message}`)),
      log: (m) => ctx.log.warn(m),
    });
    try {
      const url = await web.listen();
      ctx.milestone('uiserver.web', url, 'the display page');
    } catch (err) {
      // Another system on this host may hold the port: the display works without its page.
      ctx.log.error(`web display on ${cfg.host}:${cfg.port}: ${(err as Error).message}`);
      ctx.milestone('uiserver.web', '', `not served: ${(err as Error).message}`);
      web = undefined;
    }
  },
  afterReady(ctx) {
    // The first frame (the whole screen, ~3 MiB to the adapter) once uiserver is known to be ready: it is most of a restart's CPU.
    console_!.show();
    startShell(ctx);
  },
  async stop() {
    wayland?.stop();
    await shell?.stop();
    await web?.close();
    for (const s of devices?.sessions ?? []) s.close();
  },
});

function startShell(ctx: ServiceContext): void {
  const con = console_!;
  const cfg = uiConfig();
  shell = new ShellSession(ctx, {
    argv: cfg.shell,
    env: { TERM: 'xterm', HOME: '/', XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '', WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY ?? '' },
    rows: con.rows,
    cols: con.cols,
    output: (d) => con.write(d),
    ended: (why) => {
      ctx.log.info(`console shell: ${why}`);
      con.write(`\r\n[console: ${why}; starting a new shell]\r\n`);
    },
  });
  con.sink = (bytes) => shell?.write(bytes);
  shell.start();
}
