/**
 * Lazy arithmetic flags. A flag-setting instruction records its operation kind,
 * operand size, first operand and result; CF, PF, AF, ZF, SF and OF are computed
 * only when something reads them. The second operand is never stored: for
 * add/sub it follows from the other two (b = r - a - carry), and kinds that need
 * more (inc/dec keep the old CF, shifts and multiplies have explicit CF/OF) keep
 * those bits in fA.
 *
 * Storage convention, per kind (sizes 8/16 are stored masked, 32 as int32, 64
 * with the high halves in fAh/fRh):
 *   Add, Adc, Sub, Sbb  fA = first operand (destination), fR = result.
 *                       Adc/Sbb are "with carry/borrow in = 1"; carry-in 0 is Add/Sub.
 *   Logic               fR = result; CF = OF = 0; AF = 0 (undefined by the SDM).
 *   Inc, Dec            fA = the preserved CF; fR = result.
 *   CfOf                fA = CF | OF << 1; fR = result (shifts, multiplies, ...);
 *                       AF = 0 (undefined for every user).
 * Flags the SDM leaves undefined are whatever these formulas give; the diff
 * harness masks them.
 */
import type { CpuState } from "./state.js";

export const enum FlagOp {
  None = 0,
  Add = 1 << 2, Adc = 2 << 2, Sub = 3 << 2, Sbb = 4 << 2,
  Logic = 5 << 2, Inc = 6 << 2, Dec = 7 << 2, CfOf = 8 << 2,
}

/** Operand size index in the low two bits of fOp. */
export const enum Sz { B = 0, W = 1, D = 2, Q = 3 }

const enum Kind { None = 0, Add = 1, Adc = 2, Sub = 3, Sbb = 4, Logic = 5, Inc = 6, Dec = 7, CfOf = 8 }

const ARITH = 0x8d5; // CF PF AF ZF SF OF

/** 1 when the byte has an even number of set bits (PF). */
const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let p = 1;
  for (let b = i; b !== 0; b >>= 1) p ^= b & 1;
  PARITY[i] = p;
}

/** Unsigned a < b on (lo, hi) pairs; for sizes below 64 the hi halves are ignored. */
function ltu(sz: number, a: number, ah: number, b: number, bh: number): number {
  if (sz === Sz.Q && ah !== bh) return (ah >>> 0) < (bh >>> 0) ? 1 : 0;
  return (a >>> 0) < (b >>> 0) ? 1 : 0;
}

export function cf(s: CpuState): number {
  const op = s.fOp;
  switch (op >> 2) {
    case Kind.None: return s.flags & 1;
    case Kind.Add: return ltu(op & 3, s.fR, s.fRh, s.fA, s.fAh);
    case Kind.Adc: return 1 - ltu(op & 3, s.fA, s.fAh, s.fR, s.fRh);
    case Kind.Sub: return ltu(op & 3, s.fA, s.fAh, s.fR, s.fRh);
    case Kind.Sbb: return 1 - ltu(op & 3, s.fR, s.fRh, s.fA, s.fAh);
    case Kind.Logic: return 0;
    default: return s.fA & 1;
  }
}

export function zf(s: CpuState): number {
  const op = s.fOp;
  if (op === FlagOp.None) return (s.flags >> 6) & 1;
  if ((op & 3) === Sz.Q) return (s.fR | s.fRh) === 0 ? 1 : 0;
  return s.fR === 0 ? 1 : 0;
}

export function sf(s: CpuState): number {
  const op = s.fOp;
  if (op === FlagOp.None) return (s.flags >> 7) & 1;
  switch (op & 3) {
    case Sz.B: return (s.fR >> 7) & 1;
    case Sz.W: return (s.fR >> 15) & 1;
    case Sz.D: return s.fR >>> 31;
    default: return s.fRh >>> 31;
  }
}

export function pf(s: CpuState): number {
  if (s.fOp === FlagOp.None) return (s.flags >> 2) & 1;
  return PARITY[s.fR & 0xff];
}

/** The second operand of an add/sub kind, low 32 bits (enough for AF and sizes < 64). */
function operandB(kind: number, a: number, r: number): number {
  switch (kind) {
    case Kind.Add: return r - a;
    case Kind.Adc: return r - a - 1;
    case Kind.Sub: return a - r;
    default: return a - r - 1;
  }
}

export function af(s: CpuState): number {
  const kind = s.fOp >> 2;
  switch (kind) {
    case Kind.None: return (s.flags >> 4) & 1;
    case Kind.Add: case Kind.Adc: case Kind.Sub: case Kind.Sbb:
      return ((s.fA ^ operandB(kind, s.fA, s.fR) ^ s.fR) >> 4) & 1;
    case Kind.Inc: return (s.fR & 0xf) === 0 ? 1 : 0;
    case Kind.Dec: return (s.fR & 0xf) === 0xf ? 1 : 0;
    default: return 0;
  }
}

const SIGN_SHIFT = [7, 15, 31, 31];

export function of(s: CpuState): number {
  const op = s.fOp;
  const kind = op >> 2;
  const sz = op & 3;
  switch (kind) {
    case Kind.None: return (s.flags >> 11) & 1;
    case Kind.Add: case Kind.Adc: {
      let a = s.fA, r = s.fR, b: number;
      if (sz === Sz.Q) {
        const cin = kind === Kind.Adc ? 1 : 0;
        const borrow = (r >>> 0) - (a >>> 0) - cin < 0 ? 1 : 0;
        b = s.fRh - s.fAh - borrow;
        a = s.fAh;
        r = s.fRh;
      } else {
        b = operandB(kind, a, r);
      }
      return (((a ^ r) & (b ^ r)) >>> SIGN_SHIFT[sz]) & 1;
    }
    case Kind.Sub: case Kind.Sbb: {
      let a = s.fA, r = s.fR, b: number;
      if (sz === Sz.Q) {
        const bin = kind === Kind.Sbb ? 1 : 0;
        const borrow = (a >>> 0) - (r >>> 0) - bin < 0 ? 1 : 0;
        b = s.fAh - s.fRh - borrow;
        a = s.fAh;
        r = s.fRh;
      } else {
        b = operandB(kind, a, r);
      }
      return (((a ^ b) & (a ^ r)) >>> SIGN_SHIFT[sz]) & 1;
    }
    case Kind.Inc:
      switch (sz) {
        case Sz.B: return s.fR === 0x80 ? 1 : 0;
        case Sz.W: return s.fR === 0x8000 ? 1 : 0;
        case Sz.D: return s.fR === (0x80000000 | 0) ? 1 : 0;
        default: return s.fR === 0 && s.fRh === (0x80000000 | 0) ? 1 : 0;
      }
    case Kind.Dec:
      switch (sz) {
        case Sz.B: return s.fR === 0x7f ? 1 : 0;
        case Sz.W: return s.fR === 0x7fff ? 1 : 0;
        case Sz.D: return s.fR === 0x7fffffff ? 1 : 0;
        default: return s.fR === -1 && s.fRh === 0x7fffffff ? 1 : 0;
      }
    case Kind.Logic: return 0;
    default: return (s.fA >> 1) & 1;
  }
}

/** Computes the arithmetic flags into `flags`, makes them eager, and returns RFLAGS without DF. */
export function materialize(s: CpuState): number {
  if (s.fOp === FlagOp.None) return s.flags;
  const bits = cf(s) | (pf(s) << 2) | (af(s) << 4) | (zf(s) << 6) | (sf(s) << 7) | (of(s) << 11);
  s.flags = (s.flags & ~ARITH) | bits;
  s.fOp = FlagOp.None;
  return s.flags;
}

/** Loads eager flags (DF excluded: it lives in `df`). */
export function setFlags(s: CpuState, v: number): void {
  s.flags = v;
  s.fOp = FlagOp.None;
}

/** Replaces the bits in `mask` with `bits`, keeping the others (partial flag writers). */
export function writeFlagBits(s: CpuState, mask: number, bits: number): void {
  const f = materialize(s);
  s.flags = (f & ~mask) | (bits & mask);
}

/** Evaluates condition code cc (0..15, the low nibble of jcc/setcc/cmovcc). */
export function cond(s: CpuState, cc: number): boolean {
  // Fast paths for the common producers: 32-bit compare/subtract and logic ops.
  const op = s.fOp;
  if (op === (FlagOp.Sub | Sz.D)) {
    const a = s.fA, b = (a - s.fR) | 0;
    let t: boolean;
    switch (cc >> 1) {
      case 1: t = (a >>> 0) < (b >>> 0); break;
      case 2: t = a === b; break;
      case 3: t = (a >>> 0) <= (b >>> 0); break;
      case 6: t = a < b; break;
      case 7: t = a <= b; break;
      default: return slowCond(s, cc);
    }
    return t !== ((cc & 1) !== 0);
  }
  if (op === (FlagOp.Logic | Sz.D) || op === (FlagOp.Dec | Sz.D) || op === (FlagOp.Inc | Sz.D)) {
    if ((cc >> 1) === 2) return (s.fR === 0) !== ((cc & 1) !== 0);
  }
  return slowCond(s, cc);
}

function slowCond(s: CpuState, cc: number): boolean {
  let r: number;
  switch (cc >> 1) {
    case 0: r = of(s); break;
    case 1: r = cf(s); break;
    case 2: r = zf(s); break;
    case 3: r = cf(s) | zf(s); break;
    case 4: r = sf(s); break;
    case 5: r = pf(s); break;
    case 6: r = sf(s) ^ of(s); break;
    default: r = zf(s) | (sf(s) ^ of(s)); break;
  }
  return (r ^ (cc & 1)) !== 0;
}
