/**
 * Compares an emulated run with the native reference and explains the first
 * divergence: how the run ended (exit status, or the signal with the faulting
 * instruction), the first differing line of stdout/stderr, the syscalls the shim did
 * not know, and the tail of the syscall trace. Returns '' when they are identical.
 */
import type { NativeResult } from './native.js';
import type { RunResult } from './shim.js';

function firstDifference(name: string, want: Buffer, got: Buffer): string {
  if (want.equals(got)) return '';
  const a = want.toString('latin1').split('\n');
  const b = got.toString('latin1').split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (s: string | undefined): string => (s === undefined ? '(end of output)' : JSON.stringify(s.slice(0, 300)));
  return `${name} differs at line ${i + 1} (native ${want.length} bytes, emulated ${got.length} bytes):\n  native:   ${show(a[i])}\n  emulated: ${show(b[i])}`;
}

/**
 * The emulated output with each `name=SEXP:MANTISSA` value replaced by the native
 * one where the two are one unit in the last place apart and everything else
 * matches: the only difference allowed for x87 transcendental results.
 */
export function acceptLastBit(native: Buffer, emu: Buffer): Buffer {
  const want = [...native.toString('latin1').matchAll(/(\w+)=([0-9a-f]{4}):([0-9a-f]{16})/g)];
  let i = 0;
  const out = emu.toString('latin1').replace(/(\w+)=([0-9a-f]{4}):([0-9a-f]{16})/g, (token, name: string, se: string, mant: string) => {
    const w = want[i++];
    if (!w || w[1] !== name || w[2] !== se) return token;
    const ulps = BigInt(`0x${mant}`) - BigInt(`0x${w[3]}`);
    return ulps === 1n || ulps === -1n ? w[0] : token;
  });
  return Buffer.from(out, 'latin1');
}

export function explainMismatch(native: NativeResult, emu: RunResult, transcendental = false): string {
  if (transcendental) emu = { ...emu, stdout: acceptLastBit(native.stdout, emu.stdout) };
  const problems: string[] = [];
  if (native.exitCode !== emu.exitCode || native.signal !== emu.signal) {
    const how = (code: number | null, signal: string | null): string => (signal ? `killed by ${signal}` : `exit ${code}`);
    problems.push(`native ${how(native.exitCode, native.signal)}, emulated ${how(emu.exitCode, emu.signal)}${emu.message ? `: ${emu.message}` : ''}`);
  }
  for (const d of [firstDifference('stdout', native.stdout, emu.stdout), firstDifference('stderr', native.stderr, emu.stderr)]) {
    if (d) problems.push(d);
  }
  if (problems.length === 0) return '';
  if (emu.unknownSyscalls.size) problems.push(`syscalls answered ENOSYS: ${[...emu.unknownSyscalls].map(([n, c]) => `${n} x${c}`).join(', ')}`);
  problems.push(`last syscalls:\n  ${emu.trace.slice(-12).join('\n  ')}`);
  return problems.join('\n');
}
