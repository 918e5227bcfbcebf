/**
 * WebAssembly code for the common SSE integer and move forms (the counterparts
 * of ../sse-emitters.ts), on 128-bit SIMD values. The xmm registers stay in the
 * arena's context (a run binds them there, cpu/state.ts): each form loads its
 * operands from it and stores its result. A memory operand that misses the TLB,
 * crosses a page or is misaligned for an aligned form runs the handler instead.
 */
import type { Insn } from "../../decode/insn.js";
import { Ctx } from "../../../arena.js";
import { Op, Simd, T } from "./encoder.js";
import { P, Tlb, type WGen } from "./wgen.js";
import { defWasm } from "./wemit.js";

const X = (r: number): number => Ctx.Xmm + 16 * r;

function loadX(g: WGen, r: number): void {
  g.c.get(P.Ctx).v128(Simd.load, X(r));
}

/**
 * Emits `emit` with a function pushing the W operand: xmm[rm], or 16 bytes of
 * memory (checked for alignment if `aligned`; the handler runs otherwise).
 */
function withSource(g: WGen, i: Insn, aligned: boolean, emit: (src: () => void) => void): boolean {
  if (i.rm >= 0) {
    emit(() => loadX(g, i.rm));
    return true;
  }
  g.faultPoint();
  g.access16(g.address(i), aligned, Tlb.Read, (host) => emit(() => { host(); g.c.v128(Simd.load); }));
  return true;
}

/**
 * xmm[reg] := combine(xmm[reg], W); `sourceFirst` pushes W before the
 * destination (PANDN, whose wasm op negates its second operand).
 */
function binary(combine: Simd | number[], sourceFirst = false): (g: WGen, i: Insn) => boolean {
  return (g, i) => withSource(g, i, true, (src) => {
    const c = g.c;
    c.get(P.Ctx);
    if (sourceFirst) { src(); loadX(g, i.reg); } else { loadX(g, i.reg); src(); }
    if (typeof combine === "number") c.simd(combine); else c.shuffle(combine);
    c.v128(Simd.store, X(i.reg));
  });
}

/** xmm[reg] := W. */
function load(aligned: boolean) {
  return (g: WGen, i: Insn): boolean => withSource(g, i, aligned, (src) => {
    g.c.get(P.Ctx);
    src();
    g.c.v128(Simd.store, X(i.reg));
  });
}

function store(aligned: boolean) {
  return (g: WGen, i: Insn): boolean => {
    const c = g.c;
    if (i.rm >= 0) { c.get(P.Ctx); loadX(g, i.reg); c.v128(Simd.store, X(i.rm)); return true; }
    g.faultPoint();
    g.access16(g.address(i), aligned, Tlb.Write, (host) => { host(); loadX(g, i.reg); c.v128(Simd.store); });
    return true;
  };
}

defWasm(["MOVUPS Vps,Wps", "MOVUPD Vpd,Wpd", "MOVDQU Vx,Wx", "LDDQU Vx,Mx"], load(false));
defWasm(["MOVAPS Vps,Wps", "MOVAPD Vpd,Wpd", "MOVDQA Vx,Wx", "MOVNTDQA Vx,Mx"], load(true));
defWasm(["MOVUPS Wps,Vps", "MOVUPD Wpd,Vpd", "MOVDQU Wx,Vx"], store(false));
defWasm(["MOVAPS Wps,Vps", "MOVAPD Wpd,Vpd", "MOVDQA Wx,Vx", "MOVNTPS Mps,Vps", "MOVNTPD Mpd,Vpd", "MOVNTDQ Mx,Vx"], store(true));

/** Lane-wise forms: one SIMD instruction each. */
const LANE_OPS: [string[], Simd][] = [
  [["PXOR Vx,Wx", "XORPS Vps,Wps", "XORPD Vpd,Wpd"], Simd.xor],
  [["PAND Vx,Wx", "ANDPS Vps,Wps", "ANDPD Vpd,Wpd"], Simd.and],
  [["POR Vx,Wx", "ORPS Vps,Wps", "ORPD Vpd,Wpd"], Simd.or],
  [["PCMPEQB Vx,Wx"], Simd.i8x16_eq], [["PCMPEQW Vx,Wx"], Simd.i16x8_eq], [["PCMPEQD Vx,Wx"], Simd.i32x4_eq],
  [["PADDB Vx,Wx"], Simd.i8x16_add], [["PSUBB Vx,Wx"], Simd.i8x16_sub],
  [["PADDW Vx,Wx"], Simd.i16x8_add], [["PSUBW Vx,Wx"], Simd.i16x8_sub],
  [["PADDD Vx,Wx"], Simd.i32x4_add], [["PSUBD Vx,Wx"], Simd.i32x4_sub],
  [["PADDQ Vx,Wx"], Simd.i64x2_add], [["PSUBQ Vx,Wx"], Simd.i64x2_sub],
  [["PMINUB Vx,Wx"], Simd.i8x16_min_u], [["PMAXUB Vx,Wx"], Simd.i8x16_max_u],
];
for (const [keys, op] of LANE_OPS) defWasm(keys, binary(op));
// PANDN: ~dest & source, wasm's andnot(a, b) = a & ~b.
defWasm(["PANDN Vx,Wx", "ANDNPS Vps,Wps", "ANDNPD Vpd,Wpd"], binary(Simd.andnot, true));

/** Lanes of i8x16.shuffle(dest, source) interleaving `size`-byte lanes of the low or high halves. */
function unpackLanes(size: number, high: boolean): number[] {
  const out: number[] = [];
  const from = high ? 8 : 0;
  for (let k = 0; k < 8 / size; k++) {
    for (let b = 0; b < size; b++) out.push(from + k * size + b);
    for (let b = 0; b < size; b++) out.push(16 + from + k * size + b);
  }
  return out;
}

defWasm("PUNPCKLBW Vx,Wx", binary(unpackLanes(1, false)));
defWasm("PUNPCKLWD Vx,Wx", binary(unpackLanes(2, false)));
defWasm(["PUNPCKLDQ Vx,Wx", "UNPCKLPS Vps,Wps"], binary(unpackLanes(4, false)));
defWasm(["PUNPCKLQDQ Vx,Wx", "UNPCKLPD Vpd,Wpd"], binary(unpackLanes(8, false)));
defWasm("PUNPCKHBW Vx,Wx", binary(unpackLanes(1, true)));
defWasm("PUNPCKHWD Vx,Wx", binary(unpackLanes(2, true)));
defWasm(["PUNPCKHDQ Vx,Wx", "UNPCKHPS Vps,Wps"], binary(unpackLanes(4, true)));
defWasm(["PUNPCKHQDQ Vx,Wx", "UNPCKHPD Vpd,Wpd"], binary(unpackLanes(8, true)));

defWasm("PSHUFD Vx,Wx,Ib", (g, i) => {
  const lanes: number[] = [];
  for (let k = 0; k < 4; k++) for (let b = 0; b < 4; b++) lanes.push(4 * ((i.imm >> (2 * k)) & 3) + b);
  return withSource(g, i, true, (src) => {
    const c = g.c;
    c.get(P.Ctx);
    src();
    // Both shuffle operands are the source.
    const t = g.tmp(T.V128);
    c.tee(t).get(t).shuffle(lanes).v128(Simd.store, X(i.reg));
  });
});

defWasm("PMOVMSKB Gy,Ux", (g, i) => {
  loadX(g, i.rm);
  g.c.simd(Simd.i8x16_bitmask);
  g.setReg(i.reg, 4, g.save(T.I32));
  return true;
});

defWasm("MOVD|MOVD|MOVQ Vx,Ey", (g, i) => {
  const wide = i.osz === 8;
  let v;
  if (i.rm >= 0) v = g.regVal(i.rm, wide ? 8 : 4);
  else { g.faultPoint(); v = g.load(g.address(i), wide ? 8 : 4); }
  const c = g.c;
  c.get(P.Ctx); g.push(v);
  if (!wide) c.op(Op.i64_extend_i32_u);
  c.mem(Op.i64_store, X(i.reg));
  c.get(P.Ctx).i64(0, 0).mem(Op.i64_store, X(i.reg) + 8);
  return true;
});

defWasm("MOVD|MOVD|MOVQ Ey,Vx", (g, i) => {
  const wide = i.osz === 8;
  const c = g.c;
  c.get(P.Ctx).mem(wide ? Op.i64_load : Op.i32_load, X(i.reg));
  const v = g.save(wide ? T.I64 : T.I32);
  if (i.rm >= 0) { g.setReg(i.rm, wide ? 8 : 4, v); return true; }
  g.faultPoint();
  g.store(g.address(i), wide ? 8 : 4, v);
  return true;
});

// ---- shifts by an immediate, MOVQ --------------------------------------------------------------

/**
 * xmm[rm] shifted lane by lane by imm8: counts of the lane width or more give
 * zeros (logical) or copies of the sign (arithmetic: a shift by width - 1).
 */
function laneShift(op: Simd, width: number, arithmetic: boolean): (g: WGen, i: Insn) => boolean {
  return (g, i) => {
    const c = g.c;
    const n = i.imm & 0xff;
    c.get(P.Ctx);
    if (n >= width && !arithmetic) c.zero128();
    else { loadX(g, i.rm); c.i32(Math.min(n, width - 1)).simd(op); }
    c.v128(Simd.store, X(i.rm));
    return true;
  };
}
defWasm("PSLLW Ux,Ib", laneShift(Simd.i16x8_shl, 16, false));
defWasm("PSRLW Ux,Ib", laneShift(Simd.i16x8_shr_u, 16, false));
defWasm("PSRAW Ux,Ib", laneShift(Simd.i16x8_shr_s, 16, true));
defWasm("PSLLD Ux,Ib", laneShift(Simd.i32x4_shl, 32, false));
defWasm("PSRLD Ux,Ib", laneShift(Simd.i32x4_shr_u, 32, false));
defWasm("PSRAD Ux,Ib", laneShift(Simd.i32x4_shr_s, 32, true));
defWasm("PSLLQ Ux,Ib", laneShift(Simd.i64x2_shl, 64, false));
defWasm("PSRLQ Ux,Ib", laneShift(Simd.i64x2_shr_u, 64, false));

/** PSRLDQ / PSLLDQ: the whole register shifted by imm8 bytes (16 or more: zero), a shuffle with zeros. */
function byteShift(right: boolean): (g: WGen, i: Insn) => boolean {
  return (g, i) => {
    const c = g.c;
    const n = Math.min(i.imm & 0xff, 16);
    // Lanes 0..15 pick from the register, 16..31 from the zero vector.
    const lanes = Array.from({ length: 16 }, (_, k) => {
      const from = right ? k + n : k - n;
      return from >= 0 && from < 16 ? from : 16;
    });
    c.get(P.Ctx);
    loadX(g, i.rm);
    c.zero128().shuffle(lanes).v128(Simd.store, X(i.rm));
    return true;
  };
}
defWasm("PSRLDQ Ux,Ib", byteShift(true));
defWasm("PSLLDQ Ux,Ib", byteShift(false));

/** MOVQ xmm, xmm/m64: the low quadword, the upper one zeroed. */
defWasm("MOVQ Vq,Wq", (g, i) => {
  const c = g.c;
  let v;
  if (i.rm >= 0) { c.get(P.Ctx).mem(Op.i64_load, X(i.rm)); v = g.save(T.I64); }
  else { g.faultPoint(); v = g.load(g.address(i), 8); }
  c.get(P.Ctx); g.push(v); c.mem(Op.i64_store, X(i.reg));
  c.get(P.Ctx).i64(0, 0).mem(Op.i64_store, X(i.reg) + 8);
  return true;
});

/** MOVQ xmm/m64, xmm: a register destination's upper quadword is zeroed. */
defWasm("MOVQ Wq,Vq", (g, i) => {
  const c = g.c;
  c.get(P.Ctx).mem(Op.i64_load, X(i.reg));
  const v = g.save(T.I64);
  if (i.rm >= 0) {
    c.get(P.Ctx); g.push(v); c.mem(Op.i64_store, X(i.rm));
    c.get(P.Ctx).i64(0, 0).mem(Op.i64_store, X(i.rm) + 8);
    return true;
  }
  g.faultPoint();
  g.store(g.address(i), 8, v);
  return true;
});
