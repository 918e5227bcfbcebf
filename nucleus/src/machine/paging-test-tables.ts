/**
 * Test helper: builds 4-level page tables in RAM by hand, from the bit numbers of
 * Intel SDM vol. 3A §4.5 (tables 4-14 to 4-20), without pte.ts or mm/, so the
 * walker is checked against the manual rather than against our own encoder.
 */
import { guestFault, GuestFault } from "./fault.js";
import type { PhysicalMemory } from "./memory.js";

/** Bit positions of a paging-structure entry, as the SDM numbers them. */
export const SDM_BIT = {
  P: 0, RW: 1, US: 2, PWT: 3, PCD: 4, A: 5, D: 6, PS: 7, G: 8, XD: 63,
  /** Lowest and highest bit of the physical address field (M = MAXPHYADDR, at most 52). */
  ADDR_LOW: 12, ADDR_HIGH_MAX: 51,
} as const;

export const bit = (n: number): bigint => 1n << BigInt(n);
export const P = bit(SDM_BIT.P), RW = bit(SDM_BIT.RW), US = bit(SDM_BIT.US), A = bit(SDM_BIT.A), D = bit(SDM_BIT.D);
export const PS = bit(SDM_BIT.PS), XD = bit(SDM_BIT.XD);
export const USER_RW = P | RW | US;

/** Level numbers: 4 = PML4E, 3 = PDPTE, 2 = PDE, 1 = PTE. */
export class RawTables {
  readonly root: number;
  private nextFrame: number;

  constructor(readonly ram: PhysicalMemory, firstFrame = 1) {
    this.nextFrame = firstFrame;
    this.root = this.allocTable();
  }

  allocTable(): number {
    return this.nextFrame++ * 4096;
  }

  /** Address of the entry for va at `level`, creating the tables above it with `upper` bits. */
  entryAddress(va: number, level: number, upper: bigint = USER_RW): number {
    const linear = va < 0 ? va + 2 ** 48 : va;
    let table = this.root;
    for (let l = 4; ; l--) {
      const at = table + (Math.floor(linear / 2 ** (12 + 9 * (l - 1))) % 512) * 8;
      if (l === level) return at;
      let e = this.ram.dv.getBigUint64(at, true);
      if ((e & P) === 0n) {
        e = BigInt(this.allocTable()) | upper;
        this.ram.dv.setBigUint64(at, e, true);
      }
      table = Number(e & 0x000ffffffffff000n);
    }
  }

  get(va: number, level: number): bigint {
    return this.ram.dv.getBigUint64(this.entryAddress(va, level), true);
  }

  set(va: number, level: number, value: bigint): void {
    this.ram.dv.setBigUint64(this.entryAddress(va, level), value, true);
  }

  /** Maps a page of 4 KiB (level 1), 2 MiB (level 2) or 1 GiB (level 3) at va to phys. */
  map(va: number, phys: number, leaf: bigint = USER_RW, level = 1, upper: bigint = USER_RW): void {
    const at = this.entryAddress(va, level, upper);
    this.ram.dv.setBigUint64(at, BigInt(phys) | leaf | (level > 1 ? PS : 0n), true);
  }
}

/** Runs an access and returns the GuestFault it raised (as a plain copy), or undefined. */
export function faultOf(access: () => unknown): { vector: number; errorCode: number; address: number } | undefined {
  try {
    access();
    return undefined;
  } catch (e) {
    if (!(e instanceof GuestFault) || e !== guestFault) throw e;
    return { vector: e.vector, errorCode: e.errorCode, address: e.address };
  }
}

/** The entry for va at `level` under the PML4 at root, read without creating anything; undefined if a table above is absent. */
export function readEntry(ram: PhysicalMemory, root: number, va: number, level: number): bigint | undefined {
  let table = root;
  for (let l = 4; ; l--) {
    const e = ram.dv.getBigUint64(table + (Math.floor(va / 2 ** (12 + 9 * (l - 1))) % 512) * 8, true);
    if (l === level) return e;
    if ((e & P) === 0n) return undefined;
    table = Number(e & 0x000ffffffffff000n);
  }
}
