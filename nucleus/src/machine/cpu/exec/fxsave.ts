/**
 * FXSAVE / FXRSTOR (the 512-byte legacy save area the dynamic linker's lazy
 * binding trampoline uses when XSAVE is absent) and LDMXCSR / STMXCSR.
 *
 * Layout (SDM vol. 1, 10.5.1): FCW, FSW, abridged FTW, FOP, FPU IP/DP (64-bit
 * form with REX.W, offset + selector otherwise), MXCSR, MXCSR_MASK, ST(0)..ST(7)
 * in 16-byte slots (stack order, i.e. relative to TOP), XMM0..XMM15. Bytes
 * 416..511 are not written.
 */
import { raise, Vector } from "../../fault.js";
import type { CpuState } from "../state.js";
import { Access } from "../mmu-surface.js";
import { ea } from "./operands.js";
import { register } from "./registry.js";

/** MXCSR bits this CPU implements (DAZ included). */
export const MXCSR_MASK = 0xffff;

function checkArea(s: CpuState, va: number, access: Access): void {
  if (va % 16 !== 0) raise(Vector.GP, 0);
  // The host CPU reports a fault in the area at its last byte first.
  s.mmu.translate(va + 511, access);
  s.mmu.translate(va, access);
}

function top(s: CpuState): number {
  return (s.fpuStatus >> 11) & 7;
}

register("FXSAVE|FXSAVE|FXSAVE64 M", (s, i) => {
  const va = ea(s, i);
  checkArea(s, va, Access.Write);
  const area = new Uint8Array(416);
  const dv = new DataView(area.buffer);
  dv.setUint16(0, s.fpuControl, true);
  dv.setUint16(2, s.fpuStatus, true);
  let abridged = 0;
  for (let r = 0; r < 8; r++) if (((s.fpuTag >> (2 * r)) & 3) !== 3) abridged |= 1 << r;
  area[4] = abridged;
  dv.setUint16(6, s.fpuOpcode & 0x7ff, true);
  if (i.rexW) {
    dv.setBigUint64(8, BigInt(Math.max(0, s.fpuIp)), true);
    dv.setBigUint64(16, BigInt(Math.max(0, s.fpuDp)), true);
  } else {
    dv.setUint32(8, s.fpuIp >>> 0, true);
    dv.setUint32(16, s.fpuDp >>> 0, true);
  }
  dv.setUint32(24, s.mxcsr, true);
  dv.setUint32(28, MXCSR_MASK, true);
  const t = top(s);
  for (let k = 0; k < 8; k++) {
    const phys = (t + k) & 7;
    area.set(s.fpuRegs.subarray(phys * 10, phys * 10 + 10), 32 + 16 * k);
  }
  area.set(s.xmm8, 160);
  s.mmu.writeBytes(va, area);
});

/** The full 2-bit tag of an 80-bit register value: 0 valid, 1 zero, 2 special. */
function tagOf(b: Uint8Array, at: number): number {
  const exp = (b[at + 8] | (b[at + 9] << 8)) & 0x7fff;
  let mantZero = true;
  for (let k = 0; k < 8; k++) if (b[at + k] !== 0) mantZero = false;
  const integerBit = b[at + 7] >> 7;
  if (exp === 0) return mantZero ? 1 : 2;
  if (exp === 0x7fff || integerBit === 0) return 2;
  return 0;
}

register("FXRSTOR|FXRSTOR|FXRSTOR64 M", (s, i) => {
  const va = ea(s, i);
  checkArea(s, va, Access.Read);
  const area = s.mmu.readBytes(va, 416);
  const dv = new DataView(area.buffer, area.byteOffset, area.byteLength);
  const mxcsr = dv.getUint32(24, true);
  if ((mxcsr & ~MXCSR_MASK) !== 0) raise(Vector.GP, 0);
  s.fpuControl = dv.getUint16(0, true);
  // ES (error summary) and B (busy) follow the loaded exception flags and masks, as
  // FXRSTOR leaves them on hardware.
  const fsw = dv.getUint16(2, true);
  const es = (fsw & ~s.fpuControl & 0x3f) !== 0 ? 0x8080 : 0;
  s.fpuStatus = (fsw & ~0x8080) | es;
  s.fpuOpcode = dv.getUint16(6, true) & 0x7ff;
  if (i.rexW) {
    s.fpuIp = Number(dv.getBigUint64(8, true));
    s.fpuDp = Number(dv.getBigUint64(16, true));
  } else {
    s.fpuIp = dv.getUint32(8, true);
    s.fpuDp = dv.getUint32(16, true);
  }
  s.mxcsr = mxcsr;
  const t = top(s);
  for (let k = 0; k < 8; k++) {
    const phys = (t + k) & 7;
    s.fpuRegs.set(area.subarray(32 + 16 * k, 42 + 16 * k), phys * 10);
  }
  const abridged = area[4];
  let tag = 0;
  for (let r = 0; r < 8; r++) {
    const t2 = (abridged >> r) & 1 ? tagOf(s.fpuRegs, r * 10) : 3;
    tag |= t2 << (2 * r);
  }
  s.fpuTag = tag;
  s.xmm8.set(area.subarray(160, 416));
});

register("LDMXCSR Md", (s, i) => {
  const v = s.mmu.read32(ea(s, i)) >>> 0;
  if ((v & ~MXCSR_MASK) !== 0) raise(Vector.GP, 0);
  s.mxcsr = v;
});

register("STMXCSR Md", (s, i) => s.mmu.write32(ea(s, i), s.mxcsr));
