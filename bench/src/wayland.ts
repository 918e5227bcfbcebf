/**
 * Wayland compositor benchmark (issue 5, part 5): a client's frame through
 * uiserver's protocol code in one process — attach, damage, frame, commit as
 * wire bytes; the server decodes them, reads the shm buffer, composes and
 * presents, and answers wl_callback.done — for a small window (wayclick's
 * 240x160) and a full-screen one, beside the reference floor measured in the
 * same run: copying the same pixels into a framebuffer with no protocol
 * (a row-by-row copy, then the same present). The guest transport (vfsd's
 * socket and ReadPassedFile) is not in these numbers.
 */
import { Compositor } from '@rustos/uiserver/dist/render/compositor.js';
import { MemoryDisplay } from '@rustos/uiserver/dist/display/memory.js';
import { WaylandServer } from '@rustos/uiserver/dist/wayland/server.js';
import { TestConnection, MemoryFile, msg, concat, stringAt } from '@rustos/uiserver/dist/wayland/test-transport.js';
import { summarize, printTable } from './lib/stats.js';

const FRAMES = Number(process.env.BENCH_WAYLAND_FRAMES ?? 300);
const SCREEN = { w: 1024, h: 768 };

async function protocolFrames(w: number, h: number): Promise<number[]> {
  const display = new MemoryDisplay(SCREEN.w, SCREEN.h);
  const server = new WaylandServer(new Compositor(display), () => {});
  const conn = new TestConnection();
  const client = server.accept(conn);
  conn.write(msg(1, 1, 2));
  await client.idle();
  const names = new Map(conn.take(2, 0).map((e) => [stringAt(e, 1), e.words[0]!]));
  const bind = (iface: string, id: number) => msg(2, 0, names.get(iface)!, iface, 1, id);
  const file = new MemoryFile(new Uint8Array(w * h * 4).fill(0x80));
  conn.write(concat(bind('wl_compositor', 3), bind('wl_shm', 4), bind('xdg_wm_base', 5), msg(3, 0, 6), msg(5, 2, 7, 6), msg(7, 1, 8), msg(6, 6)));
  await client.idle();
  conn.write(concat(msg(7, 4, conn.take(7, 0)[0]!.words[0]!), msg(4, 0, 9, file.bytes.length), msg(9, 0, 10, 0, w, h, w * 4, 1)), [file]);
  const samples: number[] = [];
  let cb = 100;
  for (let i = 0; i < FRAMES; i++) {
    const id = cb++;
    const t0 = performance.now();
    conn.write(concat(msg(6, 1, 10, 0, 0), msg(6, 2, 0, 0, w, h), msg(6, 3, id), msg(6, 6)));
    while (conn.take(id, 0).length === 0) await new Promise((r) => setImmediate(r));
    samples.push(performance.now() - t0);
    conn.events.length = 0;
  }
  return samples;
}

async function plainFrames(w: number, h: number): Promise<number[]> {
  const display = new MemoryDisplay(SCREEN.w, SCREEN.h);
  const frame = new Uint32Array(SCREEN.w * SCREEN.h);
  const src = new Uint32Array(w * h).fill(0x80808080);
  const samples: number[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const t0 = performance.now();
    for (let y = 0; y < h; y++) frame.set(src.subarray(y * w, y * w + w), y * SCREEN.w);
    display.present([{ x: 0, y: 0, w, h }], frame);
    await new Promise((r) => setImmediate(r));
    samples.push(performance.now() - t0);
  }
  return samples;
}

const rows: (string | number)[][] = [];
for (const [label, w, h] of [['240x160 (wayclick)', 240, 160], ['1024x768 (full screen)', 1024, 768]] as const) {
  const p = summarize(await protocolFrames(w, h));
  const q = summarize(await plainFrames(w, h));
  rows.push([label, p.p50, p.p99, q.p50, q.p99, `${(p.p50 / q.p50).toFixed(1)}x`]);
}
printTable(`Wayland frame: commit -> composed, presented, wl_callback.done (ms, ${FRAMES} frames each)`,
  ['window', 'protocol p50', 'protocol p99', 'plain copy p50', 'plain copy p99', 'p50 ratio'], rows);
