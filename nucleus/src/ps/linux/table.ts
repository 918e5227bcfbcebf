/**
 * The canonical Linux ABI table (x86-64): every syscall the system answers, with
 * its route — a nucleus mechanism, or the service that owns the policy — its
 * support level and a note on what is partial. Assembled from one table per
 * owner; `rustos syscalls` and docs print it. A number missing here is ENOSYS.
 */
import type { Ps } from '../ps.js';
import type { Sys, Outcome } from './sys.js';
import type { OffloadSpec, Support } from './spec.js';
import type { KEEP_RAX } from './abi.js';
import { NUCLEUS } from './table/nucleus.js';
import { SYSCALLD } from './table/syscalld.js';
import { VFSD_SYSCALLS } from './table/vfsd.js';
import { LOADERD } from './table/loaderd.js';

export interface NucleusEntry {
  nr: number;
  name: string;
  route: 'nucleus';
  support: Support;
  note?: string;
  handler(s: Sys, ps: Ps): Outcome | typeof KEEP_RAX;
}

export type Entry = NucleusEntry | OffloadSpec;

function assemble(...tables: Entry[][]): Map<number, Entry> {
  const m = new Map<number, Entry>();
  for (const e of tables.flat()) {
    const other = m.get(e.nr);
    if (other) throw new Error(`Linux ABI table: ${e.name} (${e.nr}) routed both to ${other.route} and ${e.route}`);
    m.set(e.nr, e);
  }
  return m;
}

export const LINUX_TABLE = assemble(NUCLEUS, SYSCALLD, [...VFSD_SYSCALLS], LOADERD);

export interface TableRow {
  nr: number;
  name: string;
  route: string;
  support: Support;
  note: string;
}

export function tableRows(): TableRow[] {
  return [...LINUX_TABLE.values()].sort((a, b) => a.nr - b.nr)
    .map((e) => ({ nr: e.nr, name: e.name, route: e.route, support: e.support, note: e.note ?? '' }));
}
