/**
 * Integer SIMD operations that combine neighbouring lanes: horizontal add and
 * subtract (SSSE3), multiply-add (PMADDWD, PMADDUBSW), sums of absolute
 * differences (PSADBW, MPSADBW) and PHMINPOSUW, on xmm and (where the form
 * exists) mm operands. Results go to R because each output lane reads several
 * input lanes.
 */
import { binaryImm, binaryToR, sat16s } from "./lanes.js";
import { W16, W32, W8, WS16, WS8 } from "./xmm.js";

/** R words: the pairs of A's words, then those of B's, combined by f. */
function pairs16(f: (a: number, b: number) => number): (n: number) => void {
  return (n) => {
    const half = n >> 2;
    for (let k = 0; k < half; k++) {
      W16[16 + k] = f(WS16[2 * k], WS16[2 * k + 1]);
      W16[16 + half + k] = f(WS16[8 + 2 * k], WS16[9 + 2 * k]);
    }
  };
}

function pairs32(f: (a: number, b: number) => number): (n: number) => void {
  return (n) => {
    const half = n >> 3;
    for (let k = 0; k < half; k++) {
      W32[8 + k] = f(W32[2 * k], W32[2 * k + 1]);
      W32[8 + half + k] = f(W32[4 + 2 * k], W32[5 + 2 * k]);
    }
  };
}

binaryToR("PHADDW Vx,Wx", pairs16((a, b) => a + b));
binaryToR("PHSUBW Vx,Wx", pairs16((a, b) => a - b));
binaryToR("PHADDSW Vx,Wx", pairs16((a, b) => sat16s(a + b)));
binaryToR("PHSUBSW Vx,Wx", pairs16((a, b) => sat16s(a - b)));
binaryToR("PHADDD Vx,Wx", pairs32((a, b) => a + b));
binaryToR("PHSUBD Vx,Wx", pairs32((a, b) => a - b));

binaryToR("PMADDWD Vx,Wx", (n) => {
  for (let k = 0; k < n >> 2; k++) {
    W32[8 + k] = WS16[2 * k] * WS16[8 + 2 * k] + WS16[2 * k + 1] * WS16[9 + 2 * k];
  }
});

/** Unsigned bytes of the destination times signed bytes of the source, pairs summed with signed saturation. */
binaryToR("PMADDUBSW Vx,Wx", (n) => {
  for (let k = 0; k < n >> 1; k++) {
    WS16[16 + k] = sat16s(W8[2 * k] * WS8[16 + 2 * k] + W8[2 * k + 1] * WS8[17 + 2 * k]);
  }
});

binaryToR("PSADBW Vx,Wx", (n) => {
  for (let h = 0; h < n >> 3; h++) {
    let sum = 0;
    for (let k = 0; k < 8; k++) sum += Math.abs(W8[8 * h + k] - W8[16 + 8 * h + k]);
    W32[8 + 2 * h] = sum;
    W32[9 + 2 * h] = 0;
  }
});

/**
 * MPSADBW: eight sums of absolute differences between a sliding 4-byte window of
 * the destination (from byte 4*imm[2]) and a fixed 4-byte block of the source
 * (bytes 4*imm[1:0]).
 */
binaryImm("MPSADBW Vx,Wx,Ib", (_, imm) => {
  const a = (imm & 4) !== 0 ? 4 : 0;
  const b = 16 + 4 * (imm & 3);
  for (let k = 0; k < 8; k++) {
    let sum = 0;
    for (let j = 0; j < 4; j++) sum += Math.abs(W8[a + k + j] - W8[b + j]);
    W16[16 + k] = sum;
  }
});

/** The smallest unsigned word of the source and its (lowest) index; the other lanes are zeroed. */
binaryToR("PHMINPOSUW Vx,Wx", () => {
  let min = W16[8], at = 0;
  for (let k = 1; k < 8; k++) if (W16[8 + k] < min) { min = W16[8 + k]; at = k; }
  W32[8] = min | (at << 16);
  W32[9] = 0; W32[10] = 0; W32[11] = 0;
});
