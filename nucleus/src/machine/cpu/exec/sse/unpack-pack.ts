/**
 * Interleaves (PUNPCKL/H*, UNPCKL/HPS/PD) and saturating narrowing packs
 * (PACKSSWB, PACKUSWB, PACKSSDW, PACKUSDW) on xmm and mm, and the SSE4.1
 * widening moves PMOVSX/PMOVZX (whose memory operand is only as wide as the
 * lanes they read).
 */
import { register } from "../registry.js";
import { binaryToR, sat16s, sat16u, sat8s, sat8u } from "./lanes.js";
import { Blk, Mem, W16, W32, W8, WS16, WS8, loadSrc, storeReg } from "./xmm.js";

/** Interleaves `size`-byte lanes of A and B from the low (high = false) or high half of each. */
function interleave(size: number, high: boolean): (n: number) => void {
  return (n) => {
    const half = n >> 1;
    const from = high ? half : 0;
    for (let k = 0; k < half / size; k++) {
      for (let b = 0; b < size; b++) {
        W8[32 + 2 * size * k + b] = W8[from + size * k + b];
        W8[32 + 2 * size * k + size + b] = W8[16 + from + size * k + b];
      }
    }
  };
}

const UNPACK: [string, number][] = [["BW", 1], ["WD", 2], ["DQ", 4], ["QDQ", 8]];
for (const [suffix, size] of UNPACK) {
  // The MMX forms of the low interleaves read only the 4 bytes they use from memory (mm/m32).
  binaryToR(`PUNPCKL${suffix} Vx,Wx`, interleave(size, false), Mem.Aligned, Mem.D);
  binaryToR(`PUNPCKH${suffix} Vx,Wx`, interleave(size, true));
}
binaryToR("UNPCKLPS Vps,Wps", interleave(4, false));
binaryToR("UNPCKHPS Vps,Wps", interleave(4, true));
binaryToR("UNPCKLPD Vpd,Wpd", interleave(8, false));
binaryToR("UNPCKHPD Vpd,Wpd", interleave(8, true));

/** Narrowing packs: R holds A's lanes narrowed by sat, then B's (n / wide lanes of each). */
function pack(wide: number, sat: (v: number) => number): (n: number) => void {
  return (n) => {
    const count = n / wide;
    if (wide === 2) {
      for (let k = 0; k < count; k++) { W8[32 + k] = sat(WS16[k]); W8[32 + count + k] = sat(WS16[8 + k]); }
    } else {
      for (let k = 0; k < count; k++) { W16[16 + k] = sat(W32[k]); W16[16 + count + k] = sat(W32[4 + k]); }
    }
  };
}

binaryToR("PACKSSWB Vx,Wx", pack(2, sat8s));
binaryToR("PACKUSWB Vx,Wx", pack(2, sat8u));
binaryToR("PACKSSDW Vx,Wx", pack(4, sat16s));
binaryToR("PACKUSDW Vx,Wx", pack(4, sat16u));

/** Widens the low source lanes of `from` bytes to `to` bytes (sign- or zero-extended) into R. */
function widen(from: number, to: number, signed: boolean): void {
  const n = 16 / to;
  for (let k = 0; k < n; k++) {
    let v = from === 1 ? (signed ? WS8[16 + k] : W8[16 + k]) : from === 2 ? (signed ? WS16[8 + k] : W16[8 + k]) : W32[4 + k];
    if (from === 4 && !signed) v = v >>> 0;
    if (to === 2) W16[16 + k] = v;
    else if (to === 4) W32[8 + k] = v;
    else { W32[8 + 2 * k] = v; W32[9 + 2 * k] = v < 0 ? -1 : 0; }
  }
}

const WIDEN: [string, number, number][] = [["BW", 1, 2], ["BD", 1, 4], ["BQ", 1, 8], ["WD", 2, 4], ["WQ", 2, 8], ["DQ", 4, 8]];
for (const [suffix, from, to] of WIDEN) {
  // The memory operand holds exactly the lanes read: 8, 4 or 2 bytes.
  const bytes = (16 / to) * from;
  const mem = bytes === 8 ? Mem.Q : bytes === 4 ? Mem.D : Mem.W;
  for (const signed of [true, false]) {
    register(`PMOV${signed ? "SX" : "ZX"}${suffix} Vx,Wx`, (s, i) => {
      loadSrc(s, i, mem);
      widen(from, to, signed);
      storeReg(s, i.reg, Blk.R);
    });
  }
}
