/**
 * Rule 9 of undefined-behaviour.ts: the emulated CPU is an Intel model
 * (nucleus exec/cpuid.ts), and where the manuals leave a result to the
 * implementation it does what Intel CPUs do, so only an Intel host is its
 * bit-exact reference. On another host these parts are compared by what the
 * manuals define, and nothing else is relaxed:
 *
 * | # | not compared bit for bit | when | reference |
 * |---|---|---|---|
 * | 9a | the whole case | 0F 0D with a register operand | SDM: a reserved NOP; APM: PREFETCH/PREFETCHW, #UD with a register |
 * | 9b | RCX/RSI/RDI above bit 31 | a REP string instruction with 32-bit addressing | SDM 7.3.9.1 writes ECX/ESI/EDI (upper half zeroed); AMD leaves the upper halves |
 * | 9c | CF PF AF ZF SF OF | REP CMPS/SCAS stopped by a fault after some iterations | Intel (and our model) keep the flags from before the instruction, AMD gives those of the last iteration; the SDM does not say which |
 * | 9d | x87 TOP, tags and stack order | MOVD/MOVQ from an MMX register to memory | SDM 9.5.1: MMX instructions set TOP to 0 and the tags valid; AMD's stores to memory leave them as they were (seen on Zen 5) |
 * | 9e | the fault address | MASKMOVDQU | which byte of a masked store the page fault names is not specified |
 * | 9f | RCP/RSQRT results: within 3·2^-12 of the host's, specials equal | RCPPS RCPSS RSQRTPS RSQRTSS | SDM: relative error ≤ 1.5·2^-12, the table is the implementation's |
 * | 9g | which NaN, where both give one | DPPS DPPD | the NaN a dot product keeps follows the implementation's order of products and sums (nucleus fp.native.test checks ours is an input's or the default) |
 * | 9h | the whole case | FIST/FISTP/FISTTP with the invalid-operation exception unmasked (FCW.IM clear) where the host page-faulted on the destination | an unmasked #IA stores nothing; Intel (and our model) then check no page, AMD checks the destination first (seen on Zen 5: #PF, FSW unchanged). Which comes first is not specified |
 * | 9i | the whole case | FSTP m80 and FBSTP whose 10-byte destination crosses into a page that faults | Intel (and our model) write eight bytes, then two, and fault on the second write with the first one done (x87/README.md); AMD checks the whole destination first and writes nothing (seen on Zen 5) |
 * | 9j | the whole case | FXRSTOR of an image whose MXCSR sets bits above 15 the host accepted | MXCSR_MASK is the implementation's: ours is Intel's 0xFFFF (#GP), AMD's also allows bit 17, MM (seen on Zen 5: loaded) |
 */
import { INTEL_HOST } from '@rustos/nucleus/dist/machine/cpu/testing/host-vendor.js';
import { type CpuCase, type CpuResult, Exit } from './case.js';

export interface VendorRelaxation {
  /** 9a, 9h, 9i, 9j: the case is not compared at all. */
  skip: boolean;
  /** 9b: GPRs compared in their low 32 bits only. */
  low32: number[];
  /** 9c: RFLAGS bits not compared. */
  rflags: number;
  /** 9d: x87 TOP, tags and ST(i) not compared. */
  x87Stack: boolean;
  /** 9e. */
  faultAddress: boolean;
  /** 9f: xmm lanes compared as approximations. */
  approximate: boolean;
  /** 9g: lane size (4, 8) of xmm lanes where any NaN matches any NaN; 0 for none. */
  anyNaN: number;
}

const STRICT: VendorRelaxation = { skip: false, low32: [], rflags: 0, x87Stack: false, faultAddress: false, approximate: false, anyNaN: 0 };

export function vendorRelaxation(c: CpuCase, native: CpuResult): VendorRelaxation {
  if (INTEL_HOST) return STRICT;
  const form = c.form;
  const memory = c.text.includes('[');
  const string = /^(Movs|Stos|Lods|Scas|Cmps|Ins|Outs)/.test(form);
  const iterated = native.gpr[1] !== c.initial.gpr[1];
  return {
    skip: (/^Reservednop_.*_0F0D$/.test(form) && !memory)
      || (/^Fist(t?p)?_/.test(form) && native.vector === Exit.PageFault && (c.initial.fxsave[0]! & 1) === 0)
      || (/^(Fbstp|Fstp_m80)/.test(form) && native.vector === Exit.PageFault && (native.faultAddress & 0xfffn) === 0n)
      || (form.startsWith('Fxrstor') && (new DataView(native.fxsave.buffer, native.fxsave.byteOffset).getUint32(24, true) & ~0xffff) !== 0),
    low32: string && /\[e(si|di)\]/.test(c.text) ? [1, 6, 7] : [],
    rflags: /^(Cmps|Scas)/.test(form) && native.vector !== Exit.Breakpoint && iterated ? 0x8d5 : 0,
    x87Stack: /^(Movd|Movq|Movntq)_(rm32|rm64|mmm64|m64)_mm$/.test(form) && memory,
    faultAddress: form.startsWith('Maskmovdqu'),
    approximate: /^R(cp|sqrt)(ps|ss)_/.test(form),
    anyNaN: form.startsWith('Dpps_') ? 4 : form.startsWith('Dppd_') ? 8 : 0,
  };
}

/** 9g: are the `size`-byte lanes at `o` of both images NaNs? */
export function bothNaN(a: DataView, b: DataView, o: number, size: number): boolean {
  const nan = (d: DataView) => (size === 4 ? Number.isNaN(d.getFloat32(o, true)) : Number.isNaN(d.getFloat64(o, true)));
  return nan(a) && nan(b);
}

/** 9f: two single-precision lanes that are both valid RCP/RSQRT approximations of one value. */
export function sameApproximation(a: number, b: number): boolean {
  if (a === b) return true;
  const normal = (v: number) => ((v >>> 23) & 0xff) !== 0 && ((v >>> 23) & 0xff) !== 0xff;
  if (!normal(a) || !normal(b) || (a ^ b) >>> 31) return false;
  const f = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
  return Math.abs(f(a) / f(b) - 1) <= 3 * 2 ** -12;
}
