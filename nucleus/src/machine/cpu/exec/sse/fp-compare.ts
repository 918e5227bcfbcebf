/**
 * Floating-point compares: CMPPS/CMPPD/CMPSS/CMPSD with the eight SSE
 * predicates (imm8[2:0]: EQ LT LE UNORD NEQ NLT NLE ORD, all-ones/all-zeros
 * lanes) and COMISS/COMISD/UCOMISS/UCOMISD (ZF PF CF; OF SF AF cleared).
 *
 * A NaN operand makes the compare unordered and reports IE when it is
 * signalling, or for any NaN when the predicate is a signalling one (LT LE NLT
 * NLE, and COMIS). Otherwise denormal operands report DE unless DAZ is set.
 */
import type { Handler } from "../../decode/insn.js";
import { writeFlagBits } from "../../flags.js";
import { Rflag } from "../../state.js";
import { register } from "../registry.js";
import { Mx, begin, env, finish } from "./mxcsr.js";
import { Blk, Mem, W32, WF32, WF64, loadAB, storeReg } from "./xmm.js";

/** Predicates (by imm8[2:0]) that signal IE on a quiet NaN. */
const SIGNALLING = 0b01100110;

/** -1 less, 0 equal, 1 greater (2 stands for unordered below). */
function order(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function flush(v: number): number {
  return v < 0 ? -0 : 0;
}

/** Compares binary32 lanes x and y; signalling: report IE for quiet NaNs too. */
function cmp32(x: number, y: number, signalling: boolean): number {
  const ab = W32[x], bb = W32[y];
  const an = (ab & 0x7fffffff) > 0x7f800000, bn = (bb & 0x7fffffff) > 0x7f800000;
  if (an || bn) {
    if (signalling || (an && (ab & 0x400000) === 0) || (bn && (bb & 0x400000) === 0)) env.pre |= Mx.IE;
    return 2;
  }
  let a = WF32[x], b = WF32[y];
  if ((ab & 0x7f800000) === 0 && a !== 0) { if (env.daz) a = flush(a); else env.pre |= Mx.DE; }
  if ((bb & 0x7f800000) === 0 && b !== 0) { if (env.daz) b = flush(b); else env.pre |= Mx.DE; }
  return order(a, b);
}

function cmp64(x: number, y: number, signalling: boolean): number {
  const ah = W32[2 * x + 1], al = W32[2 * x], bh = W32[2 * y + 1], bl = W32[2 * y];
  const an = (ah & 0x7ff00000) === 0x7ff00000 && ((ah & 0xfffff) | al) !== 0;
  const bn = (bh & 0x7ff00000) === 0x7ff00000 && ((bh & 0xfffff) | bl) !== 0;
  if (an || bn) {
    if (signalling || (an && (ah & 0x80000) === 0) || (bn && (bh & 0x80000) === 0)) env.pre |= Mx.IE;
    return 2;
  }
  let a = WF64[x], b = WF64[y];
  if ((ah & 0x7ff00000) === 0 && a !== 0) { if (env.daz) a = flush(a); else env.pre |= Mx.DE; }
  if ((bh & 0x7ff00000) === 0 && b !== 0) { if (env.daz) b = flush(b); else env.pre |= Mx.DE; }
  return order(a, b);
}

/** Does an order (-1, 0, 1, 2 unordered) satisfy predicate p? */
function holds(p: number, o: number): boolean {
  switch (p) {
    case 0: return o === 0;
    case 1: return o === -1;
    case 2: return o === -1 || o === 0;
    case 3: return o === 2;
    case 4: return o !== 0;
    case 5: return o !== -1;
    case 6: return o === 1 || o === 2;
    default: return o !== 2;
  }
}

function cmpHandler(lanes: number, wide: boolean, mem: number): Handler {
  return (s, i) => {
    loadAB(s, i, mem);
    W32[8] = W32[0]; W32[9] = W32[1]; W32[10] = W32[2]; W32[11] = W32[3];
    const p = i.imm & 7;
    const sig = ((SIGNALLING >> p) & 1) !== 0;
    begin(s);
    for (let k = 0; k < lanes; k++) {
      if (wide) {
        const m = holds(p, cmp64(k, 2 + k, sig)) ? -1 : 0;
        W32[8 + 2 * k] = m; W32[9 + 2 * k] = m;
      } else {
        W32[8 + k] = holds(p, cmp32(k, 4 + k, sig)) ? -1 : 0;
      }
    }
    finish(s);
    storeReg(s, i.reg, Blk.R);
  };
}

register("CMPPS Vps,Wps,Ib", cmpHandler(4, false, Mem.Aligned));
register("CMPPD Vpd,Wpd,Ib", cmpHandler(2, true, Mem.Aligned));
register("CMPSS Vss,Wss,Ib", cmpHandler(1, false, Mem.D));
register("CMPSD Vsd,Wsd,Ib", cmpHandler(1, true, Mem.Q));

/** COMIS/UCOMIS: unordered ZF PF CF = 111, less CF, equal ZF, greater none. */
function comis(wide: boolean, signalling: boolean): Handler {
  return (s, i) => {
    loadAB(s, i, wide ? Mem.Q : Mem.D);
    begin(s);
    const o = wide ? cmp64(0, 2, signalling) : cmp32(0, 4, signalling);
    finish(s);
    const f = o === 2 ? Rflag.ZF | Rflag.PF | Rflag.CF : o === -1 ? Rflag.CF : o === 0 ? Rflag.ZF : 0;
    writeFlagBits(s, Rflag.Arith, f);
  };
}

register("COMISS Vss,Wss", comis(false, true));
register("UCOMISS Vss,Wss", comis(false, false));
register("COMISD Vsd,Wsd", comis(true, true));
register("UCOMISD Vsd,Wsd", comis(true, false));
