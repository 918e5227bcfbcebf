// The exec plan against Linux itself: each program is exec'd natively with
// randomisation off (exec-probe stops it at its first instruction) and planned
// by loaderd with the same file name, argv and environment; the address space
// (/proc/<pid>/maps, every byte of every mapping), the initial stack (argc,
// argv, envp, the auxiliary vector, the strings), the entry point and the
// program break must be Linux's. The native side has three auxv entries more
// (AT_SYSINFO_EHDR for its vDSO and the two rseq ones), 48 bytes, so its stack
// pointer is 48 bytes lower; everything above the vector is at the same address.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Errno, errnoName } from '@rustos/platform';
import { ArgStrings, At, ExecFailure, MAX_ARG_STRLEN, bytesOf } from './elf/index.js';
import { MIN_SIGSTACK_SIZE } from './exec/prepare.js';
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
      prep = await plan(c.path, c.argv, envp, { auxv: native.auxv, cwd: c.cwd });
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

test('the auxiliary vector is what glibc\'s LD_SHOW_AUXV prints natively', async () => {
  // ld.so prints the vector it was given; setarch -R turns randomisation off; env -i fixes the environment.
  const envp = ['A=1', 'LD_SHOW_AUXV=1'];
  const out = execFileSync('setarch', ['-R', 'env', '-i', ...envp, '/usr/bin/true'], { encoding: 'utf8' });
  const shown = new Map(out.trim().split('\n').map((l) => {
    const m = /^(AT_\w+|AT_\?\?\? \(0x[0-9a-f]+\)):\s+(.*)$/.exec(l)!;
    return [m[1]!, m[2]!] as const;
  }));
  const hwcap = Number.parseInt(shown.get('AT_HWCAP')!, 16);
  const prep = await plan('/usr/bin/true', ['/usr/bin/true'], envp, { auxv: [[At.HWCAP, hwcap], [At.HWCAP2, Number(shown.get('AT_HWCAP2'))]] });
  const ours = new Map(prep.plan.auxv);
  const NAMES: Record<number, string> = { 3: 'AT_PHDR', 4: 'AT_PHENT', 5: 'AT_PHNUM', 6: 'AT_PAGESZ', 7: 'AT_BASE', 8: 'AT_FLAGS', 9: 'AT_ENTRY', 11: 'AT_UID', 12: 'AT_EUID', 13: 'AT_GID', 14: 'AT_EGID', 16: 'AT_HWCAP', 17: 'AT_CLKTCK', 23: 'AT_SECURE', 25: 'AT_RANDOM', 26: 'AT_HWCAP2', 51: 'AT_MINSIGSTKSZ' };
  const format = (k: number, v: number): string => (k === At.HWCAP ? v.toString(16) : [3, 7, 8, 9, 25, 26].includes(k) ? `0x${v.toString(16)}` : String(v));
  for (const [k, name] of Object.entries(NAMES).map(([k, n]) => [Number(k), n] as const)) {
    const expected = k === At.MINSIGSTKSZ ? String(MIN_SIGSTACK_SIZE) : shown.get(name);
    assert.equal(format(k, ours.get(k)!), expected, name);
  }
  assert.equal(shown.get('AT_EXECFN'), '/usr/bin/true');
  assert.equal(shown.get('AT_PLATFORM'), 'x86_64');
  // Only the vDSO's and rseq's entries are the host's alone.
  const onlyNative = [...shown.keys()].filter((n) => !Object.values(NAMES).includes(n) && n !== 'AT_EXECFN' && n !== 'AT_PLATFORM');
  assert.deepEqual(onlyNative, ['AT_SYSINFO_EHDR', 'AT_??? (0x1b)', 'AT_??? (0x1c)']);
});
