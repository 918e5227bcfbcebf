/**
 * Identity and the system's description: credentials (every guest process starts
 * as root, as a container's processes do), resource limits, uname, sysinfo,
 * getrandom, priorities.
 */
import { randomBytes } from 'node:crypto';
import { Errno } from '@rustos/platform';
import type { ProcState, Rlimit } from './state.js';

export const UNAME = { sysname: 'Linux', nodename: 'rustos', release: '6.1.0-rustos', version: '#1 SMP PREEMPT_DYNAMIC RustOS-TS', machine: 'x86_64', domainname: '(none)' };

/** struct utsname: six 65-byte fields. */
export function utsname(): Buffer {
  const b = Buffer.alloc(390);
  Object.values(UNAME).forEach((v, i) => b.write(v, i * 65, 64, 'latin1'));
  return b;
}

export function sysinfo(uptimeSec: number, ramBytes: number, freeBytes: number, procs: number): Buffer {
  const b = Buffer.alloc(112);
  b.writeBigInt64LE(BigInt(Math.floor(uptimeSec)), 0);
  b.writeBigUint64LE(BigInt(ramBytes), 32);
  b.writeBigUint64LE(BigInt(freeBytes), 40);
  b.writeUInt16LE(Math.min(procs, 65535), 80);
  b.writeUInt32LE(1, 104); // mem_unit
  return b;
}

export function getrandom(len: number, flags: number): { result: number; outputs: Buffer[] } {
  if (flags & ~7) return { result: -Errno.EINVAL, outputs: [] };
  const n = Math.min(Math.max(len, 0), 33554431);
  return { result: n, outputs: [randomBytes(n)] };
}

export function rlimitBytes(r: Rlimit): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUint64LE(r.cur, 0);
  b.writeBigUint64LE(r.max, 8);
  return b;
}

/** prlimit64 / setrlimit: lowering is always allowed, raising the hard limit needs root. */
export function setRlimit(p: ProcState, resource: number, input: Buffer): number {
  if (resource < 0 || resource > 15) return -Errno.EINVAL;
  const cur = input.readBigUint64LE(0), max = input.readBigUint64LE(8);
  if (cur > max) return -Errno.EINVAL;
  if (max > p.rlimits[resource]!.max && p.uid[1] !== 0) return -Errno.EPERM;
  p.rlimits[resource] = { cur, max };
  return 0;
}

/** setuid family: root may become anyone; others may only switch among their own ids. */
export function setIds(ids: [number, number, number], wanted: [number, number, number], root: boolean): number {
  for (const w of wanted) if (w !== -1 && !root && !ids.includes(w)) return -Errno.EPERM;
  wanted.forEach((w, i) => { if (w !== -1) ids[i] = w; });
  return 0;
}
