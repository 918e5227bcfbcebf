/**
 * A syscall trace for debugging guests, like strace: with RUSTOS_STRACE set
 * (to 1 for every process, or to a comma-separated list of command names), the
 * nucleus writes one line per finished syscall to its stderr — pid, command,
 * name, the six argument registers and the result (errno name when negative).
 */
import { errnoName, SYSCALL_NAMES } from '@rustos/platform';
import type { Thread } from '../thread.js';

const setting = process.env.RUSTOS_STRACE ?? '';
const only = setting === '' || setting === '1' ? undefined : new Set(setting.split(','));
export const tracing = setting !== '';

const ARG_REGS = [7, 6, 2, 10, 8, 9];

/** The argument registers at entry, kept until the call finishes (blocked calls finish later). */
export function traceEnter(t: Thread, nr: number): string | undefined {
  if (only && !only.has(t.process.name)) return undefined;
  const args = ARG_REGS.map((r) => `0x${t.ctx.getBig(r).toString(16)}`).join(', ');
  return `${SYSCALL_NAMES[nr] ?? `syscall_${nr}`}(${args})`;
}

export function traceExit(t: Thread, call: string | undefined, r: number): void {
  if (call === undefined) return;
  const result = r < 0 && r >= -4095 ? `${r} ${errnoName(-r)}` : r > 0xffff ? `0x${r.toString(16)}` : String(r);
  process.stderr.write(`[strace] ${t.process.pid}/${t.tid} ${t.process.name} ${call} = ${result}\n`);
}
