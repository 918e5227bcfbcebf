/**
 * Integer SIMD shifts on xmm and mm registers: PSLL/PSRL/PSRA by an immediate
 * or by the low 64 bits of an xmm/m128 (mm/m64) count (counts beyond the lane
 * width clear the lane, or fill it with the sign for PSRA), and the
 * whole-register byte shifts PSLLDQ/PSRLDQ.
 */
import type { Handler } from "../../decode/insn.js";
import { register } from "../registry.js";
import { MM_BYTES, loadMm, loadMmSrc, mmx, storeMm } from "./mm.js";
import { Blk, Mem, W16, W32, W8, WS16, loadAB, loadReg, storeReg } from "./xmm.js";

const enum Op { Sll = 0, Srl = 1, Sra = 2 }

/** Shifts the lanes in the first n bytes of A by count (0..any; a count >= 2^32 arrives as 2^32). */
function shiftLanes(op: number, width: number, count: number, n: number): void {
  if (width === 16) {
    for (let k = 0; k < n >> 1; k++) {
      if (op === Op.Sra) W16[k] = WS16[k] >> (count > 15 ? 15 : count);
      else if (count > 15) W16[k] = 0;
      else W16[k] = op === Op.Sll ? W16[k] << count : W16[k] >>> count;
    }
  } else if (width === 32) {
    for (let k = 0; k < n >> 2; k++) {
      if (op === Op.Sra) W32[k] = W32[k] >> (count > 31 ? 31 : count);
      else if (count > 31) W32[k] = 0;
      else W32[k] = op === Op.Sll ? W32[k] << count : W32[k] >>> count;
    }
  } else {
    for (let k = 0; k < n >> 2; k += 2) {
      const lo = W32[k], hi = W32[k + 1];
      if (count > 63) { W32[k] = 0; W32[k + 1] = 0; }
      else if (count === 0) continue;
      else if (op === Op.Sll) {
        if (count >= 32) { W32[k + 1] = lo << (count - 32); W32[k] = 0; }
        else { W32[k + 1] = (hi << count) | (lo >>> (32 - count)); W32[k] = lo << count; }
      } else if (count >= 32) { W32[k] = hi >>> (count - 32); W32[k + 1] = 0; }
      else { W32[k] = (lo >>> count) | (hi << (32 - count)); W32[k + 1] = hi >>> count; }
    }
  }
}

function byImm(op: number, width: number): Handler {
  return (s, i) => {
    loadReg(s, i.rm, Blk.A);
    shiftLanes(op, width, i.imm & 0xff, 16);
    storeReg(s, i.rm, Blk.A);
  };
}

/** The count is the whole low quadword of B: anything >= 2^32 behaves like a huge count. */
function countB(): number {
  return W32[5] !== 0 ? 0x100000000 : W32[4] >>> 0;
}

function byXmm(op: number, width: number): Handler {
  return (s, i) => {
    loadAB(s, i, Mem.Aligned);
    shiftLanes(op, width, countB(), 16);
    storeReg(s, i.reg, Blk.A);
  };
}

function mmByImm(op: number, width: number): Handler {
  return mmx((s, i) => {
    loadMm(s, i.rm & 7, Blk.A);
    shiftLanes(op, width, i.imm & 0xff, MM_BYTES);
    storeMm(s, i.rm & 7, Blk.A);
  });
}

function mmByMm(op: number, width: number): Handler {
  return mmx((s, i) => {
    loadMm(s, i.reg & 7, Blk.A);
    loadMmSrc(s, i, Mem.Q);
    shiftLanes(op, width, countB(), MM_BYTES);
    storeMm(s, i.reg & 7, Blk.A);
  });
}

const NAMES = ["PSLL", "PSRL", "PSRA"];
for (let op = 0; op < 3; op++) {
  for (const [suffix, width] of [["W", 16], ["D", 32], ["Q", 64]] as const) {
    if (op === Op.Sra && width === 64) continue;
    register(`${NAMES[op]}${suffix} Ux,Ib`, byImm(op, width));
    register(`${NAMES[op]}${suffix} Vx,Wx`, byXmm(op, width));
    register(`${NAMES[op]}${suffix} Nq,Ib`, mmByImm(op, width));
    register(`${NAMES[op]}${suffix} Pq,Qq`, mmByMm(op, width));
  }
}

/** PSLLDQ / PSRLDQ: shift the whole register by imm8 bytes (16 or more clears it). */
register("PSLLDQ Ux,Ib", (s, i) => {
  loadReg(s, i.rm, Blk.A);
  const n = i.imm & 0xff;
  for (let k = 15; k >= 0; k--) W8[k] = k >= n ? W8[k - n] : 0;
  storeReg(s, i.rm, Blk.A);
});

register("PSRLDQ Ux,Ib", (s, i) => {
  loadReg(s, i.rm, Blk.A);
  const n = i.imm & 0xff;
  for (let k = 0; k < 16; k++) W8[k] = k + n < 16 ? W8[k + n] : 0;
  storeReg(s, i.rm, Blk.A);
});
