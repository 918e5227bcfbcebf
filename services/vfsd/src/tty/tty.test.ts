import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno, IOCTL, O, SIG } from '../abi.js';
import { NR, TestGuest, settle } from '../test-support.js';
import { I, L, OF, V, decodeTermios, encodeTermios } from './termios.js';

const P = 30;

async function terminal() {
  const g = new TestGuest();
  const s = g.v.sessions.create(true, { rows: 24, cols: 80, xpixel: 0, ypixel: 0 }, 'test');
  g.v.sessions.bind(s.id, P);
  const screen: Buffer[] = [];
  s.attach((_stream, data) => { if (data) screen.push(data); });
  const shown = async () => {
    await settle();
    const text = Buffer.concat(screen).toString('latin1');
    screen.length = 0;
    return text;
  };
  return { g, s, shown };
}

async function termios(g: TestGuest) {
  const a = await g.call(P, NR.ioctl, [0, IOCTL.TCGETS]);
  return decodeTermios(a.outputs![0]!);
}

test('a new terminal has Linux\'s default termios and is the process\'s controlling terminal', async () => {
  const { g } = await terminal();
  const t = await termios(g);
  assert.equal(t.iflag, I.ICRNL | I.IXON);
  assert.equal(t.oflag, OF.OPOST | OF.ONLCR);
  assert.equal(t.lflag, L.ISIG | L.ICANON | L.ECHO | L.ECHOE | L.ECHOK | L.ECHOCTL | L.ECHOKE | L.IEXTEN);
  assert.deepEqual(t.cc.slice(0, 7), [3, 28, 127, 21, 4, 0, 1]);
  const fd = await g.open(P, '/dev/tty', O.RDWR);
  assert.ok(fd >= 3);
  const link = await g.call(P, NR.readlink, [0, 0, 64], ['/proc/self/fd/0']);
  assert.equal(link.outputs![0]!.toString(), '/dev/pts/0');
  assert.equal(await g.result(P, NR.fcntl, [0, 3]), O.RDWR | O.LARGEFILE);
  g.cleanup();
});

test('canonical mode: a read waits for a whole line, gets at most one, and input is echoed with CR NL', async () => {
  const { g, s, shown } = await terminal();
  const pending = g.start(P, NR.read, [0, 0, 100]);
  s.input(Buffer.from('ls -l'));
  await settle();
  assert.equal(pending.done, false);
  assert.equal(await shown(), 'ls -l');
  s.input(Buffer.from('\rpwd\r'));
  assert.equal((await pending.answer).outputs![0]!.toString(), 'ls -l\n');
  assert.equal(await shown(), '\r\npwd\r\n');
  assert.equal(await g.read(P, 0, 2), 'pw');
  assert.equal(await g.read(P, 0, 100), 'd\n');
  g.cleanup();
});

test('editing: VERASE erases (echoing backspace-space-backspace), VKILL the line, VWERASE a word', async () => {
  const { g, s, shown } = await terminal();
  s.input(Buffer.from('helo\x7flo wor\x17world\r'));
  assert.equal(await g.read(P, 0, 100), 'hello world\n');
  assert.equal(await shown(), 'helo\b \blo wor\b \b\b \b\b \bworld\r\n');
  s.input(Buffer.from('junk\x15ok\r'));
  assert.equal(await g.read(P, 0, 100), 'ok\n');
  s.input(Buffer.from('a\x16\x7fb\r'));
  assert.equal(await g.read(P, 0, 100), 'a\x7fb\n', 'VLNEXT makes the next character literal');
  g.cleanup();
});

test('VEOF: pushes a partial line; on an empty line a read returns 0', async () => {
  const { g, s } = await terminal();
  s.input(Buffer.from('abc\x04'));
  assert.equal(await g.read(P, 0, 100), 'abc');
  s.input(Buffer.from('\x04'));
  assert.equal((await g.call(P, NR.read, [0, 0, 100])).result, 0);
  g.cleanup();
});

test('ISIG: ^C and ^Z signal the foreground process group (TIOCSPGRP), echo ^C and drop pending input', async () => {
  const { g, s, shown } = await terminal();
  const pg = Buffer.alloc(4);
  pg.writeInt32LE(77);
  assert.equal(await g.result(P, NR.ioctl, [0, IOCTL.TIOCSPGRP, 1], [pg]), 0);
  const got = await g.call(P, NR.ioctl, [0, IOCTL.TIOCGPGRP, 1]);
  assert.equal(got.outputs![0]!.readInt32LE(0), 77);
  for (const c of ['sleep 10', '\x03', '\x1a', '\x1c']) {
    s.input(Buffer.from(c));
    await settle();
  }
  assert.deepEqual(g.signals, [[-77, SIG.INT], [-77, SIG.TSTP], [-77, SIG.QUIT]]);
  assert.equal(await shown(), 'sleep 10^C^Z^\\');
  s.input(Buffer.from('gone\x03'));
  assert.equal(await shown(), '^C', 'echoes of the same batch are flushed with the input, as n_tty does');
  s.input(Buffer.from('x\r'));
  assert.equal(await g.read(P, 0, 100), 'x\n', 'the interrupted line is gone');
  g.cleanup();
});

test('raw mode (no ICANON, no ECHO): VMIN/VTIME decide when a read returns', async () => {
  const { g, s, shown } = await terminal();
  const t = await termios(g);
  t.lflag &= ~(L.ICANON | L.ECHO);
  t.cc[V.MIN] = 3;
  t.cc[V.TIME] = 0;
  assert.equal(await g.result(P, NR.ioctl, [0, IOCTL.TCSETS, 1], [encodeTermios(t)]), 0);
  const p = g.start(P, NR.read, [0, 0, 10]);
  s.input(Buffer.from('ab'));
  await settle();
  assert.equal(p.done, false, 'fewer than VMIN bytes');
  s.input(Buffer.from('c\rd'));
  assert.equal((await p.answer).outputs![0]!.toString(), 'abc\nd', 'ICRNL still maps input');
  assert.equal(await shown(), '', 'no echo');

  t.cc[V.MIN] = 0;
  t.cc[V.TIME] = 1;
  await g.result(P, NR.ioctl, [0, IOCTL.TCSETSW, 1], [encodeTermios(t)]);
  const started = performance.now();
  const timed = await g.call(P, NR.read, [0, 0, 10]);
  assert.equal(timed.result, 0);
  assert.ok(performance.now() - started >= 90, 'VTIME of 1 waits a tenth of a second');

  t.cc[V.TIME] = 0;
  await g.result(P, NR.ioctl, [0, IOCTL.TCSETSF, 1], [encodeTermios(t)]);
  assert.equal((await g.call(P, NR.read, [0, 0, 10])).result, 0, 'VMIN 0 VTIME 0 polls');
  g.cleanup();
});

test('output: ONLCR maps NL to CR NL; without OPOST bytes go as they are; window size and SIGWINCH', async () => {
  const { g, s, shown } = await terminal();
  assert.equal(await g.write(P, 1, 'a\nb\n'), 4);
  assert.equal(await shown(), 'a\r\nb\r\n');
  const t = await termios(g);
  t.oflag &= ~OF.OPOST;
  await g.result(P, NR.ioctl, [0, IOCTL.TCSETS, 1], [encodeTermios(t)]);
  await g.write(P, 2, 'c\n');
  assert.equal(await shown(), 'c\n');

  const ws = await g.call(P, NR.ioctl, [0, IOCTL.TIOCGWINSZ, 1]);
  assert.deepEqual([ws.outputs![0]!.readUInt16LE(0), ws.outputs![0]!.readUInt16LE(2)], [24, 80]);
  s.resize({ rows: 50, cols: 132, xpixel: 0, ypixel: 0 });
  assert.deepEqual(g.signals, [[-P, SIG.WINCH]]);
  const ws2 = await g.call(P, NR.ioctl, [1, IOCTL.TIOCGWINSZ, 1]);
  assert.deepEqual([ws2.outputs![0]!.readUInt16LE(0), ws2.outputs![0]!.readUInt16LE(2)], [50, 132]);
  g.cleanup();
});

test('a terminal is not a file and a file is not a terminal: ENOTTY, isatty-style checks', async () => {
  const { g } = await terminal();
  const fd = await g.open(P, '/tmp/f', O.CREAT | O.RDWR);
  assert.equal(await g.result(P, NR.ioctl, [fd, IOCTL.TCGETS, 1]), -Errno.ENOTTY);
  assert.equal(await g.result(P, NR.ioctl, [0, 0x1234, 1]), -Errno.ENOTTY);
  assert.equal(await g.result(P, NR.lseek, [0, 0, 0]), -Errno.ESPIPE);
  g.cleanup();
});

test('the session ends: reads see end of file, writes EIO, the launcher sees the stream end when the last fd closes', async () => {
  const { g, s } = await terminal();
  const events: string[] = [];
  s.attach((stream, data) => events.push(data ? `${stream}:${data.toString()}` : `${stream}:eof`));
  await g.write(P, 1, 'bye');
  g.exit(P);
  await settle();
  assert.deepEqual(events, ['STDOUT:bye', 'STDOUT:eof']);

  const again = await terminal();
  const reader = again.g.start(P, NR.read, [0, 0, 10]);
  again.g.v.sessions.close(again.s.id);
  assert.deepEqual(again.g.signals, [[-P, SIG.HUP], [-P, SIG.CONT]], 'hang-up signals the foreground group');
  assert.equal((await reader.answer).result, 0);
  assert.equal(await again.g.write(P, 1, 'x'), -Errno.EIO);
  g.cleanup();
  again.g.cleanup();
});
