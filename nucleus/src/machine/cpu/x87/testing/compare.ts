/**
 * Verdicts on host vs emulated output records: exact equality (ignoring the
 * pointer fields only the CPU can fill in) and readable descriptions of a case
 * and of a difference.
 */
import { F80 } from '../float80.js';
import { INTEL_HOST } from '../../testing/host-vendor.js';
import { Case } from './cases.js';
import { OUT_SIZE, SAVE_AT } from './host-reference.js';

/**
 * Byte ranges of the output that legitimately differ: FIP, FOP and FDP record
 * host addresses and opcodes (the host keeps FOP only after an unmasked
 * exception), which only the CPU can supply. Off Intel also the FDS selector
 * (FCS is in the first range): AMD stores it, Intel CPUs with the FCS/FDS
 * deprecation (CPUID.(EAX=7,ECX=0):EBX[13]) store 0, as our model does.
 */
const IGNORED: ReadonlyArray<[number, number]> = [[SAVE_AT + 12, SAVE_AT + (INTEL_HOST ? 24 : 26)]];

export function sameOutput(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < OUT_SIZE; i++) {
    if (a[i] !== b[i] && !IGNORED.some(([lo, hi]) => i >= lo && i < hi)) return false;
  }
  return true;
}

const hex = (v: number, w: number) => v.toString(16).padStart(w, '0');

function f80At(b: Uint8Array, o: number): string {
  const dv = new DataView(b.buffer, b.byteOffset);
  return `${hex(dv.getUint16(o + 8, true), 4)}:${hex(dv.getUint32(o + 4, true), 8)}${hex(dv.getUint32(o, true), 8)}`;
}

export function describeCase(c: Case): string {
  const mem = [...c.mem.subarray(0, 10)].map((x) => hex(x, 2)).join('');
  return `${c.op} cw=${hex(c.cw, 4)} sw=${hex(c.sw, 4)} depth=${c.depth} flags=${hex(c.flags, 2)} mem=${mem} ` +
    `st0=${f80At(stBytes(c.st[0]), 0)} st1=${f80At(stBytes(c.st[1]), 0)} st2=${f80At(stBytes(c.st[2]), 0)}`;
}

function stBytes(v: F80): Uint8Array {
  const b = new Uint8Array(10);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, v.lo, true);
  dv.setUint32(4, v.hi, true);
  dv.setUint16(8, v.se, true);
  return b;
}

/** The fields that differ between two output records, one per line. */
export function describeDiff(host: Uint8Array, emu: Uint8Array): string {
  const dvh = new DataView(host.buffer, host.byteOffset);
  const dve = new DataView(emu.buffer, emu.byteOffset);
  const lines: string[] = [];
  const field = (name: string, h: string, e: string) => { if (h !== e) lines.push(`  ${name}: host ${h} emu ${e}`); };
  field('mem', [...host.subarray(0, 10)].map((x) => hex(x, 2)).join(''), [...emu.subarray(0, 10)].map((x) => hex(x, 2)).join(''));
  field('eflags', hex(dvh.getUint32(16, true), 3), hex(dve.getUint32(16, true), 3));
  field('ax', hex(dvh.getUint16(20, true), 4), hex(dve.getUint16(20, true), 4));
  field('cw', hex(dvh.getUint16(SAVE_AT, true), 4), hex(dve.getUint16(SAVE_AT, true), 4));
  field('sw', hex(dvh.getUint16(SAVE_AT + 4, true), 4), hex(dve.getUint16(SAVE_AT + 4, true), 4));
  field('tw', hex(dvh.getUint16(SAVE_AT + 8, true), 4), hex(dve.getUint16(SAVE_AT + 8, true), 4));
  field('fds', hex(dvh.getUint32(SAVE_AT + 24, true), 8), hex(dve.getUint32(SAVE_AT + 24, true), 8));
  for (let i = 0; i < 8; i++) field(`st${i}`, f80At(host, SAVE_AT + 28 + 10 * i), f80At(emu, SAVE_AT + 28 + 10 * i));
  return lines.join('\n');
}

/** How an approximate (transcendental) result compares with the host's. */
export const enum Verdict { Identical, RoundUpFlag, OneUlp, Wrong }

/** A register image as one ordinal, so that adjacent representable values differ by 1. */
function ordinal(b: Uint8Array, o: number): bigint {
  const dv = new DataView(b.buffer, b.byteOffset);
  const se = dv.getUint16(o + 8, true);
  const frac = (BigInt(dv.getUint32(o + 4, true) & 0x7fffffff) << 32n) | BigInt(dv.getUint32(o, true));
  const mag = (BigInt(se & 0x7fff) << 63n) + frac;
  return (se & 0x8000) !== 0 ? -mag : mag;
}

/**
 * Identical; or identical but for C1 (the round-up flag of a result whose
 * approximation fell on the other side); or registers at most 1 ulp apart with
 * everything else but C1 identical; otherwise wrong.
 */
export function classify(host: Uint8Array, emu: Uint8Array): Verdict {
  if (sameOutput(host, emu)) return Verdict.Identical;
  const c1 = SAVE_AT + 5; // high byte of the status word; C1 is its bit 1
  let ulps = 0n;
  for (let i = 0; i < OUT_SIZE; i++) {
    if (host[i] === emu[i] || IGNORED.some(([lo, hi]) => i >= lo && i < hi)) continue;
    if (i === c1 && (host[i] ^ emu[i]) === 0x02) continue;
    const reg = i - (SAVE_AT + 28);
    if (reg < 0 || reg >= 80) return Verdict.Wrong;
    const o = SAVE_AT + 28 + reg - (reg % 10);
    const d = ordinal(host, o) - ordinal(emu, o);
    const ad = d < 0n ? -d : d;
    if (ad > ulps) ulps = ad;
  }
  if (ulps > 1n) return Verdict.Wrong;
  return ulps === 1n ? Verdict.OneUlp : Verdict.RoundUpFlag;
}
