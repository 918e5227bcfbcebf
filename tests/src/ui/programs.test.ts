/**
 * Real programs' screens: busybox vi, less and top run on the host in a pseudo
 * terminal (util-linux `script`), their output captured byte for byte, then fed
 * to the console's terminal model and to xterm.js; the screens must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Oracle, Model, difference } from './xterm-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'uiserver-programs-'));
const file = join(dir, 'notes.txt');
writeFileSync(file, Array.from({ length: 60 }, (_, i) => `line ${i + 1}: ${'lorem ipsum '.repeat(i % 9)}`).join('\n') + '\n');

/** Run `command` on an 80x24 pty, typing `keys` (pauses between groups), and return everything it wrote. */
function capture(command: string, keys: string[]): Buffer {
  // Input stays open until the timeout ends the program: at end of input the pty would send ^D, which vi takes as a scroll.
  const typing = [...keys.map((k) => `sleep 0.4; printf '%b' '${k.replace(/'/g, "'\\''")}'`), 'sleep 6'].join('; ');
  return execFileSync('sh', ['-c', `(${typing}) | timeout 5 script -q -c 'stty rows 24 cols 80; ${command}' /dev/null; true`],
    { env: { ...process.env, TERM: 'xterm', LANG: 'C.UTF-8' }, maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

async function agree(bytes: Buffer, expect: RegExp[] = []): Promise<void> {
  const oracle = new Oracle(80, 24);
  const model = new Model(80, 24);
  try {
    await oracle.write(bytes);
    model.write(bytes);
    assert.equal(difference(oracle.snapshot(), model.snapshot(), 80), undefined);
    const lines = model.snapshot().lines;
    assert.ok(lines.some((l) => l.trim().length > 0), 'the program drew nothing');
    for (const re of expect) assert.ok(lines.some((l) => re.test(l)), `nothing on the screen matches ${re}`);
  } finally {
    oracle.dispose();
  }
}

test('busybox vi: open, move, insert, delete a line (alternate screen, cursor addressing, erase)', async () => {
  // vi stays open (the capture's timeout ends it), so its screen is what is compared.
  const out = capture(`busybox vi ${file}`, ['jjj', 'Ahello from vi', '\\033', 'jjdd', 'Ityped ', '\\033']);
  assert.ok(out.includes('\x1b[?1049h'), 'vi did not switch to the alternate screen');
  await agree(out, [/hello from vi$/, /^typed line 7/]);
});

test('busybox less: page forward and back, search (scrolling, reverse index, standout)', async () => {
  await agree(capture(`busybox less ${file}`, [' ', ' ', 'b', '/lorem\\r', 'n', 'g', 'q']));
});

test('busybox top: one refresh (home, clear, reverse video)', async () => {
  await agree(capture('busybox top -n 1', []), [/PID .*COMMAND/]);
});
