/**
 * A fast path for ADD/SUB/MUL/DIV SS/SD, the scalar arithmetic of compiled C:
 * with round-to-nearest and every exception masked (MXCSR's controls as Linux
 * sets them) and both operands and the result normal numbers away from the
 * ends of the exponent range, the result is JS's own correctly rounded
 * arithmetic and the only possible flag is PE, decided from the exact error.
 * Anything else returns false and the general lane code (fp-lanes.ts) runs.
 */
import type { Insn } from "../../decode/insn.js";
import type { CpuState } from "../../state.js";
import { ea } from "../operands.js";
import { Mx } from "./mxcsr.js";
import { Op } from "./fp-lanes.js";
import { productError, twoProduct } from "./rounding.js";

const buf = new ArrayBuffer(8);
const f64 = new Float64Array(buf);
const i32 = new Int32Array(buf);
const f32 = new Float32Array(buf);

/** MXCSR bits that must read 0x1f80 here: all six masks set, round to nearest. */
const CONTROL = 0x7f80;
const DEFAULT = 0x1f80;

/** Biased exponent of the double in f64[0] (via i32[1]). */
function expOf(v: number): number {
  f64[0] = v;
  return (i32[1] >>> 20) & 0x7ff;
}

/** Runs the SD op if the fast path applies; false declines (nothing was changed). */
export function fastScalar64(s: CpuState, i: Insn, op: number): boolean {
  if ((s.mxcsr & CONTROL) !== DEFAULT) return false;
  const x = s.xmmF64, d = i.reg << 1;
  const a = x[d];
  let b: number;
  if (i.rm >= 0) b = x[i.rm << 1];
  else {
    const m = s.mmu;
    i32[0] = m.read64(ea(s, i));
    i32[1] = m.hi64;
    b = f64[0];
  }
  const ea_ = expOf(a), eb = expOf(b);
  if (ea_ < 110 || ea_ > 1990 || eb < 110 || eb > 1990) return false;
  let r: number, inexact: boolean;
  switch (op) {
    case Op.Add: case Op.Sub: {
      const c = op === Op.Add ? b : -b;
      r = a + c;
      const bb = r - a;
      inexact = (a - (r - bb)) + (c - bb) !== 0;
      break;
    }
    case Op.Mul:
      r = twoProduct(a, b);
      inexact = productError !== 0;
      break;
    default: {
      r = a / b;
      const p = twoProduct(r, b);
      inexact = (a - p) - productError !== 0;
    }
  }
  const er = expOf(r);
  if (er < 110 || er > 1990) return false;
  x[d] = r;
  if (inexact) s.mxcsr |= Mx.PE;
  return true;
}

/** The same for SS operands (their exact sums, products and quotients are binary64 computations). */
export function fastScalar32(s: CpuState, i: Insn, op: number): boolean {
  if ((s.mxcsr & CONTROL) !== DEFAULT) return false;
  const ab = s.xmm32[i.reg << 2];
  const bb = i.rm >= 0 ? s.xmm32[i.rm << 2] : s.mmu.read32(ea(s, i));
  const ea_ = (ab >>> 23) & 0xff, eb = (bb >>> 23) & 0xff;
  if (ea_ < 30 || ea_ > 220 || eb < 30 || eb > 220) return false;
  const a = s.xmmF32[i.reg << 2];
  i32[0] = bb;
  const b = f32[0];
  // v is the exact result rounded to binary64 (rounding that again to binary32 is
  // correct: 53 >= 2 * 24 + 2); lost says whether v itself was inexact.
  let v: number, lost = false;
  switch (op) {
    case Op.Add: case Op.Sub: {
      const c = op === Op.Add ? b : -b;
      v = a + c;
      const bb = v - a;
      lost = (a - (v - bb)) + (c - bb) !== 0;
      break;
    }
    case Op.Mul: v = a * b; break; // 48-bit product: exact
    default: v = a / b;
  }
  const r = Math.fround(v);
  f32[0] = r;
  const er = (i32[0] >>> 23) & 0xff;
  if (er < 1 || er > 254) return false;
  // A quotient equal to its binary32 rounding is exact only if the remainder is zero.
  const inexact = lost || r !== v || (op === Op.Div && a - r * b !== 0);
  s.xmmF32[i.reg << 2] = r;
  if (inexact) s.mxcsr |= Mx.PE;
  return true;
}
