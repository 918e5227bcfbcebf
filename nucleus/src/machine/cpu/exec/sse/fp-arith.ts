/**
 * SSE/SSE2/SSE3/SSE4.1 floating-point arithmetic instructions: packed and scalar
 * add, sub, mul, div, sqrt, min, max; the SSE3 horizontal and alternating
 * forms; DPPS/DPPD. Each runs its lanes (fp-lanes.ts) into block R under one
 * MXCSR environment, then commits the flags or raises #XM before writing.
 */
import type { Handler, Insn } from "../../decode/insn.js";
import type { CpuState } from "../../state.js";
import { register } from "../registry.js";
import { Op, arith32, arith64, minMax32, minMax64, sqrt32, sqrt64 } from "./fp-lanes.js";
import { fastScalar32, fastScalar64 } from "./fast-scalar.js";
import { begin, finish } from "./mxcsr.js";
import { Blk, Mem, W32, loadAB, storeReg } from "./xmm.js";

/** Runs `lanes` between loading the operands and writing R (R starts as a copy of A, for scalar forms). */
function fpHandler(mem: number, lanes: (imm: number, s: CpuState) => void): Handler {
  return (s: CpuState, i: Insn) => {
    loadAB(s, i, mem);
    W32[8] = W32[0]; W32[9] = W32[1]; W32[10] = W32[2]; W32[11] = W32[3];
    begin(s);
    lanes(i.imm & 0xff, s);
    finish(s);
    storeReg(s, i.reg, Blk.R);
  };
}

const ARITH: [string, number][] = [["ADD", Op.Add], ["SUB", Op.Sub], ["MUL", Op.Mul], ["DIV", Op.Div]];
for (const [name, op] of ARITH) {
  register(`${name}PS Vps,Wps`, fpHandler(Mem.Aligned, () => { for (let k = 0; k < 4; k++) arith32(op, k, 4 + k, 8 + k); }));
  register(`${name}PD Vpd,Wpd`, fpHandler(Mem.Aligned, () => { for (let k = 0; k < 2; k++) arith64(op, k, 2 + k, 4 + k); }));
  const ss = fpHandler(Mem.D, () => arith32(op, 0, 4, 8));
  const sd = fpHandler(Mem.Q, () => arith64(op, 0, 2, 4));
  register(`${name}SS Vss,Wss`, (s, i) => { if (!fastScalar32(s, i, op)) ss(s, i); });
  register(`${name}SD Vsd,Wsd`, (s, i) => { if (!fastScalar64(s, i, op)) sd(s, i); });
}

register("SQRTPS Vps,Wps", fpHandler(Mem.Aligned, () => { for (let k = 0; k < 4; k++) sqrt32(4 + k, 8 + k); }));
register("SQRTPD Vpd,Wpd", fpHandler(Mem.Aligned, () => { for (let k = 0; k < 2; k++) sqrt64(2 + k, 4 + k); }));
register("SQRTSS Vss,Wss", fpHandler(Mem.D, () => sqrt32(4, 8)));
register("SQRTSD Vsd,Wsd", fpHandler(Mem.Q, () => sqrt64(2, 4)));

for (const max of [false, true]) {
  const name = max ? "MAX" : "MIN";
  register(`${name}PS Vps,Wps`, fpHandler(Mem.Aligned, () => { for (let k = 0; k < 4; k++) minMax32(max, k, 4 + k, 8 + k); }));
  register(`${name}PD Vpd,Wpd`, fpHandler(Mem.Aligned, () => { for (let k = 0; k < 2; k++) minMax64(max, k, 2 + k, 4 + k); }));
  register(`${name}SS Vss,Wss`, fpHandler(Mem.D, () => minMax32(max, 0, 4, 8)));
  register(`${name}SD Vsd,Wsd`, fpHandler(Mem.Q, () => minMax64(max, 0, 2, 4)));
}

// ---- SSE3 ----------------------------------------------------------------------------------------

/** HADD/HSUB: adjacent lanes of the destination, then of the source (first lane first). */
for (const [name, op] of [["HADD", Op.Add], ["HSUB", Op.Sub]] as const) {
  register(`${name}PS Vps,Wps`, fpHandler(Mem.Aligned, () => {
    arith32(op, 0, 1, 8); arith32(op, 2, 3, 9); arith32(op, 4, 5, 10); arith32(op, 6, 7, 11);
  }));
  register(`${name}PD Vpd,Wpd`, fpHandler(Mem.Aligned, () => { arith64(op, 0, 1, 4); arith64(op, 2, 3, 5); }));
}

/** ADDSUB: even lanes subtract, odd lanes add. */
register("ADDSUBPS Vps,Wps", fpHandler(Mem.Aligned, () => {
  for (let k = 0; k < 4; k++) arith32(k & 1 ? Op.Add : Op.Sub, k, 4 + k, 8 + k);
}));
register("ADDSUBPD Vpd,Wpd", fpHandler(Mem.Aligned, () => { arith64(Op.Sub, 0, 2, 4); arith64(Op.Add, 1, 3, 5); }));

// ---- SSE4.1 dot products ---------------------------------------------------------------------------

/**
 * DPPS: products of the lanes selected by imm[7:4] (others +0.0), summed, the sum
 * written to the lanes selected by imm[3:0] (others +0.0). As on the host, this
 * runs as three steps that each behave like a separate SSE operation (own DAZ
 * and DE on intermediate results, own #XM check: an unmasked exception in the
 * products stops before the sums), and every lane sums in its own order,
 * (t[k^1] + t[k]) + (the other pair's sum), which shows in the NaN it returns.
 */
register("DPPS Vx,Wx,Ib", fpHandler(Mem.Aligned, (imm, s) => {
  for (let k = 0; k < 4; k++) {
    if (imm & (16 << k)) arith32(Op.Mul, k, 4 + k, 12 + k);
    else W32[12 + k] = 0;
  }
  step(s);
  for (let k = 0; k < 4; k++) arith32(Op.Add, 12 + (k ^ 1), 12 + k, 8 + k);
  step(s);
  for (let k = 0; k < 4; k++) arith32(Op.Add, 8 + k, 8 + (k ^ 2), 12 + k);
  for (let k = 0; k < 4; k++) W32[8 + k] = imm & (1 << k) ? W32[12 + k] : 0;
}));

/** DPPD: the same in two steps; here each lane adds its own product first. */
register("DPPD Vx,Wx,Ib", fpHandler(Mem.Aligned, (imm, s) => {
  for (let k = 0; k < 2; k++) {
    if (imm & (16 << k)) arith64(Op.Mul, k, 2 + k, 6 + k);
    else { W32[12 + 2 * k] = 0; W32[13 + 2 * k] = 0; }
  }
  step(s);
  arith64(Op.Add, 6, 7, 4);
  arith64(Op.Add, 7, 6, 5);
  for (let k = 0; k < 2; k++) {
    if ((imm & (1 << k)) === 0) { W32[8 + 2 * k] = 0; W32[9 + 2 * k] = 0; }
  }
}));

/** Ends one step of a multi-step instruction: its flags are committed (or #XM raised). */
function step(s: CpuState): void {
  finish(s);
  begin(s);
}
