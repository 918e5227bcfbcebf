/**
 * Compares a native and an emulated result field by field, applying only the
 * masks of undefined-behaviour.ts, and renders mismatches for people.
 */
import { type CpuCase, type CpuResult, DATA_BASE, Exit, RFLAGS_USER, type Undefined } from './case.js';
import { FX_FCW, FX_FSW, FX_FTW, FX_MXCSR, stOffset, xmmOffset } from './fxsave.js';
import { errorCodeMask, nothingUndefined, withinOneUlp } from './undefined-behaviour.js';
import { bothNaN, sameApproximation, vendorRelaxation, type VendorRelaxation } from './vendor.js';

export interface Difference {
  field: string;
  native: string;
  emulated: string;
}

export const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const FLAGS: Array<[string, number]> = [['CF', 0], ['PF', 2], ['AF', 4], ['ZF', 6], ['SF', 7], ['DF', 10], ['OF', 11]];

const hex = (v: bigint | number, digits = 16): string => `0x${v.toString(16).padStart(digits, '0')}`;
const bytesHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

export const EXIT_NAMES: Record<number, string> = {
  0: '#DE', 1: '#DB', 3: '#BP (end marker)', 6: '#UD', 7: '#NM', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 19: '#XM',
  [Exit.SetupFault]: 'setup fault', [Exit.Timeout]: 'timeout',
};
const exitName = (v: number): string => `${v} ${EXIT_NAMES[v] ?? '?'}`;

export function compareResults(c: CpuCase, native: CpuResult, emu: CpuResult): Difference[] {
  const diffs: Difference[] = [];
  const add = (field: string, n: string, e: string): void => {
    if (n !== e) diffs.push({ field, native: n, emulated: e });
  };
  const v = vendorRelaxation(c, native);
  if (v.skip) return diffs;
  add('exit', exitName(native.vector), exitName(emu.vector));
  if (native.vector === Exit.Timeout && emu.vector === Exit.Timeout) return diffs;
  // Rule 4: a fault on the first instruction under test changed nothing, so nothing is undefined.
  const faultedAtEntry = native.vector !== Exit.Breakpoint && native.ripOffset === BigInt(c.entry);
  const u = faultedAtEntry ? nothingUndefined() : c.undefined;
  add('rip', `code+${hex(native.ripOffset, 1)}`, `code+${hex(emu.ripOffset, 1)}`);
  const codeMask = errorCodeMask(native.vector, native.faultAddress);
  add('error code', hex(native.errorCode & codeMask, 1), hex(emu.errorCode & codeMask, 1));
  if (!v.faultAddress) add('fault address', hex(native.faultAddress), hex(emu.faultAddress));
  const gpr = (r: CpuResult, i: number) => (v.low32.includes(i) ? r.gpr[i] & 0xffffffffn : r.gpr[i]);
  for (let i = 0; i < 16; i++) if (!u.gprs.includes(i)) add(GPR_NAMES[i], hex(gpr(native, i)), hex(gpr(emu, i)));
  for (const [name, bit] of FLAGS) {
    if (((u.rflags | v.rflags) >> bit) & 1) continue;
    add(name, String((native.rflags >> BigInt(bit)) & 1n), String((emu.rflags >> BigInt(bit)) & 1n));
  }
  compareFxsave(native.fxsave, emu.fxsave, u, v, add);
  compareData(native.data, emu.data, u.data, add);
  return diffs;
}

type Add = (field: string, n: string, e: string) => void;

function compareFxsave(n: Uint8Array, e: Uint8Array, u: Undefined, v: VendorRelaxation, add: Add): void {
  const fswUndefined = u.fsw | (v.x87Stack ? 0x3800 : 0);
  const nv = new DataView(n.buffer, n.byteOffset);
  const ev = new DataView(e.buffer, e.byteOffset);
  add('fcw', hex(nv.getUint16(FX_FCW, true), 4), hex(ev.getUint16(FX_FCW, true), 4));
  const fswMask = 0xffff & ~fswUndefined;
  add('fsw', hex(nv.getUint16(FX_FSW, true) & fswMask, 4), hex(ev.getUint16(FX_FSW, true) & fswMask, 4));
  if (!v.x87Stack) add('ftw (abridged)', hex(n[FX_FTW], 2), hex(e[FX_FTW], 2));
  add('mxcsr', hex(nv.getUint32(FX_MXCSR, true), 8), hex(ev.getUint32(FX_MXCSR, true), 8));
  for (let i = 0; i < 8 && !v.x87Stack; i++) {
    const o = stOffset(i);
    if (u.stUlp.includes(i) && withinOneUlp(n.subarray(o, o + 10), e.subarray(o, o + 10))) continue;
    add(`st${i}`, bytesHex(Uint8Array.from(n.subarray(o, o + 10)).reverse()), bytesHex(Uint8Array.from(e.subarray(o, o + 10)).reverse()));
  }
  for (let i = 0; i < 16; i++) {
    const o = xmmOffset(i);
    if (v.approximate && [0, 4, 8, 12].every((k) => sameApproximation(nv.getUint32(o + k, true), ev.getUint32(o + k, true)))) continue;
    if (v.anyNaN && sameLanes(nv, ev, o, v.anyNaN)) continue;
    add(`xmm${i}`, bytesHex(Uint8Array.from(n.subarray(o, o + 16)).reverse()), bytesHex(Uint8Array.from(e.subarray(o, o + 16)).reverse()));
  }
}

/** 9g: every `size`-byte lane of the xmm image at `o` equal, or a NaN in both. */
function sameLanes(n: DataView, e: DataView, o: number, size: number): boolean {
  for (let at = o; at < o + 16; at += size) {
    const equal = size === 4 ? n.getUint32(at, true) === e.getUint32(at, true) : n.getBigUint64(at, true) === e.getBigUint64(at, true);
    if (!equal && !bothNaN(n, e, at, size)) return false;
  }
  return true;
}

function compareData(n: Uint8Array, e: Uint8Array, masked: Array<[number, number]>, add: Add): void {
  const skip = (o: number): boolean => masked.some(([at, len]) => o >= at && o < at + len);
  let o = 0;
  while (o < n.length) {
    if (n[o] === e[o] || skip(o)) {
      o++;
      continue;
    }
    // Report one run of differing bytes (gaps under 8 bytes are joined).
    let end = o + 1;
    for (let k = end; k < n.length && k < end + 8; k++) if (n[k] !== e[k] && !skip(k)) end = k + 1;
    const len = Math.min(end - o, 32);
    add(`mem ${hex(DATA_BASE + o, 8)}+${end - o}`, bytesHex(n.subarray(o, o + len)), bytesHex(e.subarray(o, o + len)));
    o = end;
  }
}

/** The initial state, compactly, for a mismatch report. */
function describeInitial(c: CpuCase): string {
  const s = c.initial;
  const lines: string[] = [];
  for (let i = 0; i < 16; i += 4) {
    lines.push(
      '  ' + [0, 1, 2, 3].map((k) => `${GPR_NAMES[i + k].padStart(3)}=${hex(s.gpr[i + k])}`).join(' '),
    );
  }
  const fl = FLAGS.filter(([, bit]) => (s.rflags >> BigInt(bit)) & 1n).map(([n]) => n).join(' ') || '-';
  const fx = new DataView(s.fxsave.buffer, s.fxsave.byteOffset);
  lines.push(`  rflags=${hex(s.rflags & RFLAGS_USER, 4)} [${fl}] mxcsr=${hex(fx.getUint32(FX_MXCSR, true), 8)} fcw=${hex(fx.getUint16(FX_FCW, true), 4)} fsw=${hex(fx.getUint16(FX_FSW, true), 4)} ftw=${hex(s.fxsave[FX_FTW], 2)}`);
  return lines.join('\n');
}

/** The snippet's bytes up to and including the near end marker (the first int3). */
function snippetBytes(c: CpuCase): Uint8Array {
  const end = c.code.indexOf(0xcc, c.entry);
  return c.code.subarray(c.entry, end < 0 ? c.code.length : end + 1);
}

export function formatMismatch(c: CpuCase, engine: string, diffs: Difference[], repro: string): string {
  const width = Math.max(...diffs.map((d) => d.field.length), 5);
  const rows = diffs.map((d) => `  ${d.field.padEnd(width)}  native ${d.native}\n  ${''.padEnd(width)}  ${engine.padEnd(6)} ${d.emulated}`);
  return [
    `MISMATCH case ${c.index} [${c.form}] engine=${engine}`,
    `  ${c.text}`,
    `  code: ${bytesHex(snippetBytes(c))}`,
    'initial state:',
    describeInitial(c),
    'differences:',
    ...rows,
    `repro: ${repro}`,
  ].join('\n');
}
