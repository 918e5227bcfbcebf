import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno, O } from './abi.js';
import { NR, TestGuest, settle } from './test-support.js';
import { WINDOW } from './session.js';

const P = 40;

function record() {
  const events: string[] = [];
  const sink = (stream: string, data: Buffer | undefined) => events.push(data ? `${stream}:${data.toString()}` : `${stream}:eof`);
  return { events, sink };
}

test('a pipe session: stdin, stdout and stderr are pipes, not terminals; output is tagged by stream', async () => {
  const g = new TestGuest();
  const s = g.v.sessions.create(false, undefined, 'run');
  g.v.sessions.bind(s.id, P);
  const { events, sink } = record();
  s.attach(sink);
  assert.equal(await g.result(P, NR.fcntl, [0, 3]), O.RDONLY);
  assert.equal(await g.result(P, NR.fcntl, [1, 3]), O.WRONLY);
  assert.equal(await g.result(P, NR.ioctl, [0, 0x5401, 1]), -Errno.ENOTTY);
  await g.write(P, 1, 'out');
  await g.write(P, 2, 'err');
  s.input(Buffer.from('in'));
  assert.equal(await g.read(P, 0, 10), 'in');
  const reader = g.start(P, NR.read, [0, 0, 10]);
  s.endInput();
  assert.equal((await reader.answer).result, 0, 'end of input is end of file');
  await settle();
  assert.deepEqual(events, ['STDOUT:out', 'STDERR:err']);
  g.fork(P, 41);
  g.exit(P);
  await settle();
  assert.deepEqual(events, ['STDOUT:out', 'STDERR:err'], 'a child still holds the output fds');
  g.exit(41);
  await settle();
  assert.deepEqual(events, ['STDOUT:out', 'STDERR:err', 'STDOUT:eof', 'STDERR:eof']);
  g.cleanup();
});

test('output written while nobody is attached waits in the pipe and is handed over on attach; writers block when it is full', async () => {
  const g = new TestGuest();
  const s = g.v.sessions.create(false, undefined, 'run');
  g.v.sessions.bind(s.id, P);
  await g.write(P, 1, 'early ');
  const big = Buffer.alloc(70_000, 0x78);
  const blocked = g.start(P, NR.write, [1, 0, big.length], [big]);
  await settle();
  assert.equal(blocked.done, false);
  const { events, sink } = record();
  s.attach(sink);
  assert.equal((await blocked.answer).result, big.length);
  await settle();
  const all = events.filter((e) => e.startsWith('STDOUT:') && e !== 'STDOUT:eof').map((e) => e.slice(7)).join('');
  assert.equal(all, `early ${big.toString()}`);
  g.cleanup();
});

test('closing a session: the guest\'s writes fail with EPIPE, its reads see end of file', async () => {
  const g = new TestGuest();
  const s = g.v.sessions.create(false, undefined, 'run');
  g.v.sessions.bind(s.id, P);
  g.v.sessions.close(s.id);
  assert.equal(await g.write(P, 1, 'x'), -Errno.EPIPE);
  assert.equal(await g.read(P, 0, 10), '');
  assert.equal(g.v.sessions.byId.size, 0);
  g.cleanup();
});

test('a second attach replaces the first and gets again only what the first did not acknowledge, then the ends', async () => {
  const g = new TestGuest();
  const s = g.v.sessions.create(false, undefined, 'run');
  g.v.sessions.bind(s.id, P);
  const one = record();
  s.attach(one.sink);
  await g.write(P, 1, 'a');
  await g.write(P, 2, 'x');
  await settle();
  s.acknowledge('STDOUT', 1);
  await g.write(P, 1, 'b');
  await settle();
  const two = record();
  s.attach(two.sink);
  await g.write(P, 1, 'c');
  await settle();
  assert.deepEqual(one.events, ['STDOUT:a', 'STDERR:x', 'STDOUT:b']);
  assert.deepEqual(two.events, ['STDOUT:b', 'STDERR:x', 'STDOUT:c'], 'acknowledged "a" is not sent again');
  g.exit(P);
  await settle();
  const three = record();
  s.attach(three.sink);
  assert.deepEqual(three.events, ['STDOUT:bc', 'STDOUT:eof', 'STDERR:x', 'STDERR:eof'], 'an end may be lost in flight too');
  g.cleanup();
});

test('at most a window of output is unacknowledged: then the pipe fills and the writer blocks until the launcher acknowledges', async () => {
  const g = new TestGuest();
  const s = g.v.sessions.create(false, undefined, 'run');
  g.v.sessions.bind(s.id, P);
  let got = 0;
  s.attach((_stream, data) => { got += data?.length ?? 0; });
  const big = Buffer.alloc(WINDOW + 100_000, 0x61);
  const writer = g.start(P, NR.write, [1, 0, big.length], [big]);
  await settle();
  assert.equal(writer.done, false, 'the window and the pipe are full');
  assert.equal(got, WINDOW);
  s.acknowledge('STDOUT', WINDOW);
  assert.equal((await writer.answer).result, big.length);
  await settle();
  assert.equal(got, big.length);
  g.cleanup();
});

test('output carries its stream offset, counted per stream and kept in the session record', async () => {
  const g = new TestGuest();
  const s = g.v.sessions.create(false, undefined, 'run');
  g.v.sessions.bind(s.id, P);
  const seen: string[] = [];
  s.attach((stream, data, offset) => seen.push(`${stream}@${offset}:${data?.toString() ?? 'eof'}`));
  await g.write(P, 1, 'abc');
  await settle();
  await g.write(P, 2, 'e');
  await g.write(P, 1, 'de');
  await settle();
  assert.deepEqual(seen, ['STDOUT@0:abc', 'STDERR@0:e', 'STDOUT@3:de']);
  assert.deepEqual(s.record().sent, { STDOUT: 5, STDERR: 1 }, 'what a restarted vfsd resumes counting from');
  assert.deepEqual(s.record().unacked, { STDOUT: Buffer.from('abcde').toString('base64'), STDERR: Buffer.from('e').toString('base64') });
  s.acknowledge('STDOUT', 4);
  assert.deepEqual(s.record().unacked, { STDOUT: Buffer.from('e').toString('base64'), STDERR: Buffer.from('e').toString('base64') }, 'what a restarted vfsd sends again');
  g.cleanup();
});
