import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno, O } from './abi.js';
import { NR, TestGuest, settle } from './test-support.js';

const P = 10;

test('a read on an empty pipe waits for the writer, and gets what it wrote', async () => {
  const g = new TestGuest();
  const [r, w] = await g.pipe(P);
  const pending = g.start(P, NR.read, [r, 0, 100]);
  await settle();
  assert.equal(pending.done, false);
  assert.equal(await g.write(P, w, 'hello'), 5);
  const a = await pending.answer;
  assert.equal(a.result, 5);
  assert.equal(a.outputs![0]!.toString(), 'hello');
  g.cleanup();
});

test('a blocked read sees end of file when the last writer closes (also by process exit)', async () => {
  const g = new TestGuest();
  const [r, w] = await g.pipe(P);
  g.fork(P, 11);
  assert.equal(await g.result(P, NR.close, [w]), 0);
  const pending = g.start(P, NR.read, [r, 0, 10]);
  await settle();
  assert.equal(pending.done, false, 'the child still holds the write end');
  g.exit(11);
  assert.equal((await pending.answer).result, 0);
  g.cleanup();
});

test('CANCEL answers a blocked read with EINTR; O_NONBLOCK gives EAGAIN instead of waiting', async () => {
  const g = new TestGuest();
  const [r] = await g.pipe(P);
  const pending = g.start(P, NR.read, [r, 0, 10]);
  await settle();
  await g.cancel(pending);
  assert.equal((await pending.answer).result, -Errno.EINTR);
  const [nr] = await g.pipe(P, O.NONBLOCK);
  assert.equal(await g.result(P, NR.read, [nr, 0, 10]), -Errno.EAGAIN);
  g.cleanup();
});

test('a write to a full pipe waits for room; cancelled after a part went in, it answers that part', async () => {
  const g = new TestGuest();
  const [r, w] = await g.pipe(P);
  const big = Buffer.alloc(100_000, 0x61);
  const pending = g.start(P, NR.write, [w, 0, big.length], [big]);
  await settle();
  assert.equal(pending.done, false);
  // Reading a whole page frees a slot: the writer goes on.
  assert.equal((await g.read(P, r, 4096)).length, 4096);
  await settle();
  await g.cancel(pending);
  assert.equal((await pending.answer).result, 65536 + 4096);
  g.cleanup();
});

test('a blocking write finishes once readers drain everything', async () => {
  const g = new TestGuest();
  const [r, w] = await g.pipe(P);
  const big = Buffer.alloc(200_000, 0x62);
  const pending = g.start(P, NR.write, [w, 0, big.length], [big]);
  let got = 0;
  while (got < big.length) got += (await g.read(P, r, 65536)).length;
  assert.equal((await pending.answer).result, big.length);
  g.cleanup();
});

test('writing to a pipe with no reader: EPIPE, and SIGPIPE asked of the nucleus', async () => {
  const g = new TestGuest();
  const [r, w] = await g.pipe(P);
  await g.result(P, NR.close, [r]);
  const a = await g.call(P, NR.write, [w, 0, 1], ['x']);
  assert.equal(a.result, -Errno.EPIPE);
  assert.deepEqual(a.context, { 'signal.self': '13' });
  g.cleanup();
});

test('a blocked writer gets EPIPE when the last reader goes before any byte went in', async () => {
  const g = new TestGuest();
  const [r, w] = await g.pipe(P);
  await g.write(P, w, Buffer.alloc(65536));
  const pending = g.start(P, NR.write, [w, 0, 10], [Buffer.alloc(10)]);
  await settle();
  await g.result(P, NR.close, [r]);
  const a = await pending.answer;
  assert.equal(a.result, -Errno.EPIPE);
  assert.equal(a.context?.['signal.self'], '13');
  g.cleanup();
});

function pollfd(fd: number, events: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32LE(fd, 0);
  b.writeInt16LE(events, 4);
  return b;
}

test('poll waits for data, and times out after its timeout', async () => {
  const g = new TestGuest();
  const [r, w] = await g.pipe(P);
  const pending = g.start(P, NR.poll, [0, 1, 5000], [pollfd(r, 1)]);
  await settle(20);
  assert.equal(pending.done, false);
  await g.write(P, w, 'x');
  const a = await pending.answer;
  assert.equal(a.result, 1);
  assert.equal(a.outputs![0]!.readInt16LE(6), 1);

  await g.read(P, r, 1);
  const started = performance.now();
  const timed = await g.call(P, NR.poll, [0, 1, 60], [pollfd(r, 1)]);
  const took = performance.now() - started;
  assert.equal(timed.result, 0);
  assert.equal(timed.outputs![0]!.readInt16LE(6), 0);
  assert.ok(took >= 55 && took < 1000, `timed out after ${took} ms`);
  g.cleanup();
});

test('ppoll writes back the time left; select waits for a writer', async () => {
  const g = new TestGuest();
  const [r, w] = await g.pipe(P);
  const t = Buffer.alloc(16);
  t.writeBigInt64LE(5n, 0);
  const pending = g.start(P, NR.ppoll, [0, 1, 1], [pollfd(r, 1), t]);
  await settle(10);
  await g.write(P, w, 'x');
  const a = await pending.answer;
  assert.equal(a.result, 1);
  const left = Number(a.outputs![1]!.readBigInt64LE(0)) + Number(a.outputs![1]!.readBigInt64LE(8)) / 1e9;
  assert.ok(left > 4 && left < 5, `time left ${left}`);

  const set = Buffer.alloc(128);
  set[r >> 3]! |= 1 << (r & 7);
  await g.read(P, r, 1);
  const sel = g.start(P, NR.select, [r + 1, 1, 0, 0, 0], [set, Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)]);
  await settle(10);
  assert.equal(sel.done, false);
  await g.write(P, w, 'y');
  const s = await sel.answer;
  assert.equal(s.result, 1);
  assert.equal(s.outputs![0]![r >> 3]! & (1 << (r & 7)), 1 << (r & 7));
  g.cleanup();
});

test('a process that exits while blocked: its call ends, nothing is left waiting', async () => {
  const g = new TestGuest();
  const [r] = await g.pipe(P);
  g.fork(P, 12);
  const pending = g.start(12, NR.read, [r, 0, 10]);
  await settle();
  g.exit(12);
  assert.equal((await pending.answer).result, -Errno.EINTR);
  assert.equal(g.d.waits.size, 0);
  g.cleanup();
});

test('a FIFO\'s reader waits in open until a writer opens it (and the writer for a reader); CANCEL ends the wait', async () => {
  const g = new TestGuest();
  assert.equal(await g.result(P, 133, [0, 0o10644, 0], ['/tmp/fifo']), 0);
  const reader = g.start(P, NR.open, [0, O.RDONLY, 0], ['/tmp/fifo']);
  await settle();
  assert.equal(reader.done, false);
  const w = await g.open(P, '/tmp/fifo', O.WRONLY);
  const r = (await reader.answer).result;
  assert.ok(r >= 0 && w >= 0);
  await g.write(P, w, 'hi');
  assert.equal(await g.read(P, r, 10), 'hi');
  await g.result(P, NR.close, [r]);
  await g.result(P, NR.close, [w]);

  const writer = g.start(P, NR.open, [0, O.WRONLY, 0], ['/tmp/fifo']);
  await settle();
  assert.equal(writer.done, false);
  await g.cancel(writer);
  assert.equal((await writer.answer).result, -Errno.EINTR);
  assert.equal(g.v.pipes.byId.size, 0, 'the cancelled open left nothing behind');
  g.cleanup();
});
