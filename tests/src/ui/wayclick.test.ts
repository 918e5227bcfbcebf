/**
 * The seed's Wayland smoke test, in a real browser (Debian's chromium driven by
 * playwright-core) against a booted local system: `wayclick` is started from
 * the console shell by typing into the display page; its window (a checkerboard
 * of two known colours, 240x160, drawn into a memfd the guest shares with
 * uiserver) must appear in the page's canvas; a click on it in the page goes
 * back through the pointer input to the window's wl_pointer, and wayclick
 * exits 0, which the shell prints. The screenshot is kept as an artefact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { LocalSystem } from '../local/system.js';
import { openDisplayPage, screenText, typeText } from './display-page.js';

/** wayclick's window (apps/wayclick/wayclick.c): its size and the checkerboard's colours. */
const WINDOW = { w: 240, h: 160, colors: [0x2040c0, 0xe0a000] };

/**
 * In the page (plain JavaScript): the bounding box, in canvas pixels, of the
 * pixels in either checkerboard colour, and how many of them there are.
 */
const FIND_WINDOW = (colors: number[]) => `(() => {
  const c = document.getElementById('screen');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, n = 0;
  for (let i = 0; i < d.length; i += 4) {
    const rgb = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    if (rgb !== ${colors[0]} && rgb !== ${colors[1]}) continue;
    const p = i >> 2, x = p % c.width, y = (p - x) / c.width;
    n++; x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  const r = c.getBoundingClientRect();
  return n ? { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, n, sx: r.width / c.width, sy: r.height / c.height, left: r.left, top: r.top } : undefined;
})()`;

test('wayclick opens a window on the display page; a click on it makes it exit with status 0', { timeout: 300_000 }, async () => {
  const artefacts = mkdtempSync(join(tmpdir(), 'rustos-ui-wayclick-'));
  const sys = await LocalSystem.boot({ env: { RUSTOS_UI_HTTP: '127.0.0.1:0' } });
  let browser: BrowserContext | undefined;
  try {
    const web = await sys.until('the display page', async () => (await sys.milestones()).find((m) => m.name === 'uiserver.web' && m.subject)?.subject);
    const socket = await sys.until('the Wayland socket', async () => (await sys.milestones()).find((m) => m.name === 'uiserver.wayland'), 60_000, 100);
    assert.equal(socket.detail, 'the Wayland socket', `uiserver.wayland: ${socket.detail}`);
    await sys.until('the console shell prompt', async () => ((await screenText(web)).lines.some((l) => /[#$] $/.test(l)) ? true : undefined), 60_000, 100);

    const opened = await openDisplayPage(web, artefacts);
    browser = opened.browser;
    const page = opened.page;
    assert.equal(await page.evaluate(FIND_WINDOW(WINDOW.colors)), undefined, 'no window before wayclick runs');

    // The console shell has XDG_RUNTIME_DIR and WAYLAND_DISPLAY, as a desktop's terminal does.
    await typeText(page, 'wayclick 120; echo wayclick-status=$?');
    await page.keyboard.press('Enter');
    const started = Date.now();
    type Found = { x: number; y: number; w: number; h: number; n: number; sx: number; sy: number; left: number; top: number };
    let last: Found | undefined;
    const win = await sys.until('wayclick\'s window in the page', async () => {
      const w = last = await page.evaluate(FIND_WINDOW(WINDOW.colors)) as Found | undefined;
      return w && w.w === WINDOW.w && w.h === WINDOW.h ? w : undefined;
    }, 60_000, 200).catch(async (err: Error) => {
      await page.screenshot({ path: join(artefacts, 'no-window.png') });
      const console_ = (await screenText(web)).lines.filter((l) => l.trim()).join('\n');
      throw new Error(`${err.message.split('\n')[0]}; last seen: ${JSON.stringify(last)}; the console:\n${console_}`);
    });
    const shown = Date.now();
    assert.equal(win.n, WINDOW.w * WINDOW.h, 'every pixel of the window is one of the checkerboard colours');
    assert.ok((await screenText(web)).lines.some((l) => l.includes(`wayclick: window ${WINDOW.w}x${WINDOW.h} shown`)));
    await page.screenshot({ path: join(artefacts, 'wayclick-window.png') });

    // Click 50,40 inside the window, in page coordinates.
    await page.mouse.click(win.left + (win.x + 50) * win.sx, win.top + (win.y + 40) * win.sy);
    const clicked = Date.now();
    const screen = await sys.until('wayclick\'s exit status', async () => {
      const s = await screenText(web);
      return s.lines.some((l) => /^wayclick-status=\d+/.test(l)) ? s : undefined;
    }, 30_000, 100);
    console.log(`Enter to window in the page: ${shown - started} ms; click to the exit status on the console: ${Date.now() - clicked} ms (polled every 100-200 ms)`);
    const shot = join(artefacts, 'wayclick-clicked.png');
    await page.screenshot({ path: shot });
    console.log(`screenshots: ${artefacts}`);
    assert.ok(screen.lines.includes('wayclick-status=0'), `wayclick's status:\n${screen.lines.filter((l) => l.trim()).join('\n')}`);
    assert.ok(screen.lines.some((l) => l === 'wayclick: clicked at 50,40'), 'the click arrived at the surface-local point clicked');
    // The window is gone with its client.
    await sys.until('the window to go', async () => ((await page.evaluate(FIND_WINDOW(WINDOW.colors))) === undefined ? true : undefined), 10_000, 100);
  } finally {
    await browser?.close().catch(() => undefined);
    await sys.down();
  }
});
