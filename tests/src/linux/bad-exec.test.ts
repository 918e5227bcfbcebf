/**
 * Bad executables through `rustos run`: each is refused by loaderd with the step
 * that failed and its errno, `rustos run` exits like a shell would (126 when the
 * file cannot be executed, 127 when it or its interpreter does not exist), and
 * the system goes on serving. A bare command name is looked for in PATH first.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';
import { LocalSystem } from '../local/system.js';

let sys: LocalSystem;
const dir = mkdtempSync(join(tmpdir(), 'rustos-bad-exec-'));
before(async () => { sys = await LocalSystem.boot(); });
after(async () => { await sys?.down(); });

const busybox = readFileSync('/bin/busybox');
const dynamic = readFileSync(join(ROOT, 'tests', 'linux-programs', 'out', 'fork_wait-dyn'));

function patched(image: Buffer, edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(image);
  edit(b);
  return b;
}

const cases: { name: string; bytes: Buffer; status: number; step: RegExp }[] = [
  { name: 'truncated', bytes: busybox.subarray(0, 100), status: 126, step: /step=\w+ errno=ENOEXEC/ },
  { name: 'wrong-machine', bytes: patched(busybox, (b) => b.writeUInt16LE(3, 18)), status: 126, step: /step=\w+ errno=ENOEXEC/ },
  { name: 'absurd-phdrs', bytes: patched(busybox, (b) => b.writeUInt16LE(0xffff, 56)), status: 126, step: /step=\w+ errno=ENOEXEC/ },
  {
    name: 'missing-interpreter',
    bytes: patched(dynamic, (b) => {
      const at = b.indexOf('/lib64/ld-linux-x86-64.so.2');
      assert.ok(at > 0, 'the dynamic test program names the usual interpreter');
      b.write('/lib64/ld-nolnx-x86-64.so.2', at); // the same length: the path stays NUL-terminated
    }),
    status: 127,
    step: /step=interp-open errno=ENOENT/,
  },
  { name: 'random', bytes: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)), status: 126, step: /step=\w+ errno=ENOEXEC/ },
];

for (const c of cases) {
  test(`rustos run of a ${c.name} executable: status ${c.status} with loaderd's step message, the system unharmed`, () => {
    const host = join(dir, c.name);
    writeFileSync(host, c.bytes);
    chmodSync(host, 0o755);
    const cp = sys.cli('cp', host, `:/tmp/${c.name}`);
    assert.equal(cp.status, 0, cp.stderr);
    const r = sys.cli('run', '--', `/tmp/${c.name}`);
    assert.equal(r.status, c.status, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /loaderd: elf step failed exec=\/tmp\//);
    assert.match(r.stderr, c.step);
    const ok = sys.cli('run', '--', '/bin/busybox', 'echo', 'unharmed');
    assert.equal(ok.stdout, 'unharmed\n');
  });
}

test('rustos run of a path that does not exist: 127 with the open step', async () => {
  const r = sys.cli('run', '--', '/no/such/program');
  assert.equal(r.status, 127);
  assert.match(r.stderr, /step=open errno=ENOENT/);
  assert.equal((await sys.status()).ready, true);
});

test('rustos run of a bare name looks in PATH, as docker exec does: found it runs, else 127 naming the PATH searched', () => {
  const found = sys.cli('run', '--', 'busybox', 'echo', 'from-path');
  assert.deepEqual([found.status, found.stdout], [0, 'from-path\n'], found.stderr);
  const missing = sys.cli('run', '--', 'no-such-command');
  assert.deepEqual([missing.status, missing.stderr], [127, 'rustos run: no-such-command: not found in PATH (/bin:/usr/bin:/sbin:/usr/sbin)\n']);
  const elsewhere = sys.cli('run', '-e', 'PATH=/tmp:/no/such', '--', 'busybox');
  assert.deepEqual([elsewhere.status, elsewhere.stderr], [127, 'rustos run: busybox: not found in PATH (/tmp:/no/such)\n']);
});

test('rustos run options as docker exec takes them: a bad -w is named, -e NAME passes this environment\'s NAME, an unknown option is a usage error', () => {
  const missing = sys.cli('run', '-w', '/no/such', '--', 'pwd');
  assert.deepEqual([missing.status, missing.stderr], [127, 'rustos run: working directory /no/such: ENOENT\n']);
  const file = sys.cli('run', '-w', '/etc/hostname', '--', 'pwd');
  assert.deepEqual([file.status, file.stderr], [126, 'rustos run: working directory /etc/hostname: ENOTDIR\n']);
  const inherited = sys.cli('run', '-e', 'RUSTOS_HOME', '-e', 'RUSTOS_NOT_SET', '--', 'sh', '-c', 'echo "$RUSTOS_HOME[${RUSTOS_NOT_SET-unset}]"');
  assert.equal(inherited.stdout, `${sys.home}[unset]\n`, inherited.stderr);
  for (const args of [['-z', '--', 'true'], ['-e', '=x', '--', 'true']]) {
    const r = sys.cli('run', ...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /^rustos run: (unknown option -z|-e =x: no variable name)\nusage: rustos run /);
  }
});
