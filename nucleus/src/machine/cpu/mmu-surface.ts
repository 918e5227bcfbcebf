/**
 * The part of the MMU contract (machine/README.md, "The MMU contract") the CPU
 * relies on, as a structural type: the real `Mmu` and the flat test double both
 * satisfy it, so the CPU never imports a concrete MMU.
 */
import type { PhysicalMemory } from "../memory.js";

export const enum Access { Read = 0, Write = 1, Exec = 2 }
export const TLB_SIZE = 1024;
/**
 * The contract's empty tag (machine/mmu.ts uses -0.5). The CPU does not rely on
 * its value: every inlined hit test also requires vpn >= 0, so even an MMU using
 * -1 (the page number of va in [-4096, 0)) could not produce a false hit.
 */
export const TLB_EMPTY = -0.5;

export interface CpuMmu {
  readonly ram: PhysicalMemory;
  readonly tlbReadTag: Float64Array; readonly tlbReadBase: Int32Array;
  readonly tlbWriteTag: Float64Array; readonly tlbWriteBase: Int32Array;
  readonly tlbExecTag: Float64Array; readonly tlbExecBase: Int32Array;
  /** Byte offset of the TLB arrays in ram's arena (machine/arena.ts), or -1 until claimTlb() puts them there. */
  readonly tlbAt: number;
  claimTlb(): void;
  translate(va: number, access: Access): number;
  read8(va: number): number;
  read16(va: number): number;
  read32(va: number): number;
  read64(va: number): number;
  hi64: number;
  fetch8(va: number): number;
  write8(va: number, v: number): void;
  write16(va: number, v: number): void;
  write32(va: number, v: number): void;
  write64(va: number, lo: number, hi: number): void;
  readBytes(va: number, n: number): Uint8Array;
  writeBytes(va: number, bytes: Uint8Array): void;
  onCodeWrite: (frame: number) => void;
  /**
   * Marks a frame as holding decoded code: sets ram.codeFrames and drops every
   * write-TLB entry for the frame (in all address spaces over the RAM), so that
   * later writes take the slow path and call onCodeWrite.
   */
  markCodeFrame(frame: number): void;
}
