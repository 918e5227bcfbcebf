/**
 * What a syscall handler sees: the calling thread and process, the six argument
 * registers, and the user-copy primitives of the caller's address space. A handler
 * returns the result (>= 0, or -errno), or BLOCKED after arranging to finish later
 * through `complete`.
 */
import type { Kernel } from '../../executive/kernel.js';
import type { Thread } from '../thread.js';
import type { Process } from '../processes.js';

export const BLOCKED = Symbol('blocked');
export type Outcome = number | typeof BLOCKED;

/** Argument registers in syscall order: rdi, rsi, rdx, r10, r8, r9. */
const ARG_REGS = [7, 6, 2, 10, 8, 9];

export class Sys {
  constructor(readonly k: Kernel, readonly t: Thread, readonly nr: number) {}

  get p(): Process {
    return this.t.process;
  }

  /** Argument `i` as a signed 64-bit number (exact within ±2^53, which covers every pointer and size). */
  arg(i: number): number {
    return this.t.ctx.getNumber(ARG_REGS[i]!);
  }

  /** The low 32 bits of argument `i`, signed (ints and fds are 32-bit in the ABI). */
  i32(i: number): number {
    return this.t.ctx.lo[ARG_REGS[i]!]!;
  }

  u32(i: number): number {
    return this.t.ctx.lo[ARG_REGS[i]!]! >>> 0;
  }

  /** Argument `i` as an unsigned 64-bit BigInt (masks, flags that use the high bits). */
  big(i: number): bigint {
    return this.t.ctx.getBig(ARG_REGS[i]!);
  }

  args(): number[] {
    return ARG_REGS.map((r) => this.t.ctx.getNumber(r));
  }

  copyIn(va: number, n: number): Uint8Array | number {
    return this.p.space.copyIn(va, n);
  }

  copyOut(va: number, bytes: Uint8Array): number {
    return this.p.space.copyOut(va, bytes);
  }

  readU64(va: number): bigint | number {
    const b = this.copyIn(va, 8);
    return typeof b === 'number' ? b : new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
  }

  writeU64(va: number, v: bigint): number {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    return this.copyOut(va, b);
  }

  readU32(va: number): number {
    const b = this.copyIn(va, 4);
    return typeof b === 'number' ? b : new DataView(b.buffer, b.byteOffset).getUint32(0, true);
  }

  writeU32(va: number, v: number): number {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.copyOut(va, b);
  }
}
