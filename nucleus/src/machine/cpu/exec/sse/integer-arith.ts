/**
 * Lane-wise integer SIMD arithmetic (SSE2, SSSE3, SSE4.1): wrapping and
 * saturating add/subtract, min/max, average, absolute value, sign, and the
 * lane multiplies, on xmm and (for the forms that have one) mm operands. Every
 * lane is independent, so results go straight into A.
 */
import { mulHiS32, mulHiU32 } from "../wide.js";
import { binary, binaryToR, sat16s, sat16u, sat8s, sat8u } from "./lanes.js";
import { W16, W32, W8, WS16, WS8, WU32 } from "./xmm.js";

// ---- add / subtract ---------------------------------------------------------------------

binary("PADDB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = W8[k] + W8[16 + k]; });
binary("PADDW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = W16[k] + W16[8 + k]; });
binary("PADDD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) W32[k] = W32[k] + W32[4 + k]; });
binary("PSUBB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = W8[k] - W8[16 + k]; });
binary("PSUBW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = W16[k] - W16[8 + k]; });
binary("PSUBD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) W32[k] = W32[k] - W32[4 + k]; });

binary("PADDQ Vx,Wx", (n) => {
  for (let k = 0; k < n >> 2; k += 2) {
    const t = (W32[k] >>> 0) + (W32[4 + k] >>> 0);
    W32[k + 1] = W32[k + 1] + W32[5 + k] + (t > 0xffffffff ? 1 : 0);
    W32[k] = t;
  }
});

binary("PSUBQ Vx,Wx", (n) => {
  for (let k = 0; k < n >> 2; k += 2) {
    const t = (W32[k] >>> 0) - (W32[4 + k] >>> 0);
    W32[k + 1] = W32[k + 1] - W32[5 + k] - (t < 0 ? 1 : 0);
    W32[k] = t;
  }
});

binary("PADDSB Vx,Wx", (n) => { for (let k = 0; k < n; k++) WS8[k] = sat8s(WS8[k] + WS8[16 + k]); });
binary("PADDSW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) WS16[k] = sat16s(WS16[k] + WS16[8 + k]); });
binary("PADDUSB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = sat8u(W8[k] + W8[16 + k]); });
binary("PADDUSW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = sat16u(W16[k] + W16[8 + k]); });
binary("PSUBSB Vx,Wx", (n) => { for (let k = 0; k < n; k++) WS8[k] = sat8s(WS8[k] - WS8[16 + k]); });
binary("PSUBSW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) WS16[k] = sat16s(WS16[k] - WS16[8 + k]); });
binary("PSUBUSB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = sat8u(W8[k] - W8[16 + k]); });
binary("PSUBUSW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = sat16u(W16[k] - W16[8 + k]); });

// ---- min / max / average -------------------------------------------------------------------

binary("PMINUB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = Math.min(W8[k], W8[16 + k]); });
binary("PMAXUB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = Math.max(W8[k], W8[16 + k]); });
binary("PMINSB Vx,Wx", (n) => { for (let k = 0; k < n; k++) WS8[k] = Math.min(WS8[k], WS8[16 + k]); });
binary("PMAXSB Vx,Wx", (n) => { for (let k = 0; k < n; k++) WS8[k] = Math.max(WS8[k], WS8[16 + k]); });
binary("PMINUW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = Math.min(W16[k], W16[8 + k]); });
binary("PMAXUW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = Math.max(W16[k], W16[8 + k]); });
binary("PMINSW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) WS16[k] = Math.min(WS16[k], WS16[8 + k]); });
binary("PMAXSW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) WS16[k] = Math.max(WS16[k], WS16[8 + k]); });
binary("PMINSD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) W32[k] = Math.min(W32[k], W32[4 + k]); });
binary("PMAXSD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) W32[k] = Math.max(W32[k], W32[4 + k]); });
binary("PMINUD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) WU32[k] = Math.min(WU32[k], WU32[4 + k]); });
binary("PMAXUD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) WU32[k] = Math.max(WU32[k], WU32[4 + k]); });

binary("PAVGB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = (W8[k] + W8[16 + k] + 1) >> 1; });
binary("PAVGW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = (W16[k] + W16[8 + k] + 1) >> 1; });

// ---- absolute value and sign (SSSE3) --------------------------------------------------------

binary("PABSB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = Math.abs(WS8[16 + k]); });
binary("PABSW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = Math.abs(WS16[8 + k]); });
binary("PABSD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) W32[k] = Math.abs(W32[4 + k]); });

binary("PSIGNB Vx,Wx", (n) => {
  for (let k = 0; k < n; k++) { const b = WS8[16 + k]; WS8[k] = b < 0 ? -WS8[k] : b === 0 ? 0 : WS8[k]; }
});
binary("PSIGNW Vx,Wx", (n) => {
  for (let k = 0; k < n >> 1; k++) { const b = WS16[8 + k]; WS16[k] = b < 0 ? -WS16[k] : b === 0 ? 0 : WS16[k]; }
});
binary("PSIGND Vx,Wx", (n) => {
  for (let k = 0; k < n >> 2; k++) { const b = W32[4 + k]; W32[k] = b < 0 ? -W32[k] : b === 0 ? 0 : W32[k]; }
});

// ---- multiplies ----------------------------------------------------------------------------------

binary("PMULLW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = Math.imul(W16[k], W16[8 + k]); });
binary("PMULHW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = (WS16[k] * WS16[8 + k]) >> 16; });
binary("PMULHUW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = (W16[k] * W16[8 + k]) >>> 16; });
binary("PMULHRSW Vx,Wx", (n) => {
  for (let k = 0; k < n >> 1; k++) W16[k] = (((WS16[k] * WS16[8 + k]) >> 14) + 1) >> 1;
});
binary("PMULLD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) W32[k] = Math.imul(W32[k], W32[4 + k]); });

/** Even 32-bit lanes multiplied into full 64-bit products (the odd lanes are ignored). */
binaryToR("PMULUDQ Vx,Wx", (n) => {
  for (let k = 0; k < n >> 2; k += 2) {
    W32[8 + k] = Math.imul(W32[k], W32[4 + k]);
    W32[9 + k] = mulHiU32(W32[k], W32[4 + k]);
  }
});
binaryToR("PMULDQ Vx,Wx", (n) => {
  for (let k = 0; k < n >> 2; k += 2) {
    W32[8 + k] = Math.imul(W32[k], W32[4 + k]);
    W32[9 + k] = mulHiS32(W32[k], W32[4 + k]);
  }
});
