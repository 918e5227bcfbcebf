/**
 * Runs a case on the emulated machine: the same pages at the same virtual addresses
 * with the same permissions as the native runner, the same initial state, run until
 * the CPU traps, and the outcome in the native result's shape.
 */
import { CODE_BASE, CODE_FILL, CODE_SIZE, type CpuCase, type CpuResult, DATA_BASE, DATA_RO_OFFSET, DATA_SIZE, Exit } from './case.js';
import { FXSAVE_SIZE } from './fxsave.js';
import type { EmuState, Emulator, EngineKind } from './emulator-port.js';
import { buildPageTables } from './page-tables.js';

/** Instructions one case may execute before it counts as a timeout (the snippets run a handful). */
export const INSTRUCTION_BUDGET = 100_000;
/** Pseudo vector for a run that ended in a syscall or another non-fault exit. */
export const VEC_OTHER_EXIT = 0xfc;
const RAM_BYTES = 64 * 1024;
const PAGE = 4096;

const PAGES = [
  { va: CODE_BASE, write: true, exec: true },
  ...Array.from({ length: DATA_SIZE / PAGE }, (_, i) => ({ va: DATA_BASE + i * PAGE, write: i * PAGE < DATA_RO_OFFSET, exec: false })),
];

export function loadState(s: EmuState, c: CpuCase): void {
  const init = c.initial;
  for (let i = 0; i < 16; i++) {
    s.lo[i] = Number(BigInt.asIntN(32, init.gpr[i]));
    s.hi[i] = Number(BigInt.asIntN(32, init.gpr[i] >> 32n));
  }
  s.rip = CODE_BASE;
  s.setRflags(Number(init.rflags & 0xcd5n) | 0x202);
  // The same FXRSTOR64 image the native runner loads.
  if (!s.loadFxImage(init.fxsave, 0, true)) throw new Error(`case ${c.index}: the emulator rejected the initial FXSAVE image`);
}

export function fxsaveOf(s: EmuState): Uint8Array {
  const fx = new Uint8Array(FXSAVE_SIZE);
  s.saveFxImage(fx, 0, true);
  return fx;
}

/** Runs cases on one engine. Every case gets fresh RAM and a fresh address space, so
 * nothing (TLB, decoded blocks, A/D bits) carries over from the previous case. */
export class EmulatedMachine {
  constructor(private readonly emu: Emulator, private readonly engine: EngineKind) {}

  run(c: CpuCase): CpuResult {
    const ram = this.emu.newRam(RAM_BYTES);
    const map = buildPageTables(ram.u8, PAGES);
    const mmu = this.emu.newMmu(ram, map.cr3);
    const code = map.frames.get(CODE_BASE)!;
    ram.u8.fill(CODE_FILL, code, code + CODE_SIZE);
    ram.u8.set(c.code, code);
    for (let off = 0; off < DATA_SIZE; off += PAGE) {
      ram.u8.set(c.initial.data.subarray(off, off + PAGE), map.frames.get(DATA_BASE + off)!);
    }
    const s = this.emu.newState();
    s.mmu = mmu;
    loadState(s, c);
    const exit = this.emu.run(this.engine, s, INSTRUCTION_BUDGET);
    const vector = exit === 'fault' ? s.trapVector : exit === 'budget' ? Exit.Timeout : VEC_OTHER_EXIT;
    const gpr = new BigUint64Array(16);
    for (let i = 0; i < 16; i++) gpr[i] = (BigInt(s.hi[i] >>> 0) << 32n) | BigInt(s.lo[i] >>> 0);
    const data = new Uint8Array(DATA_SIZE);
    for (let off = 0; off < DATA_SIZE; off += PAGE) {
      const f = map.frames.get(DATA_BASE + off)!;
      data.set(ram.u8.subarray(f, f + PAGE), off);
    }
    return {
      vector,
      signal: 0,
      errorCode: BigInt(s.trapError >>> 0),
      // CR2 as the 64-bit value the host reports (the CPU keeps upper-half addresses negative).
      faultAddress: vector === 14 ? BigInt.asUintN(64, BigInt(s.trapAddr)) : 0n,
      gpr,
      ripOffset: BigInt(s.rip - CODE_BASE),
      rflags: BigInt(s.getRflags() >>> 0),
      fxsave: fxsaveOf(s),
      data,
    };
  }
}
