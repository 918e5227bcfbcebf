/**
 * Helpers the SSE emitters call for 16-byte memory operands: the TLB hit path
 * and the slow path (TLB miss, page crossing) with the handlers' checks and
 * faults (#GP(0) for a misaligned aligned form first, then #PF). Calls keep
 * translated blocks small; their compile time matters for short programs.
 */
import { Blk, W32, checkAligned, read128, write128 } from "../exec/sse/xmm.js";
import type { CpuState } from "../state.js";

export const sseRuntime = {
  /** Scratch dwords: ld16 leaves the operand in w32[12..15]. */
  w32: W32,
  ld16(s: CpuState, va: number, aligned: boolean): void {
    if (aligned) checkAligned(va);
    read128(s, va, Blk.T);
  },
  /** Loads xmm register r from va. */
  ldx(s: CpuState, va: number, aligned: boolean, r: number): void {
    if (aligned) checkAligned(va);
    read128(s, va, Blk.T);
    const x = s.xmm32, o = r << 2;
    x[o] = W32[12]; x[o + 1] = W32[13]; x[o + 2] = W32[14]; x[o + 3] = W32[15];
  },
  /** Stores xmm register r at va (a write to a code frame invalidates blocks: callers check). */
  stx(s: CpuState, va: number, aligned: boolean, r: number): void {
    if (aligned) checkAligned(va);
    const m = s.mmu;
    const vpn = Math.floor(va / 4096);
    const off = va - vpn * 4096;
    const x = s.xmm32, o = r << 2;
    if (vpn >= 0 && m.tlbWriteTag[vpn & 1023] === vpn && off <= 4080) {
      const p = m.tlbWriteBase[vpn & 1023] + off;
      const dv = m.ram.dv;
      dv.setInt32(p, x[o], true); dv.setInt32(p + 4, x[o + 1], true);
      dv.setInt32(p + 8, x[o + 2], true); dv.setInt32(p + 12, x[o + 3], true);
      return;
    }
    W32[12] = x[o]; W32[13] = x[o + 1]; W32[14] = x[o + 2]; W32[15] = x[o + 3];
    write128(s, va, Blk.T);
  },
};
