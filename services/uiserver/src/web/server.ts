/**
 * The display on the web: an HTTP server on loopback serving the page, the
 * console's text (/console.json, for people and tests reading the screen as
 * text), and a websocket (/ws) that streams the framebuffer as binary damage
 * rectangles and takes keyboard and pointer events back.
 *
 * Frames: 8-byte header (x, y, w, h as little-endian uint16) then w*h RGBA pixels.
 * A slow client does not hold frames up: its damage accumulates and is sent,
 * from the current framebuffer, once its socket has drained.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Compositor } from '../render/compositor.js';
import { addDamage, type Rect } from '../render/rect.js';
import type { InputEvent } from '../input/source.js';
import { keyFromBrowserCode } from '../input/keycodes.js';
import type { ScreenText } from '../terminal/terminal.js';
import { PAGE } from './page.js';

export interface WebOptions {
  host: string;
  port: number;
  compositor: Compositor;
  text(): ScreenText;
  input(e: InputEvent): void;
  log(msg: string): void;
}

const HIGH_WATER = 1 << 20;

class Client {
  readonly damage: Rect[] = [];
  private inFlight = 0;

  constructor(readonly ws: WebSocket, private readonly compositor: Compositor) {}

  add(rects: readonly Rect[]): void {
    for (const r of rects) addDamage(this.damage, { ...r });
    this.flush();
  }

  flush(): void {
    if (this.inFlight > 0 && this.ws.bufferedAmount > HIGH_WATER) return;
    for (const r of this.damage.splice(0)) {
      this.inFlight++;
      this.ws.send(encodeRect(this.compositor, r), { binary: true }, () => {
        this.inFlight--;
        if (this.inFlight === 0 && this.damage.length) this.flush();
      });
    }
  }
}

function encodeRect(c: Compositor, r: Rect): Buffer {
  const out = Buffer.allocUnsafe(8 + r.w * r.h * 4);
  out.writeUInt16LE(r.x, 0); out.writeUInt16LE(r.y, 2); out.writeUInt16LE(r.w, 4); out.writeUInt16LE(r.h, 6);
  const f = c.frame, pitch = c.frame.length / c.height;
  let o = 8;
  for (let y = r.y; y < r.y + r.h; y++) {
    let i = y * pitch + r.x;
    for (let n = r.w; n > 0; n--) {
      const p = f[i++]!;
      out[o++] = (p >>> 16) & 0xff; out[o++] = (p >>> 8) & 0xff; out[o++] = p & 0xff; out[o++] = 0xff;
    }
  }
  return out;
}

/** A browser message as an input event, or undefined when it is not one. */
export function parseInput(text: string, width: number, height: number): InputEvent | undefined {
  let m: unknown;
  try { m = JSON.parse(text); } catch { return undefined; }
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  if (o.type === 'key' && typeof o.code === 'string' && typeof o.down === 'boolean') {
    const code = keyFromBrowserCode(o.code);
    return code === undefined ? undefined : { kind: 'key', code, down: o.down };
  }
  if (o.type === 'pointer' && typeof o.x === 'number' && typeof o.y === 'number' && typeof o.buttons === 'number') {
    const clamp = (v: number, max: number) => Math.min(max - 1, Math.max(0, Math.round(v)));
    if (!Number.isFinite(o.x) || !Number.isFinite(o.y)) return undefined;
    return { kind: 'pointer', x: clamp(o.x, width), y: clamp(o.y, height), buttons: o.buttons & 7 };
  }
  return undefined;
}

export class WebDisplay {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();

  constructor(private readonly o: WebOptions) {
    this.http = createServer((req, res) => this.request(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/ws', maxPayload: 64 * 1024 });
    this.wss.on('connection', (ws) => this.connect(ws));
    // ws re-emits the HTTP server's errors (a port in use): listen() reports those; an unhandled one would kill uiserver.
    this.wss.on('error', (err) => o.log(`web display: ${err.message}`));
    o.compositor.onPresent((rects) => { for (const c of this.clients) c.add(rects); });
  }

  /** Start listening; resolves with the URL. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.o.port, this.o.host, () => {
        this.http.off('error', reject);
        const a = this.http.address() as AddressInfo;
        resolve(`http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}/`);
      });
    });
  }

  close(): Promise<void> {
    for (const c of this.clients) c.ws.terminate();
    this.wss.close();
    return new Promise((resolve) => this.http.close(() => resolve()));
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') { res.writeHead(405).end(); return; }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
    } else if (path === '/console.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(this.o.text()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  }

  private connect(ws: WebSocket): void {
    const c = this.o.compositor;
    const client = new Client(ws, c);
    this.clients.add(client);
    ws.send(JSON.stringify({ type: 'hello', width: c.width, height: c.height }));
    client.add([{ x: 0, y: 0, w: c.width, h: c.height }]);
    ws.on('message', (data, binary) => {
      if (binary) return;
      const e = parseInput(data.toString(), c.width, c.height);
      if (e) this.o.input(e);
    });
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', (err) => this.o.log(`web client: ${err.message}`));
  }
}
