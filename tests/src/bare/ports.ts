/**
 * The narrow surface the test loader and syscall shim need from the machine: an
 * address space that maps anonymous, demand-paged memory, and a CPU that runs
 * until it traps. machine.ts adapts the nucleus's real CPU and mm to these; nothing
 * else in bare/ knows their concrete types.
 */
export const PAGE = 4096;

/** Linux PROT_* bits. */
export const enum Prot { None = 0, Read = 1, Write = 2, Exec = 4 }

export interface Space {
  /**
   * Maps [va, va+len) (page aligned) as private zero-filled memory, replacing what was
   * there; `content` is placed at va regardless of `prot` (how a loader fills text).
   * False when memory ran out.
   */
  map(va: number, len: number, prot: number, content?: Uint8Array): boolean;
  unmap(va: number, len: number): void;
  protect(va: number, len: number, prot: number): void;
  /** Demand paging: true when the fault was resolved and the access should be retried. */
  handleFault(va: number, errorCode: number): boolean;
  /** True when every page of [va, va+len) is mapped (with any protection). */
  isMapped(va: number, len: number): boolean;
  /** User copies, resolving demand paging as the CPU would; null / false on a bad address. */
  read(va: number, n: number): Uint8Array | null;
  write(va: number, bytes: Uint8Array): boolean;
}

/** Guest general registers as the CPU state holds them: two signed 32-bit halves each. */
export interface Regs {
  lo: Int32Array;
  hi: Int32Array;
  rip: number;
  fsBase: number;
  gsBase: number;
}

/** Why BareCpu.run returned (the nucleus CPU's trap exits, see machine/README.md). */
export const enum Exit { Syscall = 0, Fault = 1, Budget = 2 }

export interface BareCpu {
  readonly regs: Regs;
  /** Runs at most `budget` instructions; returns why it stopped. */
  run(budget: number): Exit;
  /** For Exit.Fault: the vector, error code, and CR2 (for #PF). */
  readonly trapVector: number;
  readonly trapError: number;
  readonly trapAddr: number;
  /** After a fault with vector 18 (#MC): the emulator's own internal error, if it reports one. */
  readonly internalError?: unknown;
}

/** One emulated process: a CPU and its address space. */
export interface Machine {
  cpu: BareCpu;
  space: Space;
  /** Engine name for test titles, e.g. "interpreter" or "translator". */
  engine: string;
  /** CPUID.1:EDX of the emulated CPU, for AT_HWCAP. */
  hwcap?: number;
}

export const pageDown = (va: number): number => Math.floor(va / PAGE) * PAGE;
export const pageUp = (va: number): number => Math.ceil(va / PAGE) * PAGE;

/** A register as an unsigned 64-bit value in a double: exact below 2^53 (all user addresses). */
export function reg(r: Regs, i: number): number {
  return (r.hi[i]! >>> 0) * 2 ** 32 + (r.lo[i]! >>> 0);
}

/** A register as a signed 64-bit value in a double (exact in ±2^53). */
export function sreg(r: Regs, i: number): number {
  return r.hi[i]! * 2 ** 32 + (r.lo[i]! >>> 0);
}

/** Writes a signed 64-bit value (given as a double in ±2^53, e.g. -errno) into a register. */
export function setReg(r: Regs, i: number, v: number): void {
  r.lo[i] = v | 0; // ToInt32 is exactly v mod 2^32 for any integer double
  r.hi[i] = Math.floor(v / 2 ** 32) | 0;
}
