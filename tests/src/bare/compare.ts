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

export function explainMismatch(native: NativeResult, emu: RunResult): string {
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
