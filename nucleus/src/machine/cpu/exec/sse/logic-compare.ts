/**
 * Bitwise logic on whole registers (the integer PAND family and the FP
 * ANDPS/ANDNPS/ORPS/XORPS family are the same operation), integer lane compares
 * producing all-ones/all-zeros masks (xmm and mm), and PTEST.
 */
import { writeFlagBits } from "../../flags.js";
import { Rflag } from "../../state.js";
import { register } from "../registry.js";
import { binary } from "./lanes.js";
import { Mem, W16, W32, W8, WS16, WS8, loadAB } from "./xmm.js";

const and = (n: number) => { for (let k = 0; k < n >> 2; k++) W32[k] &= W32[4 + k]; };
const andn = (n: number) => { for (let k = 0; k < n >> 2; k++) W32[k] = ~W32[k] & W32[4 + k]; };
const or = (n: number) => { for (let k = 0; k < n >> 2; k++) W32[k] |= W32[4 + k]; };
const xor = (n: number) => { for (let k = 0; k < n >> 2; k++) W32[k] ^= W32[4 + k]; };

for (const k of ["PAND Vx,Wx", "ANDPS Vps,Wps", "ANDPD Vpd,Wpd"]) binary(k, and);
for (const k of ["PANDN Vx,Wx", "ANDNPS Vps,Wps", "ANDNPD Vpd,Wpd"]) binary(k, andn);
for (const k of ["POR Vx,Wx", "ORPS Vps,Wps", "ORPD Vpd,Wpd"]) binary(k, or);
for (const k of ["PXOR Vx,Wx", "XORPS Vps,Wps", "XORPD Vpd,Wpd"]) binary(k, xor);

binary("PCMPEQB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = W8[k] === W8[16 + k] ? 0xff : 0; });
binary("PCMPEQW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = W16[k] === W16[8 + k] ? 0xffff : 0; });
binary("PCMPEQD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) W32[k] = W32[k] === W32[4 + k] ? -1 : 0; });
binary("PCMPEQQ Vx,Wx", (n) => {
  for (let k = 0; k < n >> 2; k += 2) {
    const eq = W32[k] === W32[4 + k] && W32[k + 1] === W32[5 + k] ? -1 : 0;
    W32[k] = eq; W32[k + 1] = eq;
  }
});

binary("PCMPGTB Vx,Wx", (n) => { for (let k = 0; k < n; k++) W8[k] = WS8[k] > WS8[16 + k] ? 0xff : 0; });
binary("PCMPGTW Vx,Wx", (n) => { for (let k = 0; k < n >> 1; k++) W16[k] = WS16[k] > WS16[8 + k] ? 0xffff : 0; });
binary("PCMPGTD Vx,Wx", (n) => { for (let k = 0; k < n >> 2; k++) W32[k] = W32[k] > W32[4 + k] ? -1 : 0; });
binary("PCMPGTQ Vx,Wx", (n) => {
  for (let k = 0; k < n >> 2; k += 2) {
    const ah = W32[k + 1], bh = W32[5 + k];
    const gt = ah > bh || (ah === bh && W32[k] >>> 0 > W32[4 + k] >>> 0) ? -1 : 0;
    W32[k] = gt; W32[k + 1] = gt;
  }
});

/** PTEST: ZF = (dest AND src) == 0, CF = (NOT dest AND src) == 0; AF OF PF SF cleared. */
register("PTEST Vx,Wx", (s, i) => {
  loadAB(s, i, Mem.Aligned);
  let and = 0, andn = 0;
  for (let k = 0; k < 4; k++) {
    and |= W32[k] & W32[4 + k];
    andn |= ~W32[k] & W32[4 + k];
  }
  writeFlagBits(s, Rflag.Arith, (and === 0 ? Rflag.ZF : 0) | (andn === 0 ? Rflag.CF : 0));
});
