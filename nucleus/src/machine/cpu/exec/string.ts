/**
 * String instructions MOVS STOS LODS SCAS CMPS, with REP / REPE / REPNE and DF.
 *
 * Each iteration updates rsi/rdi/rcx, so a fault in iteration k leaves the
 * registers after k-1 iterations and rip at the instruction: restarting it
 * continues, as on hardware. A long REP runs at most CHUNK bytes per execution
 * and then re-executes itself (rip stays at the instruction), so budgets and
 * timer slices still apply. These forms end their basic block.
 *
 * Forward REP MOVS / REP STOS move whole page-sized runs directly in RAM; writes
 * into frames holding decoded code go through mmu.onCodeWrite first.
 */
import { FlagOp } from "../flags.js";
import type { Handler, Insn } from "../decode/insn.js";
import { RepPrefix, Seg } from "../decode/insn.js";
import type { CpuState } from "../state.js";
import { Access } from "../mmu-surface.js";
import { TWO32, getReg, mask, readMem, setReg, szIndex, writeMem } from "./operands.js";
import { register } from "./registry.js";

const ENDS = { ends: true };
const CHUNK = 1 << 16;
const RCX = 1, RSI = 6, RDI = 7;

/** Register value as an address, per address size. */
function addr(s: CpuState, r: number, asz: number): number {
  return asz === 8 ? s.hi[r] * TWO32 + (s.lo[r] >>> 0) : s.lo[r] >>> 0;
}

/** reg += delta (|delta| < 2^31), per address size (32-bit writes zero-extend). */
function advance(s: CpuState, r: number, delta: number, asz: number): void {
  const t = (s.lo[r] >>> 0) + delta;
  s.lo[r] = t | 0;
  if (asz === 4) { s.hi[r] = 0; return; }
  if (t > 0xffffffff) s.hi[r] = (s.hi[r] + 1) | 0;
  else if (t < 0) s.hi[r] = (s.hi[r] - 1) | 0;
}

function countOf(s: CpuState, asz: number): number {
  return asz === 8 ? (s.hi[RCX] >>> 0) * TWO32 + (s.lo[RCX] >>> 0) : s.lo[RCX] >>> 0;
}

function srcBase(s: CpuState, i: Insn): number {
  return i.seg === Seg.None ? 0 : i.seg === Seg.FS ? s.fsBase : s.gsBase;
}

function elementSize(i: Insn, byteForm: boolean): number {
  return byteForm ? 1 : i.osz;
}

function readElem(s: CpuState, va: number, e: number): number {
  if (e === 8) return s.mmu.read64(va);
  return readMem(s, va, e);
}

function writeElem(s: CpuState, va: number, e: number, lo: number, hi: number): void {
  if (e === 8) s.mmu.write64(va, lo, hi);
  else writeMem(s, va, e, lo);
}

/** Physical address for a direct RAM write, dropping decoded code in the frame first. */
function physForWrite(s: CpuState, va: number): number {
  const m = s.mmu;
  const pa = m.translate(va, Access.Write);
  const frame = pa >>> 12;
  if (m.ram.codeFrames[frame] !== 0) m.onCodeWrite(frame);
  return pa;
}

/** Elements that fit before either address crosses a page boundary. */
function pageRun(va: number, e: number): number {
  return Math.floor((4096 - (va - Math.floor(va / 4096) * 4096)) / e);
}

/**
 * REP with a 32-bit address size writes ECX (zero-extending RCX) even when the
 * count is already 0, and MOVS/STOS likewise their index registers: what the host
 * CPU does (the iterations zero-extend them anyway).
 */
function zeroExtendRep(s: CpuState, i: Insn, regs: number): void {
  if (i.asz !== 4 || i.rep === RepPrefix.None) return;
  s.hi[RCX] = 0;
  if (regs & 1) s.hi[RSI] = 0;
  if (regs & 2) s.hi[RDI] = 0;
}

function finish(s: CpuState, i: Insn, rep: boolean, remaining: number): void {
  // Unfinished REP: run the same instruction again.
  if (rep && remaining > 0) s.rip = i.va;
}

function movs(byteForm: boolean): Handler {
  return (s, i) => {
    zeroExtendRep(s, i, 3);
    const e = elementSize(i, byteForm);
    const asz = i.asz;
    const step = s.df ? -e : e;
    const rep = i.rep !== RepPrefix.None;
    let left = rep ? countOf(s, asz) : 1;
    let budget = CHUNK / e;
    const base = srcBase(s, i);
    const m = s.mmu;
    while (left > 0 && budget > 0) {
      const src = addr(s, RSI, asz) + base;
      const dst = addr(s, RDI, asz);
      let n = 0;
      if (rep && !s.df && asz === 8) n = Math.min(left, budget, pageRun(src, e), pageRun(dst, e));
      if (n > 1) {
        const sp = m.translate(src, Access.Read);
        const dp = physForWrite(s, dst);
        const bytes = n * e;
        // Forward element order equals a block move unless the destination overlaps above the source.
        if (dp <= sp || dp >= sp + bytes) {
          m.ram.u8.copyWithin(dp, sp, sp + bytes);
        } else {
          n = 1;
          writeElem(s, dst, e, readElem(s, src, e), m.hi64);
        }
      } else {
        n = 1;
        const lo = readElem(s, src, e);
        writeElem(s, dst, e, lo, m.hi64);
      }
      advance(s, RSI, step * n, asz);
      advance(s, RDI, step * n, asz);
      if (rep) advance(s, RCX, -n, asz);
      left -= n;
      budget -= n;
    }
    finish(s, i, rep, left);
  };
}

function stos(byteForm: boolean): Handler {
  return (s, i) => {
    zeroExtendRep(s, i, 2);
    const e = elementSize(i, byteForm);
    const asz = i.asz;
    const step = s.df ? -e : e;
    const rep = i.rep !== RepPrefix.None;
    let left = rep ? countOf(s, asz) : 1;
    let budget = CHUNK / e;
    const lo = e === 8 ? s.lo[0] : getReg(s, 0, e);
    const hi = s.hi[0];
    const m = s.mmu;
    while (left > 0 && budget > 0) {
      const dst = addr(s, RDI, asz);
      let n = 0;
      if (rep && !s.df && asz === 8) n = Math.min(left, budget, pageRun(dst, e));
      if (n > 1) {
        const dp = physForWrite(s, dst);
        const dv = m.ram.dv;
        if (e === 1) m.ram.u8.fill(lo, dp, dp + n);
        else {
          for (let k = 0; k < n; k++) {
            const p = dp + k * e;
            if (e === 2) dv.setUint16(p, lo, true);
            else if (e === 4) dv.setInt32(p, lo, true);
            else { dv.setInt32(p, lo, true); dv.setInt32(p + 4, hi, true); }
          }
        }
      } else {
        n = 1;
        writeElem(s, dst, e, lo, hi);
      }
      advance(s, RDI, step * n, asz);
      if (rep) advance(s, RCX, -n, asz);
      left -= n;
      budget -= n;
    }
    finish(s, i, rep, left);
  };
}

function lods(byteForm: boolean): Handler {
  return (s, i) => {
    zeroExtendRep(s, i, 0);
    const e = elementSize(i, byteForm);
    const asz = i.asz;
    const step = s.df ? -e : e;
    const rep = i.rep !== RepPrefix.None;
    let left = rep ? countOf(s, asz) : 1;
    let budget = CHUNK / e;
    const base = srcBase(s, i);
    while (left > 0 && budget > 0) {
      const v = readElem(s, addr(s, RSI, asz) + base, e);
      if (e === 8) { s.lo[0] = v; s.hi[0] = s.mmu.hi64; } else setReg(s, 0, e, v);
      advance(s, RSI, step, asz);
      if (rep) advance(s, RCX, -1, asz);
      left--;
      budget--;
    }
    finish(s, i, rep, left);
  };
}

/** SCAS (compare rAX with [rdi]) and CMPS (compare [rsi] with [rdi]); REPE/REPNE stop on ZF. */
function compare(byteForm: boolean, cmps: boolean): Handler {
  return (s, i) => {
    // A fault part-way leaves the flags as they were before the instruction (as the
    // host CPU does); the registers keep the completed iterations.
    const fOp = s.fOp, fA = s.fA, fAh = s.fAh, fR = s.fR, fRh = s.fRh, flags = s.flags;
    zeroExtendRep(s, i, 0);
    try {
      compareLoop(s, i, byteForm, cmps);
    } catch (e) {
      s.fOp = fOp; s.fA = fA; s.fAh = fAh; s.fR = fR; s.fRh = fRh; s.flags = flags;
      throw e;
    }
  };
}

function compareLoop(s: CpuState, i: Insn, byteForm: boolean, cmps: boolean): void {
  const e = elementSize(i, byteForm);
  const asz = i.asz;
  const step = s.df ? -e : e;
  const rep = i.rep;
  let left = rep !== RepPrefix.None ? countOf(s, asz) : 1;
  let budget = CHUNK / e;
  const base = srcBase(s, i);
  const m = s.mmu;
  while (left > 0 && budget > 0) {
    let al: number, ah = 0;
    if (cmps) { al = readElem(s, addr(s, RSI, asz) + base, e); ah = m.hi64; }
    else { al = e === 8 ? s.lo[0] : getReg(s, 0, e); ah = s.hi[0]; }
    const bl = readElem(s, addr(s, RDI, asz), e);
    const bh = m.hi64;
    if (cmps) advance(s, RSI, step, asz);
    advance(s, RDI, step, asz);
    if (rep !== RepPrefix.None) advance(s, RCX, -1, asz);
    left--;
    budget--;
    let zero: boolean;
    if (e === 8) {
      const t = (al >>> 0) - (bl >>> 0);
      const rh = (ah - bh - (t < 0 ? 1 : 0)) | 0;
      s.fOp = FlagOp.Sub | 3;
      s.fA = al; s.fAh = ah; s.fR = t | 0; s.fRh = rh;
      zero = (t | 0) === 0 && rh === 0;
    } else {
      const r = mask(al - bl, e);
      s.fOp = FlagOp.Sub | szIndex(e);
      s.fA = al;
      s.fR = r;
      zero = r === 0;
    }
    if (rep === RepPrefix.F3 && !zero) return;
    if (rep === RepPrefix.F2 && zero) return;
  }
  finish(s, i, rep !== RepPrefix.None, left);
}

register("MOVSB Yb,Xb", movs(true), ENDS);
register("MOVSW|MOVSD|MOVSQ Yv,Xv", movs(false), ENDS);
register("STOSB Yb,AL", stos(true), ENDS);
register("STOSW|STOSD|STOSQ Yv,rAX", stos(false), ENDS);
register("LODSB AL,Xb", lods(true), ENDS);
register("LODSW|LODSD|LODSQ rAX,Xv", lods(false), ENDS);
register("SCASB AL,Yb", compare(true, false), ENDS);
register("SCASW|SCASD|SCASQ rAX,Yv", compare(false, false), ENDS);
register("CMPSB Xb,Yb", compare(true, true), ENDS);
register("CMPSW|CMPSD|CMPSQ Xv,Yv", compare(false, true), ENDS);
