// The exec plan against Linux itself: each program is exec'd natively with
// randomisation off (exec-probe stops it at its first instruction) and planned
// by loaderd with the same file name, argv and environment; the address space
// (/proc/<pid>/maps, every byte of every mapping), the initial stack (argc,
// argv, envp, the auxiliary vector, the strings), the entry point and the
// program break must be Linux's. The native side has three auxv entries more
// (AT_SYSINFO_EHDR for its vDSO and the two rseq ones), 48 bytes, so its stack
// pointer is 48 bytes lower; everything above the vector is at the same address.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Errno, errnoName } from '@rustos/platform';
import { ArgStrings, ExecFailure, MAX_ARG_STRLEN, bytesOf } from './elf/index.js';
import type { PreparedExec } from './exec/prepare.js';
import { ENVP, assertLikeNative, plan } from './testing/compare.js';
import { hostPrograms, nativeExec } from './testing/host.js';

const bins = hostPrograms();
const PROBE = bins['exec-probe']!;
const dir = mkdtempSync(join(tmpdir(), 'loaderd-host-'));
function script(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}
copyFileSync(bins['hello-static']!, join(dir, 'hello'));

const cases: Array<{ title: string; path: string; argv: string[]; envp?: string[]; cwd?: string }> = [
  { title: 'a relative path (AT_EXECFN as given)', path: './hello', argv: ['hello'], cwd: dir },
  { title: '"#!" with an argument, spaces and tabs around', path: script('with-arg', `#!  \t${bins['hello-static']}   -x  y \t \nexit 3\n`), argv: ['with-arg', 'one', 'two'] },
  { title: '"#!" without a newline', path: script('no-newline', `#!${bins['hello-static']} arg`), argv: ['no-newline'] },
  { title: '"#!" naming a dynamic program', path: script('dyn', `#!${bins['hello-dynamic']}\n`), argv: ['dyn'] },
  { title: '"#!" naming another script', path: script('nested', `#!${join(dir, 'with-arg')} more\n`), argv: ['nested', 'z'] },
  { title: '"#!" with empty argv', path: join(dir, 'with-arg'), argv: [] },
  { title: 'static', path: bins['hello-static']!, argv: ['hello'] },
  { title: 'static, more arguments', path: bins['hello-static']!, argv: ['hello', 'one', 'two words', '', '--flag=x', 'üñï', 'x'.repeat(5000)] },
  { title: 'static, empty environment', path: bins['hello-static']!, argv: ['hello'], envp: [] },
  { title: 'static, empty argv (Linux adds "")', path: bins['hello-static']!, argv: [] },
  { title: 'static-pie (placed below the mmap base)', path: bins['hello-static-pie']!, argv: ['hello-static-pie', 'a'] },
  { title: 'static-pie with 2 MiB p_align', path: bins['hello-align2m']!, argv: ['x'] },
  { title: 'executable stack', path: bins['hello-execstack']!, argv: ['x'] },
  { title: 'dynamic PIE with ld.so', path: bins['hello-dynamic']!, argv: ['hello-dynamic', 'arg'] },
  { title: 'dynamic ET_EXEC with ld.so (interpreter at its hint or top-down)', path: bins['hello-nopie']!, argv: ['hello-nopie'] },
  { title: 'busybox (static)', path: '/bin/busybox', argv: ['busybox', 'echo', 'hi'] },
  { title: '/usr/bin/ls (dynamic)', path: '/usr/bin/ls', argv: ['ls', '-l'] },
  { title: 'ld.so run as the program', path: '/lib64/ld-linux-x86-64.so.2', argv: ['ld.so', '--version'] },
];

for (const c of cases) {
  test(`exec plan is Linux's: ${c.title}`, async () => {
    const envp = c.envp ?? ENVP;
    const native = nativeExec(PROBE, c.path, c.argv, envp, { cwd: c.cwd, memory: true });
    assert.ok('rip' in native, `native exec failed: ${JSON.stringify(native)}`);
    let prep: PreparedExec;
    try {
      prep = await plan(c.path, c.argv, envp, native, c.cwd);
    } catch (err) {
      assert.fail(err instanceof ExecFailure ? `loaderd refused: ${err.step} ${err.message}` : String(err));
    }
    assertLikeNative(native, prep);
  });
}

test('the argument budget ends exactly where Linux\'s does', async () => {
  // Fifteen full-size environment strings and one that fills what is left, per loaderd's accounting.
  const path = bins['hello-static']!;
  const full = Array.from({ length: 15 }, (_, i) => `V${i}=${'v'.repeat(MAX_ARG_STRLEN - 5 - String(i).length)}`);
  const fits = (n: number): boolean => {
    try {
      new ArgStrings(bytesOf(path), [bytesOf('x')], [...full, `L=${'l'.repeat(n)}`].map(bytesOf));
      return true;
    } catch (err) {
      if (err instanceof ExecFailure && err.errno === Errno.E2BIG) return false;
      throw err;
    }
  };
  let lo = 0;
  let hi = MAX_ARG_STRLEN;
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  assert.ok(lo > 1000 && fits(lo) && !fits(lo + 1), `the budget leaves ${lo} bytes for the last string`);
  const largest = nativeExec(PROBE, path, ['x'], [...full, `L=${'l'.repeat(lo)}`]);
  assert.ok('rip' in largest, `the largest environment loaderd accepts runs natively: ${JSON.stringify(largest).slice(0, 100)}`);
  const over = nativeExec(PROBE, path, ['x'], [...full, `L=${'l'.repeat(lo + 1)}`]);
  assert.equal('errno' in over ? errnoName(over.errno) : 'ran', 'E2BIG', 'one byte more is E2BIG natively');
});
