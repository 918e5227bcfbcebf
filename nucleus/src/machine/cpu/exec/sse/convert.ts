/**
 * Conversions between binary32, binary64 and 32/64-bit integers (SSE, SSE2),
 * including the packed int32 forms with an mm operand.
 * Integer results that are NaN or out of range become the integer indefinite
 * value (the most negative integer) with IE; inexact results report PE;
 * rounding follows MXCSR.RC except for the truncating CVTT forms. DAZ applies
 * to every floating-point source; only float-to-float conversions report DE.
 */
import type { Handler, Insn } from "../../decode/insn.js";
import type { CpuState } from "../../state.js";
import { hi64, readE, readE64 } from "../operands.js";
import { register, registerSelector } from "../registry.js";
import { Mx, begin, env, finish } from "./mxcsr.js";
import { roundInt } from "./round-int.js";
import { sumErrorSign, toF32, toF64 } from "./rounding.js";
import { enterMmx, loadMmSrc, mmxCheck, storeMm } from "./mm.js";
import { Blk, Mem, W32, WF32, WF64, loadAB, loadReg, loadSrc, storeReg } from "./xmm.js";

const TWO32 = 4294967296;

// ---- lanes ------------------------------------------------------------------------------------

/** Integer result halves of the last toInt. */
let outLo = 0, outHi = 0;

/** Converts a (DAZ-applied, non-NaN) value to a 32- or 64-bit integer into outLo/outHi. */
function toInt(v: number, truncate: boolean, wide: boolean): void {
  const r = truncate ? Math.trunc(v) : roundInt(v, env.rc);
  if (wide ? !(r >= -(2 ** 63) && r < 2 ** 63) : !(r >= -(2 ** 31) && r <= 2 ** 31 - 1)) return indefinite(wide);
  if (r !== v) env.post |= Mx.PE;
  const hi = Math.floor(r / TWO32);
  outHi = hi | 0;
  outLo = (r - hi * TWO32) | 0;
}

function indefinite(wide: boolean): void {
  env.pre |= Mx.IE;
  outLo = wide ? 0 : 0x80000000 | 0;
  outHi = wide ? 0x80000000 | 0 : 0;
}

/** binary32 lane x to an integer. */
function f32ToInt(x: number, truncate: boolean, wide: boolean): void {
  const b = W32[x];
  if ((b & 0x7fffffff) > 0x7f800000) return indefinite(wide);
  const v = (b & 0x7f800000) === 0 && env.daz ? 0 : WF32[x];
  toInt(v, truncate, wide);
}

/** binary64 lane x to an integer. */
function f64ToInt(x: number, truncate: boolean, wide: boolean): void {
  const hi = W32[2 * x + 1];
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | W32[2 * x]) !== 0) return indefinite(wide);
  const v = (hi & 0x7ff00000) === 0 && env.daz ? 0 : WF64[x];
  toInt(v, truncate, wide);
}

/** binary32 lane x to binary64 lane r (exact; SNaN quieted with IE, DE for denormals). */
function f32ToF64(x: number, r: number): void {
  const b = W32[x];
  if ((b & 0x7fffffff) > 0x7f800000) {
    if ((b & 0x400000) === 0) env.pre |= Mx.IE;
    W32[2 * r + 1] = (b & (0x80000000 | 0)) | 0x7ff80000 | ((b & 0x3fffff) >>> 3);
    W32[2 * r] = b << 29;
    return;
  }
  if ((b & 0x7f800000) === 0 && (b & 0x7fffff) !== 0) {
    if (env.daz) { WF64[r] = b < 0 ? -0 : 0; return; }
    env.pre |= Mx.DE;
  }
  WF64[r] = WF32[x];
}

/** binary64 lane x to binary32 lane r (rounded; NaN payload truncated and quieted). */
function f64ToF32(x: number, r: number): void {
  const hi = W32[2 * x + 1], lo = W32[2 * x];
  const e = hi & 0x7ff00000;
  if (e === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0) {
    if ((hi & 0x80000) === 0) env.pre |= Mx.IE;
    W32[r] = (hi & (0x80000000 | 0)) | 0x7fc00000 | ((hi & 0xfffff) << 3) | (lo >>> 29);
    return;
  }
  let v = WF64[x];
  if (e === 0 && v !== 0) {
    if (env.daz) v = hi < 0 ? -0 : 0;
    else env.pre |= Mx.DE;
  }
  WF32[r] = v === 0 || e === 0x7ff00000 ? v : toF32(v, 0);
}

/** A 32-bit integer to binary32 (rounded). */
function i32ToF32(v: number): number {
  return v === 0 ? 0 : toF32(v, 0);
}

// ---- scalar: integer <-> float ------------------------------------------------------------------

/** The integer source of CVTSI2SS/SD as an exact value s plus the sign of the rest (64-bit sources). */
let intRest = 0;
function intSource(s: CpuState, i: Insn): number {
  if (i.osz !== 8) { intRest = 0; return readE(s, i, 4); }
  const lo = readE64(s, i);
  const big = hi64 * TWO32, small = lo >>> 0;
  const v = big + small;
  intRest = sumErrorSign(big, small, v);
  return v;
}

register("CVTSI2SS Vss,Ey", (s, i) => {
  const v = intSource(s, i);
  begin(s);
  const r = v === 0 ? 0 : toF32(v, intRest);
  finish(s);
  s.xmmF32[i.reg << 2] = r;
});

register("CVTSI2SD Vsd,Ey", (s, i) => {
  const v = intSource(s, i);
  begin(s);
  const r = toF64(v, intRest);
  finish(s);
  s.xmmF64[i.reg << 1] = r;
});

/** CVT(T)SS2SI / CVT(T)SD2SI: the integer goes to a 32-bit (zero-extended) or 64-bit register. */
function toGpr(double: boolean, truncate: boolean): (insn: Insn) => Handler {
  return (insn) => {
    const wide = insn.osz === 8;
    return (s, i) => {
      loadSrc(s, i, double ? Mem.Q : Mem.D);
      begin(s);
      if (double) f64ToInt(2, truncate, wide); else f32ToInt(4, truncate, wide);
      finish(s);
      s.lo[i.reg] = outLo;
      s.hi[i.reg] = wide ? outHi : 0;
    };
  };
}

registerSelector("CVTSS2SI Gy,Wss", toGpr(false, false));
registerSelector("CVTTSS2SI Gy,Wss", toGpr(false, true));
registerSelector("CVTSD2SI Gy,Wsd", toGpr(true, false));
registerSelector("CVTTSD2SI Gy,Wsd", toGpr(true, true));

// ---- float <-> float and packed ---------------------------------------------------------------

/** Loads the operands, runs the lanes into R (a copy of A), commits flags, writes R. */
function convert(mem: number, lanes: () => void): Handler {
  return (s, i) => {
    loadAB(s, i, mem);
    W32[8] = W32[0]; W32[9] = W32[1]; W32[10] = W32[2]; W32[11] = W32[3];
    begin(s);
    lanes();
    finish(s);
    storeReg(s, i.reg, Blk.R);
  };
}

register("CVTSS2SD Vsd,Wss", convert(Mem.D, () => f32ToF64(4, 4)));
register("CVTSD2SS Vss,Wsd", convert(Mem.Q, () => f64ToF32(2, 8)));
register("CVTPS2PD Vpd,Wps", convert(Mem.Q, () => { f32ToF64(4, 4); f32ToF64(5, 5); }));
register("CVTPD2PS Vps,Wpd", convert(Mem.Aligned, () => {
  f64ToF32(2, 8); f64ToF32(3, 9);
  W32[10] = 0; W32[11] = 0;
}));

register("CVTDQ2PS Vps,Wdq", convert(Mem.Aligned, () => { for (let k = 0; k < 4; k++) WF32[8 + k] = i32ToF32(W32[4 + k]); }));
register("CVTDQ2PD Vx,Wq", convert(Mem.Q, () => { WF64[4] = W32[4]; WF64[5] = W32[5]; }));

for (const truncate of [false, true]) {
  const t = truncate ? "T" : "";
  register(`CVT${t}PS2DQ Vdq,Wps`, convert(Mem.Aligned, () => {
    for (let k = 0; k < 4; k++) { f32ToInt(4 + k, truncate, false); W32[8 + k] = outLo; }
  }));
  register(`CVT${t}PD2DQ Vx,Wpd`, convert(Mem.Aligned, () => {
    for (let k = 0; k < 2; k++) { f64ToInt(2 + k, truncate, false); W32[8 + k] = outLo; }
    W32[10] = 0; W32[11] = 0;
  }));
}

// ---- MMX operands: packed int32 <-> float -----------------------------------------------------

/**
 * CVTPI2PS / CVTPI2PD: two int32 (mm or m64) into the low floats / both doubles of
 * an xmm register (CVTPI2PS keeps the high half). Only an mm source makes it an
 * MMX instruction (the #MF check and the x87 -> MMX transition, made before any
 * #XM, as on the host); from memory it is plain SSE.
 */
function fromPackedInt(lanes: () => void): (insn: Insn) => Handler {
  const run: Handler = (s, i) => {
    loadReg(s, i.reg, Blk.R);
    loadMmSrc(s, i, Mem.Q);
    begin(s);
    lanes();
    finish(s);
    storeReg(s, i.reg, Blk.R);
  };
  const fromMm: Handler = (s, i) => {
    mmxCheck(s);
    enterMmx(s);
    run(s, i);
  };
  return (insn) => (insn.rm >= 0 ? fromMm : run);
}

registerSelector("CVTPI2PS Vps,Qpi", fromPackedInt(() => { WF32[8] = i32ToF32(W32[4]); WF32[9] = i32ToF32(W32[5]); }));
registerSelector("CVTPI2PD Vpd,Qpi", fromPackedInt(() => { WF64[4] = W32[4]; WF64[5] = W32[5]; }));

/**
 * CVT(T)PS2PI / CVT(T)PD2PI: the two low floats (xmm or m64) / two doubles (xmm
 * or m128) to int32 in an mm register. The transition comes after the source is
 * read and before any #XM.
 */
function toPackedInt(double: boolean, truncate: boolean): Handler {
  return (s, i) => {
    mmxCheck(s);
    loadSrc(s, i, double ? Mem.Aligned : Mem.Q);
    enterMmx(s);
    begin(s);
    for (let k = 0; k < 2; k++) {
      if (double) f64ToInt(2 + k, truncate, false); else f32ToInt(4 + k, truncate, false);
      W32[8 + k] = outLo;
    }
    finish(s);
    storeMm(s, i.reg & 7, Blk.R);
  };
}

for (const truncate of [false, true]) {
  const t = truncate ? "T" : "";
  register(`CVT${t}PS2PI Ppi,Wps`, toPackedInt(false, truncate));
  register(`CVT${t}PD2PI Ppi,Wpd`, toPackedInt(true, truncate));
}
