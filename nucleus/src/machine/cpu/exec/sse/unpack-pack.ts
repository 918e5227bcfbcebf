/**
 * Interleaves (PUNPCKL/H*, UNPCKL/HPS/PD), saturating narrowing packs
 * (PACKSSWB, PACKUSWB, PACKSSDW, PACKUSDW) and the SSE4.1 widening moves
 * PMOVSX/PMOVZX (whose memory operand is only as wide as the lanes they read).
 */
import { register } from "../registry.js";
import { binaryToR, sat16s, sat16u, sat8s, sat8u } from "./lanes.js";
import { Blk, Mem, W16, W32, W8, WS16, WS8, loadSrc, storeReg } from "./xmm.js";

/** Interleaves `size`-byte lanes of A and B starting at byte `from` of each (0: low half, 8: high half). */
function interleave(size: number, from: number): () => void {
  return () => {
    const n = 8 / size;
    for (let k = 0; k < n; k++) {
      for (let b = 0; b < size; b++) {
        W8[32 + 2 * size * k + b] = W8[from + size * k + b];
        W8[32 + 2 * size * k + size + b] = W8[16 + from + size * k + b];
      }
    }
  };
}

const UNPACK: [string, number][] = [["BW", 1], ["WD", 2], ["DQ", 4], ["QDQ", 8]];
for (const [suffix, size] of UNPACK) {
  binaryToR(`PUNPCKL${suffix} Vx,Wx`, interleave(size, 0));
  binaryToR(`PUNPCKH${suffix} Vx,Wx`, interleave(size, 8));
}
binaryToR("UNPCKLPS Vps,Wps", interleave(4, 0));
binaryToR("UNPCKHPS Vps,Wps", interleave(4, 8));
binaryToR("UNPCKLPD Vpd,Wpd", interleave(8, 0));
binaryToR("UNPCKHPD Vpd,Wpd", interleave(8, 8));

binaryToR("PACKSSWB Vx,Wx", () => {
  for (let k = 0; k < 8; k++) { WS8[32 + k] = sat8s(WS16[k]); WS8[40 + k] = sat8s(WS16[8 + k]); }
});
binaryToR("PACKUSWB Vx,Wx", () => {
  for (let k = 0; k < 8; k++) { W8[32 + k] = sat8u(WS16[k]); W8[40 + k] = sat8u(WS16[8 + k]); }
});
binaryToR("PACKSSDW Vx,Wx", () => {
  for (let k = 0; k < 4; k++) { WS16[16 + k] = sat16s(W32[k]); WS16[20 + k] = sat16s(W32[4 + k]); }
});
binaryToR("PACKUSDW Vx,Wx", () => {
  for (let k = 0; k < 4; k++) { W16[16 + k] = sat16u(W32[k]); W16[20 + k] = sat16u(W32[4 + k]); }
});

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
