/**
 * The web display's protocol: the page and the text model over HTTP, frames as
 * damage rectangles over the websocket (decoded back to the compositor's
 * pixels), browser key events to Linux key codes, and bad messages ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { WebDisplay, parseInput } from './server.js';
import { Compositor, Surface } from '../render/compositor.js';
import { MemoryDisplay } from '../display/memory.js';
import { KEY } from '../input/keycodes.js';
import type { InputEvent } from '../input/source.js';
import { Terminal } from '../terminal/terminal.js';

interface Frame { x: number; y: number; w: number; h: number; rgba: Buffer }

async function serve() {
  const display = new MemoryDisplay(64, 32);
  const compositor = new Compositor(display, 0x102030);
  const surface = new Surface(0, 0, 64, 32);
  compositor.add(surface);
  await compositor.compose();
  const term = new Terminal(8, 2);
  term.write('hi');
  const inputs: InputEvent[] = [];
  const web = new WebDisplay({ host: '127.0.0.1', port: 0, compositor, text: () => term.text(), input: (e) => inputs.push(e), log: () => {} });
  const url = await web.listen();
  return { url, web, compositor, surface, inputs };
}

function connect(url: string): Promise<{ ws: WebSocket; hello: { width: number; height: number }; frames: Frame[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(new URL('ws', url.replace('http', 'ws')));
    const frames: Frame[] = [];
    ws.on('message', (d: Buffer, binary) => {
      if (!binary) { resolve({ ws, hello: JSON.parse(d.toString()), frames }); return; }
      frames.push({ x: d.readUInt16LE(0), y: d.readUInt16LE(2), w: d.readUInt16LE(4), h: d.readUInt16LE(6), rgba: d.subarray(8) });
    });
    ws.on('error', reject);
  });
}

const until = async (check: () => boolean) => { for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10)); assert.ok(check()); };

test('the page, the text model and 404s over HTTP', async () => {
  const { url, web } = await serve();
  try {
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<canvas id="screen"/);
    const text = await (await fetch(new URL('console.json', url))).json() as { lines: string[]; cursor: { x: number; y: number } };
    assert.deepEqual(text.lines, ['hi', '']);
    assert.deepEqual(text.cursor, { x: 2, y: 0, visible: true });
    assert.equal((await fetch(new URL('nothing', url))).status, 404);
  } finally { await web.close(); }
});

test('a client gets the whole screen, then only damaged rectangles, as RGBA', async () => {
  const { url, web, compositor, surface } = await serve();
  try {
    const { ws, hello, frames } = await connect(url);
    assert.deepEqual(hello, { type: 'hello', width: 64, height: 32 });
    await until(() => frames.length === 1);
    assert.deepEqual([frames[0]!.x, frames[0]!.y, frames[0]!.w, frames[0]!.h], [0, 0, 64, 32]);
    surface.pixels.fill(0xabcdef);
    compositor.damageSurface(surface, { x: 3, y: 4, w: 2, h: 1 });
    await compositor.compose();
    await until(() => frames.length === 2);
    const f = frames[1]!;
    assert.deepEqual([f.x, f.y, f.w, f.h], [3, 4, 2, 1]);
    assert.deepEqual([...f.rgba], [0xab, 0xcd, 0xef, 0xff, 0xab, 0xcd, 0xef, 0xff]);
    ws.close();
  } finally { await web.close(); }
});

test('browser key and pointer events arrive as input events; bad messages are ignored', async () => {
  const { url, web, inputs } = await serve();
  try {
    const { ws } = await connect(url);
    ws.send(JSON.stringify({ type: 'key', code: 'KeyQ', down: true }));
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'key', code: '__proto__', down: true }));
    ws.send(JSON.stringify({ type: 'key', code: 'KeyQ', down: 'yes' }));
    ws.send(Buffer.from([1, 2, 3]));
    ws.send(JSON.stringify({ type: 'pointer', x: 1e9, y: -5, buttons: 1 }));
    ws.send(JSON.stringify({ type: 'key', code: 'Enter', down: false }));
    await until(() => inputs.length === 3);
    assert.deepEqual(inputs, [
      { kind: 'key', code: KEY.Q, down: true },
      { kind: 'pointer', x: 63, y: 0, buttons: 1 },
      { kind: 'key', code: KEY.ENTER, down: false },
    ]);
    ws.close();
  } finally { await web.close(); }
});

test('parseInput refuses what is not an event', () => {
  assert.equal(parseInput('null', 10, 10), undefined);
  assert.equal(parseInput('[]', 10, 10), undefined);
  assert.equal(parseInput('{"type":"pointer","x":"1","y":2,"buttons":0}', 10, 10), undefined);
  assert.equal(parseInput('{"type":"key","code":"Fn","down":true}', 10, 10), undefined);
});

test('a port already taken rejects listen() with EADDRINUSE and leaves the process running', async () => {
  const { url, web } = await serve();
  const compositor = new Compositor(new MemoryDisplay(8, 8));
  const second = new WebDisplay({ host: '127.0.0.1', port: Number(new URL(url).port), compositor, text: () => new Terminal(1, 1).text(), input: () => {}, log: () => {} });
  await assert.rejects(second.listen(), /EADDRINUSE/);
  await new Promise((r) => setTimeout(r, 50));   // an unhandled 'error' event would have ended the process by now
  await web.close();
});
