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
import { Fpu } from "./x87/fpu.js";
import { widenFields } from "../wide-fields.js";
import { MXCSR_MASK, fxrstor, fxsave } from "./x87/image.js";
import { xmmViews, type XmmViews } from "../arena.js";

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
  /**
   * The general registers. While a run executes this state they are the RAM
   * arena's context registers (bind()), where WebAssembly code reads them;
   * otherwise the state's own arrays.
   */
  lo: Int32Array;
  hi: Int32Array;
  private readonly ownLo = new Int32Array(16);
  private readonly ownHi = new Int32Array(16);
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

  // SSE: 16 xmm registers of 16 bytes, one storage with several views (bound
  // to the arena's during a run, as lo/hi are).
  xmm32!: Int32Array;
  xmmF32!: Float32Array;
  xmmF64!: Float64Array;
  xmm8!: Uint8Array;
  private readonly ownXmm = xmmViews(new ArrayBuffer(256), 0);
  mxcsr = 0x1f80;

  /** The x87 FPU (cpu/x87/): registers, control/status/tag words, last-instruction pointers. */
  readonly fpu = new Fpu();

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
  /**
   * How the last translated region left (engine-internal, translate/chain.ts): the
   * block it left (a Block), that block's exit slot (-1: back to the dispatcher)
   * and the frame base the target shares (-1: check the exec TLB).
   */
  exitFrom: unknown = null;
  exitSlot = -1;
  exitPhys = -1;
  /**
   * A fault (or internal error) a translated region's helper caught (translate/guarded.ts);
   * the region saves its state and throws it (engine-internal).
   */
  pendingFault: unknown = null;
  /** Set by trap-like instructions (syscall, int3, int n) to end the run. */
  exit = Exit.None as number;
  /** The address space the running thread uses; set by the engine for each run. */
  mmu: CpuMmu = null as unknown as CpuMmu;
  /** Index of the vCPU running this state and the machine's vCPU count (cpuid/rdtscp report them). */
  cpuIndex = 0;
  vcpus = 1;

  constructor() {
    this.lo = this.ownLo;
    this.hi = this.ownHi;
    this.useXmm(this.ownXmm);
  }

  /** Moves the general and xmm registers into a run's context (machine/arena.ts) until unbind(). */
  bind(a: { lo: Int32Array; hi: Int32Array; xmm: XmmViews }): void {
    this.moveTo(a.lo, a.hi, a.xmm);
  }

  /** Moves the registers back into the state's own storage. */
  unbind(): void {
    if (this.lo !== this.ownLo) this.moveTo(this.ownLo, this.ownHi, this.ownXmm);
  }

  private moveTo(lo: Int32Array, hi: Int32Array, xmm: XmmViews): void {
    lo.set(this.lo);
    hi.set(this.hi);
    xmm.xmm8.set(this.xmm8);
    this.lo = lo;
    this.hi = hi;
    this.useXmm(xmm);
  }

  private useXmm(x: XmmViews): void {
    this.xmm32 = x.xmm32; this.xmmF32 = x.xmmF32; this.xmmF64 = x.xmmF64; this.xmm8 = x.xmm8;
  }

  /** RFLAGS as the guest sees it (pushf). */
  getRflags(): number {
    return (materialize(this) | (this.df << 10)) >>> 0;
  }

  /** Loads all of RFLAGS (no privilege filtering; popf filters before calling). */
  setRflags(v: number): void {
    setFlags(this, (v & ~Rflag.DF) | Rflag.Fixed1);
    this.df = (v >>> 10) & 1;
  }

  /**
   * Writes the FXSAVE image of the x87 and SSE state into bytes [off, off + 416)
   * of `out` (FXSAVE leaves the rest of its 512-byte area alone); rexW selects
   * FXSAVE64's 64-bit instruction/operand pointers. Also the signal-frame format.
   */
  saveFxImage(out: Uint8Array, off: number, rexW: boolean): void {
    fxsave(this.fpu, out, off, this.xmm8, this.mxcsr, rexW);
  }

  /**
   * Loads an FXSAVE image (FXRSTOR, sigreturn). Returns false and changes nothing
   * when its MXCSR sets a reserved bit (FXRSTOR's #GP).
   */
  loadFxImage(img: Uint8Array, off: number, rexW: boolean): boolean {
    const mxcsr = (img[off + 24] | (img[off + 25] << 8) | (img[off + 26] << 16) | (img[off + 27] << 24)) >>> 0;
    if ((mxcsr & ~MXCSR_MASK) !== 0) return false;
    this.mxcsr = fxrstor(this.fpu, img, off, this.xmm8, rexW);
    return true;
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
    this.fpu.copyFrom(o.fpu);
    this.fsBase = o.fsBase;
    this.gsBase = o.gsBase;
  }
}

/** Register numbers in x86 encoding order. */
export const enum Reg {
  RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7,
  R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15,
}

// Addresses and int32 halves exceed V8's small integers (wide-fields.ts).
widenFields(new CpuState(), ["rip", "fA", "fAh", "fR", "fRh", "fsBase", "gsBase", "trapAddr", "trapError", "budget", "exitPhys", "exitFrom"]);
