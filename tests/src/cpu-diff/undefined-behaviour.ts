/**
 * THE table of everything the comparison does not hold the emulator to, and why.
 * Every rule cites the Intel SDM (Vol. 2 instruction pages, "Flags Affected" /
 * "FPU Flags Affected"); nothing else is masked anywhere in the harness.
 *
 * | # | what is not compared | when | reference |
 * |---|---|---|---|
 * | 1 | RFLAGS bits iced-x86 lists as undefined (`rflagsUndefined`) | every instruction except the shift/rotate family (rule 2) | each instruction's "Flags Affected" (iced-x86 encodes them) |
 * | 2a | shifts/rotates, masked count 0: nothing masked (flags must be unchanged) | SHL SAL SHR SAR ROL ROR RCL RCR SHLD SHRD | Vol. 2B SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD: "If the count is 0, the flags are not affected" |
 * | 2b | OF | masked count != 1 | same pages: "OF is affected only for 1-bit shifts/rotates; otherwise undefined" |
 * | 2c | AF | SHL SAL SHR SAR SHLD SHRD, masked count != 0 | SAL/SAR/SHL/SHR: "For a non-zero count, the AF flag is undefined"; SHLD/SHRD: AF undefined |
 * | 2d | CF | SHL SAL SHR with masked count >= operand width (8/16-bit only) | SAL/SAR/SHL/SHR: "CF ... undefined for SHL and SHR instructions where the count is greater than or equal to the size" |
 * | 2e | destination and CF OF SF ZF AF PF | 16-bit SHLD/SHRD with masked count > 16 | SHLD/SHRD: "If the count is greater than the operand size, the result is undefined" and so are the flags |
 * | 3 | x87 condition codes C0-C3 iced-x86 lists as undefined | x87 instructions | each instruction's "FPU Flags Affected" (e.g. FADD: "C0, C2, C3 undefined") |
 * | 4 | nothing at all is masked | the snippet faulted on its first instruction | Vol. 3A 6.5: faults are reported before the instruction changes state |
 * | 5 | RFLAGS bits other than CF PF AF ZF SF DF OF | always | Vol. 3A 6.8.3 / 17.3.1.1: RF, IF, IOPL, ID are system state the kernel owns (e.g. RF is set in the image saved for faults) |
 * | 6 | FOP, FIP, FDP (and FCS/FDS) in the FXSAVE state and in memory images stored by FXSAVE, FNSAVE, FNSTENV | always | Vol. 1 8.1.8-8.1.10: last-instruction pointers; Intel CPUs with "FDP_EXCPTN_ONLY"/"FCS/FDS deprecation" update them only on unmasked exceptions. The emulator's CpuState does not model them (nucleus/src/machine/README.md); a deliberate exclusion, not an architectural undefined |
 * | 7 | MXCSR_MASK and the reserved/available bytes 464-511 of FXSAVE state (MXCSR_MASK also in images FXSAVE stores) | always | Vol. 1 10.5.1 Table 10-2: MXCSR_MASK is a CPU constant; the reserved bytes are not state |
 * | 8 | the last bit of the result registers (compared to within 1 ulp: same sign, adjacent 80-bit magnitudes) and C1 | F2XM1 FYL2X FYL2XP1 FSIN FCOS FSINCOS FPTAN FPATAN | Vol. 1 8.3.10 "Transcendental Instruction Accuracy": the result is an approximation within 1 ulp (round to nearest) of the true value, not a correctly rounded one; C1 ("result rounded up", FSIN etc. "FPU Flags Affected") depends on which side of the true value the approximation fell |
 * | 10 | bit 0 (P) of a page fault's error code | the fault address is in the upper (kernel) half | Vol. 3A 4.7: P says whether a present page was violated; the host's kernel pages are mapped there (supervisor-only: P = 1), a case's emulated address space maps nothing there (P = 0). Which pages exist is the environment's, not the instruction's |
 *
 * | 9 | what Intel CPUs (and our Intel model) do one way and other vendors another where the manuals leave it open | on a non-Intel host only | vendor.ts, each rule with its reference |
 *
 * Compared even though an emulator might find them convenient to skip:
 * BSF/BSR with a zero source leave the destination unchanged on Intel CPUs (the
 * SDM says "undefined"; the host is the reference and the Linux ABI relies on it),
 * the contents of empty x87 registers, and the pushed RFLAGS image of PUSHF.
 */
import iced from 'iced-x86';
import type { Undefined } from './case.js';

const { Mnemonic, RflagsBits } = iced;

const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

/** iced-x86 RflagsBits to the x86 RFLAGS layout. */
export function x86Flags(icedBits: number): number {
  let f = 0;
  if (icedBits & RflagsBits.CF) f |= CF;
  if (icedBits & RflagsBits.PF) f |= PF;
  if (icedBits & RflagsBits.AF) f |= AF;
  if (icedBits & RflagsBits.ZF) f |= ZF;
  if (icedBits & RflagsBits.SF) f |= SF;
  if (icedBits & RflagsBits.OF) f |= OF;
  if (icedBits & RflagsBits.DF) f |= 0x400;
  return f;
}

/** iced-x86 x87 condition-code bits to FSW bits (C0 = 8, C1 = 9, C2 = 10, C3 = 14). */
export function fswBits(icedBits: number): number {
  let f = 0;
  if (icedBits & RflagsBits.C0) f |= 1 << 8;
  if (icedBits & RflagsBits.C1) f |= 1 << 9;
  if (icedBits & RflagsBits.C2) f |= 1 << 10;
  if (icedBits & RflagsBits.C3) f |= 1 << 14;
  return f;
}

const SHIFTS = new Set<number>([Mnemonic.Shl, Mnemonic.Sal, Mnemonic.Shr, Mnemonic.Sar]);
const ROTATES = new Set<number>([Mnemonic.Rol, Mnemonic.Ror, Mnemonic.Rcl, Mnemonic.Rcr]);
const DOUBLE_SHIFTS = new Set<number>([Mnemonic.Shld, Mnemonic.Shrd]);

export function isShiftFamily(mnemonic: number): boolean {
  return SHIFTS.has(mnemonic) || ROTATES.has(mnemonic) || DOUBLE_SHIFTS.has(mnemonic);
}

export interface ShiftUndefined {
  rflags: number;
  /** Rule 2e: the destination itself is undefined. */
  destination: boolean;
}

/** Rule 2, for a shift/rotate of `width` bits by a raw (unmasked) `count`. */
export function shiftUndefined(mnemonic: number, width: number, count: number): ShiftUndefined {
  const c = count & (width === 64 ? 0x3f : 0x1f);
  if (c === 0) return { rflags: 0, destination: false };
  let f = c === 1 ? 0 : OF;
  if (DOUBLE_SHIFTS.has(mnemonic)) {
    if (c > width) return { rflags: CF | OF | SF | ZF | AF | PF, destination: true };
    f |= AF;
  } else if (SHIFTS.has(mnemonic)) {
    f |= AF;
    if (mnemonic !== Mnemonic.Sar && c >= width) f |= CF;
  }
  return { rflags: f, destination: false };
}

/** Rules 6 and 7: offsets of the pointer fields (and FXSAVE's MXCSR_MASK) inside the memory images x87 state stores write. */
export function x87ImageNotCompared(mnemonic: number, memSize: number): Array<[number, number]> {
  switch (mnemonic) {
    case Mnemonic.Fxsave:
    case Mnemonic.Fxsave64:
      return [[6, 18], [28, 4]]; // FOP, FIP, FDP (or FCS/FDS halves); MXCSR_MASK
    case Mnemonic.Fnstenv:
    case Mnemonic.Fstenv:
    case Mnemonic.Fnsave:
    case Mnemonic.Fsave:
      // 32-bit protected-mode environment (28 bytes): FIP at 12, FCS+FOP at 16, FDP at 20, FDS at 24.
      // 16-bit (14 bytes, o16 prefix): FIP at 6, FCS/FOP at 8, FDP at 10, FDS at 12.
      return memSize === 14 || memSize === 94 ? [[6, 8]] : [[12, 16]];
    default:
      return [];
  }
}

/** FSW C1 (bit 9). */
export const FSW_C1 = 1 << 9;

/**
 * Rule 8: the stack registers holding an approximated transcendental result once the
 * instruction completed (FPTAN's pushed 1.0 is exact; FSINCOS leaves cos in ST(0) and
 * sin in ST(1); FYL2X, FYL2XP1 and FPATAN pop onto their result). Empty for other forms.
 */
export function approximatedResults(mnemonic: number): number[] {
  switch (mnemonic) {
    case Mnemonic.F2xm1: case Mnemonic.Fsin: case Mnemonic.Fcos:
    case Mnemonic.Fyl2x: case Mnemonic.Fyl2xp1: case Mnemonic.Fpatan:
      return [0];
    case Mnemonic.Fptan: return [1];
    case Mnemonic.Fsincos: return [0, 1];
    default: return [];
  }
}

/** Rule 10: the error-code bits compared for a page fault at `address`. */
export function errorCodeMask(vector: number, address: bigint): bigint {
  return vector === 14 && address >= 0xffff_8000_0000_0000n ? ~1n : ~0n;
}

/** Rule 8's comparison: two 80-bit register images with the same sign and magnitudes at most one step apart. */
export function withinOneUlp(a: Uint8Array, b: Uint8Array): boolean {
  const magnitude = (r: Uint8Array): bigint => {
    const dv = new DataView(r.buffer, r.byteOffset, 10);
    const exp = BigInt(dv.getUint16(8, true) & 0x7fff);
    const mant = dv.getBigUint64(0, true);
    // Normal numbers: exponent and fraction form one ordered integer (the explicit J bit is implied by exp).
    return exp === 0n ? mant : (exp << 63n) + (mant & ((1n << 63n) - 1n));
  };
  if ((a[9] & 0x80) !== (b[9] & 0x80)) return false;
  const d = magnitude(a) - magnitude(b);
  return d >= -1n && d <= 1n;
}

export function nothingUndefined(): Undefined {
  return { rflags: 0, fsw: 0, stUlp: [], gprs: [], data: [] };
}
