import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../abi.js';
import { NR, TestGuest, settle } from '../test-support.js';
import { ServiceListener, type ListenerEventOut } from './service-listener.js';

const P = 10, Q = 11;
const SOCKETPAIR = 53, SENDMSG = 46, RECVMSG = 47, SOCKET = 41, CONNECT = 42;
const AF_UNIX = 1, STREAM = 1;

async function pair(g: TestGuest, pid: number, type = STREAM): Promise<[number, number]> {
  const a = await g.call(pid, SOCKETPAIR, [AF_UNIX, type, 0]);
  assert.equal(a.result, 0);
  return [a.outputs![0]!.readInt32LE(0), a.outputs![0]!.readInt32LE(4)];
}

/** sendmsg's input as the ABI table marshals it (spec.ts, kind 'msghdr'). */
function msg(data: string, fds: number[] = []): Buffer {
  const ctl = Buffer.alloc(fds.length ? 16 + ((fds.length * 4 + 7) & ~7) : 0);
  if (fds.length) {
    ctl.writeBigUInt64LE(BigInt(16 + 4 * fds.length), 0);
    ctl.writeInt32LE(1, 8);
    ctl.writeInt32LE(1, 12);
    fds.forEach((fd, i) => ctl.writeInt32LE(fd, 16 + 4 * i));
  }
  const h = Buffer.alloc(16);
  h.writeUInt32LE(ctl.length, 4);
  h.writeUInt32LE(data.length, 8);
  return Buffer.concat([h, ctl, Buffer.from(data)]);
}

/** recvmsg's input: capacities. */
function caps(data: number, control: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(control, 4);
  h.writeUInt32LE(data, 8);
  return h;
}

test('a blocked recv waits without holding up other processes, and a send wakes it', async () => {
  const g = new TestGuest();
  const [a, b] = await pair(g, P);
  const pending = g.start(P, NR.read, [b, 0, 100]);
  await settle();
  assert.equal(pending.done, false);
  // Another process goes on meanwhile.
  const [r, w] = await g.pipe(Q);
  assert.equal(await g.write(Q, w, 'x'), 1);
  assert.equal(await g.read(Q, r, 1), 'x');
  assert.equal(await g.write(P, a, 'wake'), 4);
  assert.equal((await pending.answer).outputs![0]!.toString(), 'wake');
  g.cleanup();
});

test('a stream send larger than the receive queue is taken in parts as the reader drains', async () => {
  const g = new TestGuest();
  const [a, b] = await pair(g, P);
  const big = Buffer.alloc(300_000, 7);
  const writing = g.start(P, NR.write, [a, 0, big.length], [big]);
  await settle();
  assert.equal(writing.done, false, '212992 bytes fit, the rest waits');
  // The reader is another process sharing the pair (a fork).
  g.fork(P, Q);
  let got = 0;
  while (got < big.length) got += (await g.call(Q, NR.read, [b, 0, 65536])).result;
  assert.equal((await writing.answer).result, big.length);
  assert.equal(got, big.length);
  g.cleanup();
});

test('SCM_RIGHTS: a passed pipe end is the same pipe; dropped unreceived, it closes', async () => {
  const g = new TestGuest();
  const [a, b] = await pair(g, P);
  const [r, w] = await g.pipe(P);
  assert.equal((await g.call(P, SENDMSG, [a, 0, 0], [msg('w', [w])])).result, 1);
  assert.equal(await g.result(P, NR.close, [w]), 0);
  const got = await g.call(P, RECVMSG, [b, 0, 0], [caps(10, 64)]);
  assert.equal(got.result, 1);
  const out = got.outputs![0]!;
  const ctlLen = out.readUInt32LE(4);
  assert.equal(ctlLen, 24);
  const passed = out.readInt32LE(16 + 16);
  assert.equal(await g.write(P, passed, 'via'), 3);
  assert.equal(await g.read(P, r, 10), 'via');
  // Passed again, and the socket closed before anyone received it: the write end goes, the reader sees EOF.
  assert.equal((await g.call(P, SENDMSG, [a, 0, 0], [msg('w', [passed])])).result, 1);
  assert.equal(await g.result(P, NR.close, [passed]), 0);
  assert.equal(await g.result(P, NR.close, [b]), 0);
  assert.equal((await g.call(P, NR.read, [r, 0, 10])).result, 0);
  // An fd that is not open is EBADF, nothing sent.
  assert.equal((await g.call(P, SENDMSG, [a, 0, 0], [msg('x', [99])])).result, -Errno.EBADF);
  g.cleanup();
});

test('a service listener: accept, bytes with a passed file readable by handle, replies, hang-up, cleanup', async () => {
  const g = new TestGuest();
  const events: ListenerEventOut[] = [];
  const l = new ServiceListener(g.v, (e) => events.push(e));
  assert.equal(l.listen({ path: '/run/user/1000/wayland-0', uid: 1000, gid: 1000, mode: 0, dirMode: 0, backlog: 0 }), 0);
  const s = await g.result(P, SOCKET, [AF_UNIX, STREAM, 0]);
  const addr = Buffer.alloc(110);
  addr.writeUInt16LE(AF_UNIX, 0);
  addr.write('/run/user/1000/wayland-0', 2);
  assert.equal(await g.result(P, CONNECT, [s, 0, 110], [addr]), 0);
  const f = await g.open(P, '/tmp/pool', 0o102, 0o600);
  assert.equal(await g.write(P, f, 'pixels'), 6);
  assert.equal((await g.call(P, SENDMSG, [s, 0, 0], [msg('hi', [f])])).result, 2);
  await settle();
  const accepted = events.find((e) => 'accepted' in e) as { accepted: { conn: number; pid: number } };
  assert.equal(accepted.accepted.pid, P);
  const data = events.find((e) => 'data' in e) as { data: { data: Buffer; fds: { handle: number; kind: string; size: number }[] } };
  assert.equal(data.data.data.toString(), 'hi');
  assert.deepEqual(data.data.fds.map((x) => [x.kind, x.size]), [['REGULAR', 6]]);
  assert.equal(g.v.passed.read(data.data.fds[0]!.handle, 1, 100).data.toString(), 'ixels');

  l.send(accepted.accepted.conn, Buffer.from('welcome'), [], [Buffer.from('keymap')]);
  const got = await g.call(P, RECVMSG, [s, 0, 0], [caps(100, 64)]);
  assert.equal(got.outputs![0]!.subarray(16 + 24).toString(), 'welcome');
  assert.equal(await g.result(P, NR.close, [s]), 0);
  await settle();
  assert.deepEqual(events.at(-1), { hangup: accepted.accepted.conn });

  // A second listener finds the path taken; once the first ends, the path is free.
  const other = new ServiceListener(g.v, () => undefined);
  assert.equal(other.listen({ path: '/run/user/1000/wayland-0', uid: 1000, gid: 1000, mode: 0, dirMode: 0, backlog: 0 }), Errno.EADDRINUSE);
  l.end();
  assert.equal(await g.result(P, NR.stat, [0, 0], ['/run/user/1000/wayland-0']), -Errno.ENOENT);
  assert.throws(() => g.v.passed.get(data.data.fds[0]!.handle));
  g.cleanup();
});
