/**
 * vfsd's line discipline against Linux's: the same keystrokes typed (chunk by
 * chunk) into a host pseudo-terminal (tests/oracle/pty-run.py running
 * tty-reader.c, which sets the termios under test and reports every read) and
 * into a vfsd terminal session. What the screen shows (echo, erasing, ^X forms,
 * CR NL) and what each read returns must be the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';
import { NR, TestGuest, settle, type Pending } from '@rustos/vfsd/dist/test-support.js';

const P = 300;
const TCSETS = 0x5402;
const I = { ICRNL: 0x100, IXON: 0x400, INLCR: 0x40, IGNCR: 0x80 };
const O = { OPOST: 1, ONLCR: 4 };
const L = { ISIG: 1, ICANON: 2, ECHO: 8, ECHOE: 0x10, ECHOK: 0x20, ECHONL: 0x40, NOFLSH: 0x80, ECHOCTL: 0x200, ECHOKE: 0x800, IEXTEN: 0x8000 };
const LDEFAULT = L.ISIG | L.ICANON | L.ECHO | L.ECHOE | L.ECHOK | L.ECHOCTL | L.ECHOKE | L.IEXTEN;
const CC = [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0];

function termios(iflag: number, oflag: number, lflag: number, cc = CC): Buffer {
  const b = Buffer.alloc(36);
  b.writeUInt32LE(iflag, 0);
  b.writeUInt32LE(oflag, 4);
  b.writeUInt32LE(0o17 | 0o60 | 0o200 | 0o2000, 8);
  b.writeUInt32LE(lflag, 12);
  cc.forEach((c, i) => { b[17 + i] = c; });
  return b;
}

let reader: string | undefined;
function readerBinary(): string {
  if (reader) return reader;
  const source = join(ROOT, 'tests', 'oracle', 'tty-reader.c');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'rustos-vfsd-oracle');
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, `tty-reader-${hash}`);
  if (!existsSync(exe)) {
    const r = spawnSync('gcc', ['-O1', '-o', exe, source], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gcc failed: ${r.stderr}`);
  }
  reader = exe;
  return exe;
}

interface Run {
  screen: string;
  reads: string[];
}

function native(t: Buffer, chunks: string[]): Run {
  const r = spawnSync('python3', [join(ROOT, 'tests', 'oracle', 'pty-run.py'), readerBinary(), t.toString('hex'),
    ...chunks.map((c) => Buffer.from(c, 'latin1').toString('hex'))], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`pty-run failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { screen: string; reads: string[] };
  return { screen: Buffer.from(j.screen, 'hex').toString('latin1'), reads: j.reads.map((l) => l.trimEnd()) };
}

async function vfsd(t: Buffer, chunks: string[]): Promise<Run> {
  const g = new TestGuest();
  const s = g.v.sessions.create(true, undefined, 'oracle');
  g.v.sessions.bind(s.id, P);
  assert.equal(await g.result(P, NR.ioctl, [0, TCSETS, 1], [t]), 0);
  const screen: Buffer[] = [];
  s.attach((_stream, data) => { if (data) screen.push(data); });
  const reads: string[] = [];
  let eofs = 0;
  let pending: Pending | undefined = g.start(P, NR.read, [0, 0, 256]);
  const collect = async () => {
    while (pending?.done) {
      const a = await pending.answer;
      reads.push(`${a.result} ${a.outputs?.[0]?.toString('hex') ?? ''}`.trimEnd());
      pending = a.result <= 0 && ++eofs >= 2 ? undefined : g.start(P, NR.read, [0, 0, 256]);
    }
  };
  for (const c of chunks) {
    s.input(Buffer.from(c, 'latin1'));
    await settle(5);
    await collect();
  }
  await settle(20);
  await collect();
  if (pending) await g.cancel(pending);
  g.cleanup();
  return { screen: Buffer.concat(screen).toString('latin1'), reads };
}

const CASES: [string, Buffer, string[]][] = [
  ['lines, erase, word erase', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['helo\x7flo wor\x17world\r', 'second\r']],
  ['kill with ECHOKE', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['junk\x15ok\r']],
  ['kill with ECHOK only', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT & ~L.ECHOKE), ['junk\x15ok\r']],
  ['kill without ECHOK', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT & ~L.ECHOKE & ~L.ECHOK), ['junk\x15ok\r']],
  ['erase without ECHOE', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT & ~L.ECHOE), ['ab\x7f\r']],
  ['control characters and their erasing', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['a\x01\x7f\r', '\x1b[A\r']],
  ['tabs and their erasing', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['ab\tc\x7f\x7f\x7fd\r', '\t\t\x7f\x7f\r', 'xy\tz\t\x7f\x7f\x7f\r']],
  ['erasing on an empty line', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['\x7f\x15\x17x\r']],
  ['VLNEXT and VREPRINT', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['a\x16\x03b\r', 'abc\x12d\r']],
  ['VEOF', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['abc\x04', '\x04']],
  ['signals flush the line (and echoes of the same batch)', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['x', '\x03y\r', 'gone\x03\r']],
  ['NOFLSH keeps the line', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT | L.NOFLSH), ['ab', '\x03c\r']],
  ['ECHONL without ECHO', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, (LDEFAULT & ~L.ECHO) | L.ECHONL), ['abc\r']],
  ['no ICRNL: CR is a character', termios(0, O.OPOST | O.ONLCR, LDEFAULT), ['abc\r', '\n']],
  ['INLCR and IGNCR', termios(I.INLCR | I.IGNCR, O.OPOST | O.ONLCR, LDEFAULT), ['a\rb\nc\r', '\x0d\x0a']],
  ['no OPOST', termios(I.ICRNL, 0, LDEFAULT), ['abc\r']],
  ['raw with echo', termios(I.ICRNL, O.OPOST | O.ONLCR, LDEFAULT & ~L.ICANON), ['abc\r']],
  ['raw, signal flushes unread input', termios(I.ICRNL, O.OPOST | O.ONLCR, LDEFAULT & ~L.ICANON & ~L.ECHO), ['abc\x03']],
  ['XON/XOFF characters are taken by IXON', termios(I.ICRNL | I.IXON, O.OPOST | O.ONLCR, LDEFAULT), ['a\x13b\x11c\r']],
];

for (const [name, t, chunks] of CASES) {
  test(`terminal: ${name}`, async () => {
    const want = native(t, chunks);
    const got = await vfsd(t, chunks);
    assert.deepEqual(got, want);
  });
}
