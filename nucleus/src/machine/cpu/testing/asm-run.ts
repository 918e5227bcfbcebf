/**
 * Runs a small nasm program on the emulated CPU for contract tests: code at
 * CODE, two read-write data pages at DATA, a read-only page at RO, rsp at the
 * top of the data pages, `int3` appended as the end marker.
 */
import { PhysicalMemory } from "../../memory.js";
import { Cpu, CpuState, Exit } from "../index.js";
import { FlatMmu, Perm } from "./flat-mmu.js";
import { assemble, hasNasm } from "./nasm.js";

export const CODE = 0x400000;
export const DATA = 0x600000;
/** A read-only page right after DATA's two read-write pages. */
export const RO = DATA + 0x2000;
export const ENGINES = [["interpreter", 0], ["translate", 0]] as const;
/** The `skip` option of tests that need nasm. */
export const skip = hasNasm() ? false : "no nasm";

/** Guest memory as it is, whatever the page permissions. */
export function peek(mmu: FlatMmu, va: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = mmu.ram.u8[mmu.frameOf(va + k) * 4096 + ((va + k) & 0xfff)];
  return out;
}

export interface Run {
  s: CpuState;
  mmu: FlatMmu;
  exit: Exit;
  /** Address of a label `name:` in the source. */
  at(name: string): number;
}

/** Assembles `source` (labels may be used by the caller via `at`), runs it to its end or a fault. */
export function run(source: string, engine: "interpreter" | "translate", threshold: number, prepare?: (s: CpuState) => void): Run {
  const ram = new PhysicalMemory(1 << 23);
  const mmu = new FlatMmu(ram);
  mmu.map(CODE, 0x1000, Perm.RX);
  mmu.map(DATA, 0x2000, Perm.RW);
  mmu.map(RO, 0x1000, Perm.R);
  const code = assemble(`DATA equ 0x${DATA.toString(16)}\nRO equ 0x${RO.toString(16)}\n${source}\nint3`, CODE);
  mmu.poke(CODE, code);
  const s = new CpuState();
  s.rip = CODE;
  s.setBig(4, BigInt(DATA + 0x2000));
  prepare?.(s);
  const exit = new Cpu({ engine, threshold }).run(s, mmu, 10_000);
  const at = (name: string): number => {
    // The label's address: assemble up to it and measure.
    const prefix = source.slice(0, source.indexOf(`${name}:`));
    return CODE + assemble(`DATA equ 0x${DATA.toString(16)}\nRO equ 0x${RO.toString(16)}\n${prefix}`, CODE).length;
  };
  return { s, mmu, exit, at };
}
