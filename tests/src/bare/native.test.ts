// The native half: the references the emulator is compared with must themselves be
// deterministic and independent of the host CPU's features. Each case runs natively
// twice and once under qemu-x86_64 (a different CPU model, so glibc picks other
// string/math variants); all three must agree byte for byte. The programs' own
// self-checks (mismatch and corruption counters, exit codes) are asserted too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { busyboxCases, buildPrograms, programCases } from './cases.js';
import { runNative, runQemu } from './native.js';

const bins = buildPrograms();
const cases = [...programCases(bins), ...busyboxCases()];
const haveQemu = spawnSync('qemu-x86_64', ['--version']).status === 0;

// Where qemu is not a reference: transcendental x87 instructions are approximations
// whose exact bits differ between hardware and qemu's softfloat, and qemu-user's
// loader lays out the initial stack differently from Linux's binfmt_elf, and qemu
// reports a guest's fatal signal on its own stderr, and qemu's MMX leaves the x87
// exponent and tags alone (the host sets exponent 0xffff on a write and every tag
// valid, which mmx_intrin prints).
const qemuDiffers = (c: { argv: string[] }): boolean =>
  c.argv[0] === 'x87_transcendental' || c.argv[0]!.startsWith('env_argv') || c.argv[0] === 'crash' || c.argv[0] === 'mmx_intrin';

for (const c of cases) {
  test(`native is deterministic: ${c.title}`, () => {
    const a = runNative(c);
    const b = runNative(c);
    if (c.argv[0] !== 'crash') assert.equal(a.signal, null, `killed by ${a.signal}`);
    assert.equal(b.signal, a.signal);
    assert.equal(b.exitCode, a.exitCode);
    assert.equal(b.stdout.toString('latin1'), a.stdout.toString('latin1'));
    assert.equal(b.stderr.toString('latin1'), a.stderr.toString('latin1'));
    const silent = c.argv[1] === 'true' || c.argv[1] === 'false';
    assert.equal(a.stdout.length + a.stderr.length > 0, !silent, 'output expected unless the applet is true/false');
    if (haveQemu && !qemuDiffers(c)) {
      const q = runQemu(c);
      assert.equal(q.exitCode, a.exitCode, 'exit status under qemu');
      assert.equal(q.stdout.toString('latin1'), a.stdout.toString('latin1'), 'stdout under qemu');
      assert.equal(q.stderr.toString('latin1'), a.stderr.toString('latin1'), 'stderr under qemu');
    }
  });
}

const one = (title: string) => {
  const c = cases.find((x) => x.title === title);
  assert.ok(c, `no case ${title}`);
  return runNative(c);
};

test('self-checking programs report no errors natively', () => {
  for (const [name, marker] of [
    ['strings', 'mismatches 0\n'],
    ['malloc_stress', 'corruptions 0\n'],
    ['double_fp', 'round trip failures 0 '],
    ['float_fp', 'conversion failures 0 '],
    ['long_double', 'round trip failures 0 '],
    ['sha256_crc', 'table/bitwise disagreements 0 '],
  ] as const) {
    const r = one(name);
    assert.equal(r.exitCode, 0, name);
    assert.ok(r.stdout.toString().includes(marker), `${name} lacks "${marker.trim()}"`);
  }
  const sha = one('sha256_crc').stdout.toString();
  assert.match(sha, /sha256\("abc"\) = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad/);
  assert.match(one('sse_intrin').stdout.toString(), /crc32c\(123456789\) = e3069283/);
});

test('exit statuses and stderr reach the parent', () => {
  const e = one('exit_status');
  assert.equal(e.exitCode, 42);
  assert.equal(e.stderr.toString(), 'an error message on stderr\nstderr from a handler\n');
  assert.equal(one('exit_status (return 7)').exitCode, 7);
  assert.equal(one('exit_status (status truncated to 8 bits)').exitCode, 300 & 0xff);
  assert.equal(one('busybox false').exitCode, 1);
  assert.equal(one('busybox true').exitCode, 0);
  assert.equal(one('busybox expr 6 * 7').stdout.toString(), '42\n');
});

test('deliberate faults end in the signal Linux delivers', () => {
  for (const [mode, signal] of [['segv', 'SIGSEGV'], ['ud2', 'SIGILL'], ['div0', 'SIGFPE'], ['abort', 'SIGABRT']]) {
    const r = one(`crash (${mode})`);
    assert.equal(r.signal, signal, mode);
    assert.equal(r.stdout.toString(), `about to die by ${mode}\n`);
  }
});

test('argv and environment arrive exactly as given', () => {
  const r = one('env_argv (argv variant)').stdout.toString();
  assert.match(r, /^argc=6\nargv\[0\]="env_argv"/);
  assert.match(r, /argv\[2\]="two words" \(len 9\)\nargv\[3\]="" \(len 0\)/);
  assert.match(r, /env\[0\]=HOME=\/home\/tester\n/);
  assert.match(one('env_argv (empty environment)').stdout.toString(), /envc=0\n/);
});
