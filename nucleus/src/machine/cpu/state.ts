/**
 * The architectural state of one guest thread. A context switch is just running
 * the engine on a different CpuState; nothing here refers to the engine.
 *
 * General registers are 32-bit halves (`lo`/`hi`, index = x86 encoding) so that
 * hot paths never need BigInt. Arithmetic flags are lazy (see flags.ts): the
 * fields f* record the last flag-setting operation and `flags` holds the
 * materialised bits when `fOp` is FlagOp.None.
 */
import { FlagOp, materialize, setFlags } from "./flags.js";
import type { CpuMmu } from "./mmu-surface.js";
import type { Insn } from "./decode/insn.js";

/** RFLAGS bits the CPU keeps outside the lazy arithmetic set. */
export const enum Rflag {
  CF = 1 << 0, Fixed1 = 1 << 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7,
  TF = 1 << 8, IF = 1 << 9, DF = 1 << 10, OF = 1 << 11, NT = 1 << 14, RF = 1 << 16,
  AC = 1 << 18, ID = 1 << 21,
  Arith = CF | PF | AF | ZF | SF | OF,
}

/** Why `run` returned (the machine README's traps table). */
export const enum Exit {
  /** Still running; never returned by run. */
  None = 0,
  Syscall = 1,
  Fault = 2,
  Budget = 3,
}

const TWO32 = 4294967296;

export class CpuState {
  readonly lo = new Int32Array(16);
  readonly hi = new Int32Array(16);
  /** Guest virtual address of the next instruction. */
  rip = 0;

  // Lazy arithmetic flags (flags.ts). fA/fAh: first operand or auxiliary bits,
  // fR/fRh: result. The *h halves matter only for 64-bit operations.
  fOp = FlagOp.None as number;
  fA = 0;
  fAh = 0;
  fR = 0;
  fRh = 0;
  /** RFLAGS except DF; its arithmetic bits are valid only when fOp is None. */
  flags = Rflag.Fixed1 | Rflag.IF;
  /** Direction flag, 0 or 1. */
  df = 0;

  // SSE: 16 xmm registers of 16 bytes, one buffer with several views.
  readonly xmmBuffer = new ArrayBuffer(256);
  readonly xmm32 = new Int32Array(this.xmmBuffer);
  readonly xmmF32 = new Float32Array(this.xmmBuffer);
  readonly xmmF64 = new Float64Array(this.xmmBuffer);
  readonly xmm8 = new Uint8Array(this.xmmBuffer);
  mxcsr = 0x1f80;

  // x87: control/status/tag words and the eight physical registers in the
  // architectural 80-bit format (10 bytes each, little endian, register i at
  // byte 10*i). Arithmetic belongs to cpu/x87/.
  fpuControl = 0x037f;
  fpuStatus = 0;
  /** Full tag word (2 bits per register, 11 = empty). */
  fpuTag = 0xffff;
  readonly fpuRegs = new Uint8Array(80);
  /** Last x87 instruction/operand pointers and opcode, as fxsave stores them. */
  fpuIp = 0;
  fpuDp = 0;
  fpuOpcode = 0;

  fsBase = 0;
  gsBase = 0;

  // Why the last run returned, for Exit.Fault and trap-like exits.
  trapVector = 0;
  trapError = 0;
  /** CR2 for #PF. */
  trapAddr = 0;

  /** Instructions left in the current run (the engine counts it down). */
  budget = 0;
  /** The instruction a translated block was executing when it faulted (engine-internal). */
  faultInsn: Insn | null = null;
  /** Set by trap-like instructions (syscall, int3, int n) to end the run. */
  exit = Exit.None as number;
  /** The address space the running thread uses; set by the engine for each run. */
  mmu: CpuMmu = null as unknown as CpuMmu;
  /** Index of the vCPU running this state and the machine's vCPU count (cpuid/rdtscp report them). */
  cpuIndex = 0;
  vcpus = 1;

  /** RFLAGS as the guest sees it (pushf). */
  getRflags(): number {
    return (materialize(this) | (this.df << 10)) >>> 0;
  }

  /** Loads all of RFLAGS (no privilege filtering; popf filters before calling). */
  setRflags(v: number): void {
    setFlags(this, (v & ~Rflag.DF) | Rflag.Fixed1);
    this.df = (v >>> 10) & 1;
  }

  /** A 64-bit register as a JS number: exact for anything within +-2^53. */
  getNumber(r: number): number {
    return this.hi[r] * TWO32 + (this.lo[r] >>> 0);
  }

  /** Register as unsigned 64-bit BigInt (for tests and rare paths, never hot). */
  getBig(r: number): bigint {
    return (BigInt(this.hi[r] >>> 0) << 32n) | BigInt(this.lo[r] >>> 0);
  }

  setBig(r: number, v: bigint): void {
    this.lo[r] = Number(BigInt.asIntN(32, v));
    this.hi[r] = Number(BigInt.asIntN(32, v >> 32n));
  }

  set64(r: number, lo: number, hi: number): void {
    this.lo[r] = lo;
    this.hi[r] = hi;
  }

  /** Copies every architectural field from another state (thread fork). */
  copyFrom(o: CpuState): void {
    this.lo.set(o.lo);
    this.hi.set(o.hi);
    this.rip = o.rip;
    this.fOp = o.fOp; this.fA = o.fA; this.fAh = o.fAh; this.fR = o.fR; this.fRh = o.fRh;
    this.flags = o.flags;
    this.df = o.df;
    this.xmm8.set(o.xmm8);
    this.mxcsr = o.mxcsr;
    this.fpuControl = o.fpuControl; this.fpuStatus = o.fpuStatus; this.fpuTag = o.fpuTag;
    this.fpuRegs.set(o.fpuRegs);
    this.fpuIp = o.fpuIp; this.fpuDp = o.fpuDp; this.fpuOpcode = o.fpuOpcode;
    this.fsBase = o.fsBase;
    this.gsBase = o.gsBase;
  }
}

/** Register numbers in x86 encoding order. */
export const enum Reg {
  RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7,
  R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15,
}
