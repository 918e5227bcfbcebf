/**
 * RCPPS/RCPSS and RSQRTPS/RSQRTSS. The SDM only bounds their relative error
 * (1.5 * 2^-12); these are Intel's actual approximations, found by fitting the
 * host CPU and then checked against it for every one of the 2^32 inputs:
 *   rcp:   the reciprocal of the midpoint of the input's 2^-11-wide mantissa
 *          interval (the top 11 fraction bits), rounded to a multiple of 2^-13
 *          in [0.5, 1], scaled by the exponent; results below the smallest
 *          normal are flushed to zero;
 *   rsqrt: the same with 1/sqrt over the top 10 fraction bits of an input
 *          normalised to [1, 4) (the exponent's parity picks the half).
 * Zeros and denormals give a signed infinity, infinities a signed zero (rsqrt:
 * NaN for -inf), negative rsqrt inputs the default NaN, NaNs are quieted. MXCSR
 * plays no part and no exception is reported.
 */
import { register } from "../registry.js";
import { Blk, Mem, W32, WF32, loadAB, storeReg } from "./xmm.js";
import type { Handler } from "../../decode/insn.js";

const NAN32 = 0xffc00000 | 0;

function rcp(x: number): number {
  const sign = x & (0x80000000 | 0), e = (x >>> 23) & 0xff, m = x & 0x7fffff;
  if (e === 0xff) return m !== 0 ? x | 0x400000 : sign;
  if (e === 0) return sign | 0x7f800000;
  const q = Math.round(2 ** 25 / (4097 + 2 * (m >>> 12)));
  const r = q * 2 ** (-13 - (e - 127));
  WF32[15] = r < 2 ** -126 ? 0 : r;
  return sign | W32[15];
}

function rsqrt(x: number): number {
  const e = (x >>> 23) & 0xff, m = x & 0x7fffff;
  if (e === 0xff) return m !== 0 ? x | 0x400000 : x < 0 ? NAN32 : 0;
  if (e === 0) return (x & (0x80000000 | 0)) | 0x7f800000;
  if (x < 0) return NAN32;
  const exp = e - 127;
  const odd = exp & 1;
  const mid = (1 + ((m >>> 13) + 0.5) / 1024) * (odd ? 2 : 1);
  WF32[15] = Math.round(8192 / Math.sqrt(mid)) * 2 ** (-13 - (exp - odd) / 2);
  return W32[15];
}

function approx(f: (x: number) => number, lanes: number, mem: number): Handler {
  return (s, i) => {
    loadAB(s, i, mem);
    for (let k = 0; k < lanes; k++) W32[k] = f(W32[4 + k]);
    storeReg(s, i.reg, Blk.A);
  };
}

register("RCPPS Vps,Wps", approx(rcp, 4, Mem.Aligned));
register("RCPSS Vss,Wss", approx(rcp, 1, Mem.D));
register("RSQRTPS Vps,Wps", approx(rsqrt, 4, Mem.Aligned));
register("RSQRTSS Vss,Wss", approx(rsqrt, 1, Mem.D));
