/**
 * Rounding to an integral value: the shared rounding function, and the SSE4.1
 * ROUNDPS/ROUNDPD/ROUNDSS/ROUNDSD instructions. imm8[1:0] is the rounding mode
 * unless imm8[2] selects MXCSR.RC; imm8[3] suppresses the precision exception.
 * A signalling NaN is quieted with IE; no other exception (not even DE) is
 * reported; DAZ turns denormal sources into zeros.
 */
import type { Handler } from "../../decode/insn.js";
import { register } from "../registry.js";
import { Mx, Rc, begin, env, finish } from "./mxcsr.js";
import { Blk, Mem, W32, WF32, WF64, loadAB, storeReg } from "./xmm.js";

/** v rounded to an integral value in mode rc (ties to even for Nearest), keeping the sign of zero results. */
export function roundInt(v: number, rc: number): number {
  if (!(Math.abs(v) < 2 ** 52)) return v;
  let r: number;
  switch (rc) {
    case Rc.Down: r = Math.floor(v); break;
    case Rc.Up: r = Math.ceil(v); break;
    case Rc.Zero: r = Math.trunc(v); break;
    default: {
      const f = Math.floor(v);
      const d = v - f;
      r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
    }
  }
  return r === 0 && v < 0 ? -0 : r;
}

function round32(x: number, r: number, rc: number, quiet: boolean): void {
  const b = W32[x];
  if ((b & 0x7fffffff) > 0x7f800000) {
    if ((b & 0x400000) === 0) env.pre |= Mx.IE;
    W32[r] = b | 0x400000;
    return;
  }
  const v = (b & 0x7f800000) === 0 && env.daz ? (b < 0 ? -0 : 0) : WF32[x];
  const res = roundInt(v, rc);
  if (res !== v && !quiet) env.post |= Mx.PE;
  WF32[r] = res;
}

function round64(x: number, r: number, rc: number, quiet: boolean): void {
  const hi = W32[2 * x + 1], lo = W32[2 * x];
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0) {
    if ((hi & 0x80000) === 0) env.pre |= Mx.IE;
    W32[2 * r] = lo;
    W32[2 * r + 1] = hi | 0x80000;
    return;
  }
  const v = (hi & 0x7ff00000) === 0 && env.daz ? (hi < 0 ? -0 : 0) : WF64[x];
  const res = roundInt(v, rc);
  if (res !== v && !quiet) env.post |= Mx.PE;
  WF64[r] = res;
}

function roundHandler(mem: number, wide: boolean, lanes: number): Handler {
  return (s, i) => {
    loadAB(s, i, mem);
    W32[8] = W32[0]; W32[9] = W32[1]; W32[10] = W32[2]; W32[11] = W32[3];
    begin(s);
    const imm = i.imm;
    const rc = imm & 4 ? env.rc : imm & 3;
    const quiet = (imm & 8) !== 0;
    for (let k = 0; k < lanes; k++) {
      if (wide) round64(2 + k, 4 + k, rc, quiet);
      else round32(4 + k, 8 + k, rc, quiet);
    }
    finish(s);
    storeReg(s, i.reg, Blk.R);
  };
}

register("ROUNDPS Vx,Wx,Ib", roundHandler(Mem.Aligned, false, 4));
register("ROUNDPD Vx,Wx,Ib", roundHandler(Mem.Aligned, true, 2));
register("ROUNDSS Vx,Wx,Ib", roundHandler(Mem.D, false, 1));
register("ROUNDSD Vx,Wx,Ib", roundHandler(Mem.Q, true, 1));
