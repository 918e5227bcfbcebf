import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno, F, FD_CLOEXEC, IOCTL, O } from './abi.js';
import { StateJournal } from './state-journal.js';
import { NR, TestGuest, settle } from './test-support.js';
import { L, decodeTermios, encodeTermios } from './tty/termios.js';

const P = 50;

/** A StateStore stand-in: what the journal wrote, and how many batches. */
function store() {
  const kept = new Map<string, Buffer>();
  let puts = 0;
  const journal = new StateJournal(async (set, del) => {
    puts++;
    for (const k of del) kept.delete(k);
    for (const [k, v] of Object.entries(set)) kept.set(k, Buffer.from(v));
  });
  return { kept, journal, puts: () => puts };
}

/** A new generation: a fresh vfsd restored from what the old one kept. */
async function restart(old: TestGuest, kept: Map<string, Buffer>) {
  const s = store();
  for (const [k, v] of kept) s.kept.set(k, v);
  const g = new TestGuest({ journal: s.journal, dir: old.dir });
  g.v.restore(new Map(kept));
  await s.journal.flush();
  return { g, s };
}

test('descriptors, offsets, flags, cwd, umask, pipes with their bytes and tmpfs survive a restart', async () => {
  const s = store();
  const g = new TestGuest({ journal: s.journal });
  await g.result(P, NR.mkdir, [0, 0o755], ['/tmp/d']);
  await g.result(P, NR.chdir, [0], ['/tmp/d']);
  await g.result(P, 95, [0o077]);
  const f = await g.open(P, 'f', O.CREAT | O.RDWR | O.APPEND);
  await g.write(P, f, 'hello world');
  await g.result(P, NR.lseek, [f, 6, 0]);
  const cloexec = await g.result(P, NR.dup, [f]);
  await g.result(P, NR.fcntl, [cloexec, F.SETFD, FD_CLOEXEC]);
  const [r, w] = await g.pipe(P);
  await g.write(P, w, 'queued');
  const big = Buffer.alloc(200_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  const bf = await g.open(P, '/tmp/big', O.CREAT | O.WRONLY);
  await g.write(P, bf, big);
  await g.result(P, 86, [0, 0], ['/tmp/big', '/tmp/d/hard']);
  await g.result(P, NR.symlink, [0, 0], ['d/hard', '/tmp/sym']);
  const gone = await g.open(P, '/tmp/gone', O.CREAT | O.RDWR);
  await g.write(P, gone, 'still here');
  await g.result(P, NR.unlink, [0], ['/tmp/gone']);
  const ino = (await g.call(P, NR.stat, [0, 0], ['/tmp/big'])).outputs![0]!.readBigUInt64LE(8);
  g.fork(P, 51);
  await s.journal.flush();

  const { g: n } = await restart(g, s.kept);
  assert.equal(await n.read(P, f, 5), 'world', 'the offset survived');
  assert.equal(await n.result(P, NR.fcntl, [f, F.GETFL]), O.RDWR | O.APPEND | O.LARGEFILE);
  assert.equal(await n.result(P, NR.fcntl, [cloexec, F.GETFD]), FD_CLOEXEC);
  assert.equal(await n.read(P, r, 100), 'queued', 'buffered pipe bytes survived');
  const cwd = await n.call(P, NR.getcwd, [0, 100]);
  assert.equal(cwd.outputs![0]!.toString(), '/tmp/d\0');
  assert.equal(await n.result(P, 95, [0o022]), 0o077);
  const back = await n.open(P, '/tmp/sym', O.RDONLY);
  const got = await n.call(P, NR.read, [back, 0, big.length]);
  assert.ok(got.outputs![0]!.equals(big), '200 KB of tmpfs file, across journal blocks');
  assert.equal((await n.call(P, NR.stat, [0, 0], ['/tmp/d/hard'])).outputs![0]!.readBigUInt64LE(8), ino, 'inode numbers are stable');
  assert.equal((await n.call(P, NR.stat, [0, 0], ['/tmp/d/hard'])).outputs![0]!.readBigUInt64LE(16), 2n, 'nlink');
  await n.result(P, NR.lseek, [gone, 0, 0]);
  assert.equal(await n.read(P, gone, 100), 'still here', 'an unlinked file lives on while open');
  assert.equal(await n.result(51, NR.fcntl, [r, F.GETFL]), O.RDONLY, 'the child\'s copy of the table survived too');
  assert.equal(await n.open(51, '/tmp/new', O.CREAT | O.RDWR) > 0, true);
  g.cleanup();
});

test('after a restart a pipe still has its readers and writers: EOF and EPIPE behave, blocked readers wake', async () => {
  const s = store();
  const g = new TestGuest({ journal: s.journal });
  const [r, w] = await g.pipe(P);
  g.fork(P, 52);
  await g.result(P, NR.close, [w]);
  await s.journal.flush();
  const { g: n } = await restart(g, s.kept);
  const reader = n.start(P, NR.read, [r, 0, 10]);
  await settle();
  assert.equal(reader.done, false, 'the child\'s write end is still open');
  await n.write(52, w, 'ping');
  assert.equal((await reader.answer).outputs![0]!.toString(), 'ping');
  n.exit(52);
  assert.equal(await n.read(P, r, 10), '', 'the last writer went: end of file');
  g.cleanup();
});

test('sessions survive: terminal settings, typed-ahead input, unsent output; the launcher re-attaches', async () => {
  const s = store();
  const g = new TestGuest({ journal: s.journal });
  const tty = g.v.sessions.create(true, { rows: 30, cols: 100, xpixel: 0, ypixel: 0 }, 'shell');
  g.v.sessions.bind(tty.id, P);
  const t = decodeTermios((await g.call(P, NR.ioctl, [0, IOCTL.TCGETS, 1])).outputs![0]!);
  t.lflag &= ~L.ECHO;
  await g.result(P, NR.ioctl, [0, IOCTL.TCSETS, 1], [encodeTermios(t)]);
  tty.input(Buffer.from('typed ahead\r'));
  await g.write(P, 1, 'nobody saw this\n');
  const pipes = g.v.sessions.create(false, undefined, 'run');
  g.v.sessions.bind(pipes.id, 53);
  await g.write(53, 2, 'error text');
  await s.journal.flush();

  const { g: n } = await restart(g, s.kept);
  const t2 = decodeTermios((await n.call(P, NR.ioctl, [0, IOCTL.TCGETS, 1])).outputs![0]!);
  assert.equal(t2.lflag & L.ECHO, 0);
  const ws = (await n.call(P, NR.ioctl, [0, IOCTL.TIOCGWINSZ, 1])).outputs![0]!;
  assert.equal(ws.readUInt16LE(0), 30);
  assert.equal(await n.read(P, 0, 100), 'typed ahead\n');
  const screen: string[] = [];
  n.v.sessions.get(tty.id).attach((stream, data) => screen.push(`${stream}:${data?.toString() ?? 'eof'}`));
  const errs: string[] = [];
  n.v.sessions.get(pipes.id).attach((stream, data) => errs.push(`${stream}:${data?.toString() ?? 'eof'}`));
  await settle();
  assert.deepEqual(screen, ['STDOUT:nobody saw this\r\n']);
  assert.deepEqual(errs, ['STDERR:error text']);
  n.v.sessions.get(tty.id).input(Buffer.from('more\r'));
  assert.equal(await n.read(P, 0, 100), 'more\n');
  assert.equal(await n.result(P, NR.ioctl, [5, IOCTL.TCGETS, 1]), -Errno.EBADF);
  g.cleanup();
});

test('output handed to the launcher but not acknowledged is sent again after a restart, at its offset', async () => {
  const s = store();
  const g = new TestGuest({ journal: s.journal });
  const sess = g.v.sessions.create(false, undefined, 'run');
  g.v.sessions.bind(sess.id, P);
  const first: string[] = [];
  sess.attach((stream, data, offset) => first.push(`${stream}@${offset}:${data?.toString() ?? 'eof'}`));
  await g.write(P, 1, 'line 17\n');
  await settle();
  sess.acknowledge('STDOUT', 8);
  await g.write(P, 1, 'line 18\n');
  await settle();
  await s.journal.flush();
  assert.deepEqual(first, ['STDOUT@0:line 17\n', 'STDOUT@8:line 18\n'], 'the first launcher may never have received line 18');

  const { g: n } = await restart(g, s.kept);
  const again: string[] = [];
  n.v.sessions.get(sess.id).attach((stream, data, offset) => again.push(`${stream}@${offset}:${data?.toString() ?? 'eof'}`));
  await n.write(P, 1, 'line 19\n');
  await settle();
  assert.deepEqual(again, ['STDOUT@8:line 18\n', 'STDOUT@16:line 19\n']);
  g.cleanup();
});

test('what is gone is gone from the store: closing and exiting leaves only tmpfs and counters', async () => {
  const s = store();
  const g = new TestGuest({ journal: s.journal });
  const fd = await g.open(P, '/tmp/keep', O.CREAT | O.RDWR);
  await g.write(P, fd, 'kept');
  const [r] = await g.pipe(P);
  void r;
  const sess = g.v.sessions.create(false, undefined, 'x');
  g.v.sessions.bind(sess.id, P);
  g.v.sessions.close(sess.id);
  g.exit(P);
  await s.journal.flush();
  const kinds = [...s.kept.keys()].map((k) => k.split('/')[0]).sort();
  assert.deepEqual([...new Set(kinds)], ['pipes', 'procs', 'sessions', 't']);
  const { g: n } = await restart(g, s.kept);
  const again = await n.open(60, '/tmp/keep', O.RDONLY);
  assert.equal(await n.read(60, again, 10), 'kept');
  g.cleanup();
});

test('every call answers after its change is stored: a write\'s bytes are kept when it returns', async () => {
  const s = store();
  const g = new TestGuest({ journal: s.journal });
  const fd = await g.open(P, '/tmp/f', O.CREAT | O.RDWR);
  const id = g.v.procs.file(g.v.procs.get(P), fd).id;
  assert.ok(s.kept.has(`f/${id}`), 'open answered after its description was stored');
  for (let i = 1; i <= 20; i++) {
    await g.write(P, fd, 'x');
    const { g: n } = await restart(g, new Map(s.kept));
    await n.result(P, NR.lseek, [fd, 0, 0]);
    assert.equal(await n.read(P, fd, 100), 'x'.repeat(i), `write ${i} survives a restart right after it returned`);
  }
  g.cleanup();
});
