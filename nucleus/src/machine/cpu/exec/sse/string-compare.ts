/**
 * SSE4.2 packed string compares PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM (SDM
 * vol. 2, 4.1). imm8 selects the element format ([1:0]: unsigned/signed bytes
 * or words), the aggregation ([3:2]: equal any, ranges, equal each, equal
 * ordered), the polarity ([5:4]) and the output ([6]: most significant index /
 * expanded mask). The first operand (xmm reg) and the second (xmm/m128, no
 * alignment required) are strings whose length is explicit (|rax|, |rdx| with
 * REX.W, else |eax|, |edx|, saturated to the element count) or implicit (up to
 * the first zero element).
 *
 * Flags: CF = result != 0, ZF = second string shorter than a full register,
 * SF = same for the first, OF = result bit 0, AF = PF = 0.
 */
import type { Handler } from "../../decode/insn.js";
import { writeFlagBits } from "../../flags.js";
import { Rflag, type CpuState } from "../../state.js";
import { register } from "../registry.js";
import { Mem, W16, W8, WS16, WS8, loadAB } from "./xmm.js";

const enum Agg { EqualAny = 0, Ranges = 1, EqualEach = 2, EqualOrdered = 3 }

/** Element k of the first (A) or second (B) operand in the imm8 format. */
function elem(imm: number, second: boolean, k: number): number {
  switch (imm & 3) {
    case 0: return W8[(second ? 16 : 0) + k];
    case 1: return W16[(second ? 8 : 0) + k];
    case 2: return WS8[(second ? 16 : 0) + k];
    default: return WS16[(second ? 8 : 0) + k];
  }
}

/** Length of an implicit string: index of the first zero element, or n. */
function implicitLength(imm: number, second: boolean, n: number): number {
  for (let k = 0; k < n; k++) if (elem(imm, second, k) === 0) return k;
  return n;
}

/** |length register| saturated to n (64-bit with REX.W). */
function explicitLength(s: CpuState, r: number, wide: boolean, n: number): number {
  const lo = s.lo[r];
  if (wide) {
    const hi = s.hi[r];
    // Anything whose absolute value needs more than 32 bits saturates.
    if (hi !== 0 && hi !== -1) return n;
    if (hi === -1 && lo >= 0) return n;
    if (hi === 0 && lo < 0) return n;
  }
  const a = Math.abs(lo);
  return a > n ? n : a;
}

/** IntRes2 (polarity applied) for strings of la and lb valid elements. */
function compare(imm: number, la: number, lb: number): number {
  const n = imm & 1 ? 8 : 16;
  let res = 0;
  switch ((imm >> 2) & 3) {
    case Agg.EqualAny:
      for (let j = 0; j < lb; j++) {
        const b = elem(imm, true, j);
        for (let i = 0; i < la; i++) if (elem(imm, false, i) === b) { res |= 1 << j; break; }
      }
      break;
    case Agg.Ranges:
      for (let j = 0; j < lb; j++) {
        const b = elem(imm, true, j);
        for (let i = 0; i + 1 < la; i += 2) {
          if (elem(imm, false, i) <= b && b <= elem(imm, false, i + 1)) { res |= 1 << j; break; }
        }
      }
      break;
    case Agg.EqualEach:
      for (let i = 0; i < n; i++) {
        const va = i < la, vb = i < lb;
        if (va && vb ? elem(imm, false, i) === elem(imm, true, i) : !va && !vb) res |= 1 << i;
      }
      break;
    default:
      // Equal ordered: the first string occurs at j (an invalid first-string element
      // matches anything; an invalid second-string element matches nothing).
      for (let j = 0; j < n; j++) {
        let match = true;
        for (let k = 0; j + k < n && k < la; k++) {
          if (j + k >= lb || elem(imm, false, k) !== elem(imm, true, j + k)) { match = false; break; }
        }
        if (match) res |= 1 << j;
      }
  }
  const all = (1 << n) - 1;
  switch ((imm >> 4) & 3) {
    case 1: return ~res & all;
    case 3: return res ^ ((1 << lb) - 1);
    default: return res;
  }
}

function setFlags(s: CpuState, res: number, la: number, lb: number, n: number): void {
  let f = 0;
  if (res !== 0) f |= Rflag.CF;
  if (lb < n) f |= Rflag.ZF;
  if (la < n) f |= Rflag.SF;
  if (res & 1) f |= Rflag.OF;
  writeFlagBits(s, Rflag.Arith, f);
}

function stringCompare(explicit: boolean, index: boolean): Handler {
  return (s, i) => {
    loadAB(s, i, Mem.Unaligned);
    const imm = i.imm & 0xff;
    const n = imm & 1 ? 8 : 16;
    const la = explicit ? explicitLength(s, 0, i.rexW, n) : implicitLength(imm, false, n);
    const lb = explicit ? explicitLength(s, 2, i.rexW, n) : implicitLength(imm, true, n);
    const res = compare(imm, la, lb);
    if (index) {
      const at = res === 0 ? n : imm & 0x40 ? 31 - Math.clz32(res) : 31 - Math.clz32(res & -res);
      s.lo[1] = at;
      s.hi[1] = 0;
    } else {
      const x = s.xmm32;
      if (imm & 0x40) {
        const x8 = s.xmm8;
        for (let k = 0; k < 16; k++) x8[k] = (res >> (n === 16 ? k : k >> 1)) & 1 ? 0xff : 0;
      } else {
        x[0] = res; x[1] = 0; x[2] = 0; x[3] = 0;
      }
    }
    setFlags(s, res, la, lb, n);
  };
}

register("PCMPESTRI|PCMPESTRI|PCMPESTRI64 Vx,Wx,Ib", stringCompare(true, true));
register("PCMPESTRM|PCMPESTRM|PCMPESTRM64 Vx,Wx,Ib", stringCompare(true, false));
register("PCMPISTRI Vx,Wx,Ib", stringCompare(false, true));
register("PCMPISTRM Vx,Wx,Ib", stringCompare(false, false));
