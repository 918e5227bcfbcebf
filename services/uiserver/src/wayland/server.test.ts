/**
 * The Wayland server against byte sequences laid out from the protocol spec
 * (wayland.xml, xdg-shell.xml; opcodes are the order of the requests there):
 * registry, sync, shm buffers, an xdg_toplevel becoming a window in the
 * composed frame, pointer input routed to it, and protocol errors that end only
 * the faulty client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Compositor } from '../render/compositor.js';
import { MemoryDisplay } from '../display/memory.js';
import { WaylandServer } from './server.js';
import { TestConnection, MemoryFile, msg, concat, stringAt } from './test-transport.js';

const DISPLAY = 1;
const ERR = { invalid_object: 0, invalid_method: 1, implementation: 3 };

function setup() {
  const display = new MemoryDisplay(320, 240);
  const compositor = new Compositor(display, 0x101010);
  const logs: string[] = [];
  const server = new WaylandServer(compositor, (m) => logs.push(m));
  const connect = () => { const conn = new TestConnection(); const client = server.accept(conn); return { conn, client }; };
  return { display, compositor, server, connect, logs };
}

/** get_registry(new_id 2), then the globals by interface name. */
async function registry(c: ReturnType<ReturnType<typeof setup>['connect']>) {
  c.conn.write(msg(DISPLAY, 1, 2));
  await c.client.idle();
  const globals = new Map<string, { name: number; version: number }>();
  for (const e of c.conn.take(2, 0)) globals.set(stringAt(e, 1), { name: e.words[0]!, version: e.words[e.words.length - 1]! });
  return globals;
}

function errorOf(conn: TestConnection) {
  const [e] = conn.take(DISPLAY, 0);
  assert.ok(e, 'a wl_display.error was sent');
  return { object: e.words[0], code: e.words[1], message: stringAt(e, 2) };
}

test('get_registry lists the globals; sync answers done and hands the id back (delete_id)', async () => {
  const { connect } = setup();
  const c = connect();
  const globals = await registry(c);
  assert.deepEqual([...globals.keys()].sort(), ['wl_compositor', 'wl_seat', 'wl_shm', 'xdg_wm_base']);
  // wl_display.sync(new_id 3): "01000000 00000c00 03000000" split across two sends (a partial message waits).
  const sync = msg(DISPLAY, 0, 3);
  assert.deepEqual([...sync], [1, 0, 0, 0, 0, 0, 12, 0, 3, 0, 0, 0]);
  c.conn.write(sync.subarray(0, 5));
  await c.client.idle();
  assert.equal(c.conn.events.length, 0);
  c.conn.write(sync.subarray(5));
  await c.client.idle();
  assert.equal(c.conn.take(3, 0).length, 1, 'wl_callback.done');
  assert.deepEqual(c.conn.take(DISPLAY, 1).map((e) => e.words[0]), [3], 'wl_display.delete_id(3)');
  // The global event's bytes: name, string "wl_compositor\0" (14 bytes, padded to 16), version.
  c.conn.write(msg(DISPLAY, 1, 4));
  await c.client.idle();
  const [first] = c.conn.take(4, 0);
  assert.equal(first!.body.length, 4 + 4 + 16 + 4);
  assert.equal(first!.words[1], 14);
});

test('bind checks the interface and version', async () => {
  const { connect } = setup();
  const a = connect();
  const g = await registry(a);
  const shm = g.get('wl_shm')!;
  a.conn.write(msg(2, 0, shm.name, 'wl_shm', 1, 5));
  await a.client.idle();
  assert.deepEqual(a.conn.take(5, 0).map((e) => e.words[0]), [0, 1], 'formats ARGB8888 and XRGB8888');
  a.conn.write(msg(2, 0, shm.name, 'wl_shm', shm.version + 1, 6));
  await a.client.idle();
  const e = errorOf(a.conn);
  assert.equal(e.code, ERR.invalid_object);
  assert.match(e.message, /invalid version for global wl_shm/);
  assert.ok(a.conn.closed);
  const b = connect();
  await registry(b);
  b.conn.write(msg(2, 0, shm.name, 'wl_seat', 1, 5));
  await b.client.idle();
  assert.match(errorOf(b.conn).message, /invalid interface for global/);
});

test('an xdg_toplevel with an shm buffer becomes a window; a click on it reaches the client', async () => {
  const { connect, display, server } = setup();
  const c = connect();
  const g = await registry(c);
  const bind = (iface: string, id: number, version: number) => msg(2, 0, g.get(iface)!.name, iface, version, id);
  // ids: 3 compositor, 4 shm, 5 seat, 6 xdg_wm_base, 7 pointer, 8 surface, 9 xdg_surface, 10 toplevel, 11 pool, 12 buffer, 13 frame callback
  c.conn.write(concat(bind('wl_compositor', 3, 4), bind('wl_shm', 4, 1), bind('wl_seat', 5, 5), bind('xdg_wm_base', 6, 1),
    msg(5, 0, 7), msg(3, 0, 8), msg(6, 2, 9, 8), msg(10 - 1, 1, 10), msg(10, 2, 'wayclick'), msg(8, 6)));
  await c.client.idle();
  assert.deepEqual(c.conn.take(5, 0).map((e) => e.words[0]), [1], 'seat capabilities: pointer');
  assert.equal(stringAt(c.conn.take(5, 1)[0]!, 0), 'seat0');
  const [ping] = c.conn.take(6, 0);
  assert.ok(ping, 'xdg_wm_base.ping');
  c.conn.write(msg(6, 3, ping!.words[0]!));
  assert.equal(c.conn.take(10, 0).length, 1, 'initial xdg_toplevel.configure');
  const [conf] = c.conn.take(9, 0);
  assert.ok(conf, 'initial xdg_surface.configure');
  // A 40x30 XRGB8888 buffer at offset 64 of a 4096+ byte pool, rows of 160 bytes, a vertical split of two colours.
  const w = 40, h = 30, stride = w * 4, offset = 64;
  const file = new MemoryFile(new Uint8Array(offset + stride * h), true);
  const px = new DataView(file.bytes.buffer);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.setUint32(offset + y * stride + x * 4, x < w / 2 ? 0xff2040c0 : 0xffe0a000, true);
  c.conn.write(concat(msg(9, 4, conf!.words[0]!), msg(4, 0, 11, file.bytes.length)), [file]);
  c.conn.write(concat(msg(11, 0, 12, offset, w, h, stride, 1), msg(8, 1, 12, 0, 0), msg(8, 2, 0, 0, w, h), msg(8, 3, 13), msg(8, 6)));
  await c.client.idle();
  await server.windows.settled();
  assert.equal(c.conn.take(12, 0).length, 1, 'wl_buffer.release after the copy');
  assert.equal(c.conn.take(13, 0).length, 1, 'frame callback done after the present');
  const hit = server.windows.at(60, 60);   // the first window is placed at 48,48
  assert.ok(hit, 'the window is on screen');
  const v = hit.window.view!;
  assert.equal(hit.window.title, 'wayclick');
  assert.equal(display.pixels[(v.y + 5) * 320 + v.x + 5], 0x2040c0);
  assert.equal(display.pixels[(v.y + 5) * 320 + v.x + 30], 0xe0a000);
  assert.equal(display.pixels[(v.y + h) * 320 + v.x], 0x101010, 'below it: the background');
  // The pointer moves onto it and presses the left button.
  server.input({ kind: 'pointer', x: v.x + 7, y: v.y + 9, buttons: 0 });
  server.input({ kind: 'pointer', x: v.x + 7, y: v.y + 9, buttons: 1 });
  const enter = c.conn.take(7, 0);
  assert.deepEqual(enter.map((e) => [e.words[1], e.words[2]! / 256, e.words[3]! / 256]), [[8, 7, 9]], 'enter on surface 8 at 7,9');
  const [button] = c.conn.take(7, 3);
  assert.deepEqual(button!.words.slice(2), [0x110, 1], 'BTN_LEFT pressed');
  assert.ok(c.conn.take(7, 5).length >= 2, 'frames');
  server.input({ kind: 'pointer', x: 1, y: 1, buttons: 0 });
  assert.deepEqual(c.conn.take(7, 3).map((e) => e.words.slice(2)), [[0x110, 0]], 'released (still grabbed)');
  server.input({ kind: 'pointer', x: 2, y: 2, buttons: 0 });
  assert.equal(c.conn.take(7, 1).length, 1, 'leave once it is off the window');
  // Disconnecting removes the window.
  c.conn.hangup();
  await server.windows.settled();
  assert.equal(server.windows.at(v.x + 7, v.y + 9), undefined);
  assert.equal(display.pixels[(v.y + 5) * 320 + v.x + 5], 0x101010);
  assert.ok(file.closed, 'the pool\'s file is released');
});

test('protocol errors: the right code, the faulty client cut off, the others unaffected', async () => {
  const { connect, server } = setup();
  const good = connect();
  const g = await registry(good);
  const cases: { name: string; bytes: Uint8Array; object: number; code: number; message: RegExp; fds?: MemoryFile[] }[] = [
    { name: 'unknown object', bytes: msg(77, 0), object: DISPLAY, code: ERR.invalid_object, message: /invalid object 77/ },
    { name: 'unknown opcode', bytes: msg(DISPLAY, 9, 3), object: DISPLAY, code: ERR.invalid_method, message: /invalid method 9/ },
    { name: 'short message', bytes: msg(DISPLAY, 0), object: DISPLAY, code: ERR.invalid_method, message: /too short for argument callback/ },
    { name: 'size below the header', bytes: new Uint8Array([1, 0, 0, 0, 0, 0, 4, 0]), object: DISPLAY, code: ERR.invalid_method, message: /bad size 4/ },
    { name: 'new id in use', bytes: msg(DISPLAY, 1, 1), object: DISPLAY, code: ERR.invalid_object, message: /already in use/ },
    { name: 'server-range new id', bytes: msg(DISPLAY, 0, 0xff000001), object: DISPLAY, code: ERR.invalid_object, message: /outside the client's range/ },
    { name: 'string without NUL', bytes: concat(msg(2, 0, 1), new Uint8Array([2, 0, 0, 0, 0x61, 0x62, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0])), object: DISPLAY, code: ERR.invalid_method, message: /./ },
  ];
  for (const k of cases) {
    const bad = connect();
    await registry(bad);
    bad.conn.write(k.bytes, k.fds);
    await bad.client.idle();
    const e = errorOf(bad.conn);
    assert.deepEqual([e.object, e.code], [k.object, k.code], k.name);
    assert.match(e.message, k.message, k.name);
    assert.ok(bad.conn.closed, `${k.name}: disconnected`);
    assert.ok(!server.clients.has(bad.client));
  }
  // A buffer outside its pool: wl_shm.error.invalid_stride (1) on the pool object.
  const bad = connect();
  await registry(bad);
  const file = new MemoryFile(new Uint8Array(1000));
  bad.conn.write(concat(msg(2, 0, g.get('wl_shm')!.name, 'wl_shm', 1, 3), msg(3, 0, 4, 1000)), [file]);
  bad.conn.write(msg(4, 0, 5, 0, 16, 16, 64, 1));
  await bad.client.idle();
  const e = errorOf(bad.conn);
  assert.deepEqual([e.object, e.code], [4, 1]);
  assert.match(e.message, /16x16, stride 64, offset 0\) for a pool of 1000 bytes/);
  assert.ok(file.closed);
  // A pool larger than its file: invalid_fd (2) on wl_shm.
  const bad2 = connect();
  await registry(bad2);
  bad2.conn.write(concat(msg(2, 0, g.get('wl_shm')!.name, 'wl_shm', 1, 3), msg(3, 0, 4, 4096)), [new MemoryFile(new Uint8Array(100))]);
  await bad2.client.idle();
  assert.deepEqual(Object.values(errorOf(bad2.conn)).slice(0, 2), [3, 2]);
  // A create_pool without its fd.
  const bad3 = connect();
  await registry(bad3);
  bad3.conn.write(concat(msg(2, 0, g.get('wl_shm')!.name, 'wl_shm', 1, 3), msg(3, 0, 4, 4096)));
  await bad3.client.idle();
  assert.match(errorOf(bad3.conn).message, /no file descriptor received for fd/);
  // The good client still works.
  good.conn.write(msg(DISPLAY, 0, 3));
  await good.client.idle();
  assert.equal(good.conn.take(3, 0).length, 1);
  assert.ok(!good.conn.closed);
});

test('xdg-shell rules: no buffer before the first configure is acknowledged; unknown serials', async () => {
  const { connect } = setup();
  const c = connect();
  const g = await registry(c);
  const bind = (iface: string, id: number) => msg(2, 0, g.get(iface)!.name, iface, 1, id);
  const file = new MemoryFile(new Uint8Array(4 * 4 * 4));
  c.conn.write(concat(bind('wl_compositor', 3), bind('wl_shm', 4), bind('xdg_wm_base', 5), msg(4, 0, 6, 64)), [file]);
  c.conn.write(concat(msg(6, 0, 7, 0, 4, 4, 16, 0), msg(3, 0, 8), msg(5, 2, 9, 8), msg(9, 1, 10), msg(8, 6)));
  await c.client.idle();
  const [conf] = c.conn.take(9, 0);
  c.conn.write(concat(msg(8, 1, 7, 0, 0), msg(8, 6)));
  await c.client.idle();
  const e = errorOf(c.conn);
  assert.deepEqual([e.object, e.code], [9, 3], 'xdg_surface.error.unconfigured_buffer');
  const d = connect();
  const g2 = await registry(d);
  d.conn.write(concat(msg(2, 0, g2.get('wl_compositor')!.name, 'wl_compositor', 1, 3), msg(2, 0, g2.get('xdg_wm_base')!.name, 'xdg_wm_base', 1, 5),
    msg(3, 0, 8), msg(5, 2, 9, 8), msg(9, 1, 10), msg(8, 6), msg(9, 4, conf!.words[0]! + 1000)));
  await d.client.idle();
  assert.deepEqual(Object.values(errorOf(d.conn)).slice(0, 2), [9, 4], 'xdg_surface.error.invalid_serial');
});

test('two clients\' windows: the pointer goes to the topmost one under it, in its own coordinates', async () => {
  const { connect, server } = setup();
  const open = async () => {
    const c = connect();
    const g = await registry(c);
    const bind = (iface: string, id: number, version: number) => msg(2, 0, g.get(iface)!.name, iface, version, id);
    const file = new MemoryFile(new Uint8Array(50 * 50 * 4).fill(0x40));
    c.conn.write(concat(bind('wl_compositor', 3, 1), bind('wl_shm', 4, 1), bind('wl_seat', 5, 1), bind('xdg_wm_base', 6, 1),
      msg(5, 0, 7), msg(3, 0, 8), msg(6, 2, 9, 8), msg(9, 1, 10), msg(8, 6)));
    await c.client.idle();
    const [conf] = c.conn.take(9, 0);
    c.conn.write(concat(msg(9, 4, conf!.words[0]!), msg(4, 0, 11, file.bytes.length)), [file]);
    c.conn.write(concat(msg(11, 0, 12, 0, 50, 50, 200, 0), msg(8, 1, 12, 0, 0), msg(8, 6)));
    await c.client.idle();
    c.conn.events.length = 0;
    return c;
  };
  const a = await open(), b = await open();
  await server.windows.settled();
  // a at 48,48 and b cascaded to 80,80 (50x50 each): 90,90 is on both, b on top.
  server.input({ kind: 'pointer', x: 90, y: 90, buttons: 1 });
  assert.equal(a.conn.events.length, 0, 'nothing for the window underneath');
  assert.deepEqual(b.conn.take(7, 0).map((e) => [e.words[2]! / 256, e.words[3]! / 256]), [[10, 10]]);
  assert.deepEqual(b.conn.take(7, 3).map((e) => e.words.slice(2)), [[0x110, 1]]);
  // wl_seat version 1: no wl_pointer.frame events (since 5).
  assert.equal(b.conn.take(7, 5).length, 0);
  server.input({ kind: 'pointer', x: 60, y: 60, buttons: 0 });   // released off b: still b's (grab), then a's
  assert.deepEqual(b.conn.take(7, 3).map((e) => e.words.slice(2)), [[0x110, 0]]);
  server.input({ kind: 'pointer', x: 60, y: 60, buttons: 0 });
  assert.equal(b.conn.take(7, 1).length, 1, 'b left');
  assert.deepEqual(a.conn.take(7, 0).map((e) => [e.words[2]! / 256, e.words[3]! / 256]), [[12, 12]], 'a entered');
});

test('stopping the compositor asks each toplevel to close, then hangs its client up', async () => {
  const { connect, server } = setup();
  const c = connect();
  const g = await registry(c);
  c.conn.write(concat(msg(2, 0, g.get('wl_compositor')!.name, 'wl_compositor', 1, 3), msg(2, 0, g.get('xdg_wm_base')!.name, 'xdg_wm_base', 1, 4),
    msg(3, 0, 5), msg(4, 2, 6, 5), msg(6, 1, 7)));
  await c.client.idle();
  server.stop();
  assert.equal(c.conn.take(7, 1).length, 1, 'xdg_toplevel.close');
  assert.ok(c.conn.closed);
});
