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
 * xmm[reg] := combine(xmm[reg], W) where W is xmm[rm] or 16 bytes of memory;
 * `sourceFirst` pushes W before the destination (PANDN, whose wasm op negates
 * its second operand).
 */
function binary(combine: (g: WGen) => void, aligned = true, sourceFirst = false): (g: WGen, i: Insn) => boolean {
  return (g, i) => {
    const c = g.c;
    const emit = (src: () => void) => {
      c.get(P.Ctx);
      if (sourceFirst) { src(); loadX(g, i.reg); } else { loadX(g, i.reg); src(); }
      combine(g);
      c.v128(Simd.store, X(i.reg));
    };
    if (i.rm >= 0) { emit(() => loadX(g, i.rm)); return true; }
    g.faultPoint();
    g.access16(g.address(i), aligned, Tlb.Read, (host) => emit(() => { host(); c.v128(Simd.load); }));
    return true;
  };
}

const simd = (o: Simd) => (g: WGen) => { g.c.simd(o); };

function load(aligned: boolean) {
  return (g: WGen, i: Insn): boolean => {
    const c = g.c;
    if (i.rm >= 0) { c.get(P.Ctx); loadX(g, i.rm); c.v128(Simd.store, X(i.reg)); return true; }
    g.faultPoint();
    g.access16(g.address(i), aligned, Tlb.Read, (host) => { c.get(P.Ctx); host(); c.v128(Simd.load).v128(Simd.store, X(i.reg)); });
    return true;
  };
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

defWasm(["PXOR Vx,Wx", "XORPS Vps,Wps", "XORPD Vpd,Wpd"], binary(simd(Simd.xor)));
defWasm(["PAND Vx,Wx", "ANDPS Vps,Wps", "ANDPD Vpd,Wpd"], binary(simd(Simd.and)));
defWasm(["POR Vx,Wx", "ORPS Vps,Wps", "ORPD Vpd,Wpd"], binary(simd(Simd.or)));
// PANDN: ~dest & source, wasm's andnot(a, b) = a & ~b.
defWasm(["PANDN Vx,Wx", "ANDNPS Vps,Wps", "ANDNPD Vpd,Wpd"], binary(simd(Simd.andnot), true, true));
defWasm("PCMPEQB Vx,Wx", binary(simd(Simd.i8x16_eq)));
defWasm("PCMPEQW Vx,Wx", binary(simd(Simd.i16x8_eq)));
defWasm("PCMPEQD Vx,Wx", binary(simd(Simd.i32x4_eq)));
defWasm("PADDB Vx,Wx", binary(simd(Simd.i8x16_add)));
defWasm("PSUBB Vx,Wx", binary(simd(Simd.i8x16_sub)));
defWasm("PADDW Vx,Wx", binary(simd(Simd.i16x8_add)));
defWasm("PSUBW Vx,Wx", binary(simd(Simd.i16x8_sub)));
defWasm("PADDD Vx,Wx", binary(simd(Simd.i32x4_add)));
defWasm("PSUBD Vx,Wx", binary(simd(Simd.i32x4_sub)));
defWasm("PADDQ Vx,Wx", binary(simd(Simd.i64x2_add)));
defWasm("PSUBQ Vx,Wx", binary(simd(Simd.i64x2_sub)));
defWasm("PMINUB Vx,Wx", binary(simd(Simd.i8x16_min_u)));
defWasm("PMAXUB Vx,Wx", binary(simd(Simd.i8x16_max_u)));

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

const shuffle = (lanes: number[]) => (g: WGen) => { g.c.shuffle(lanes); };
defWasm("PUNPCKLBW Vx,Wx", binary(shuffle(unpackLanes(1, false))));
defWasm("PUNPCKLWD Vx,Wx", binary(shuffle(unpackLanes(2, false))));
defWasm(["PUNPCKLDQ Vx,Wx", "UNPCKLPS Vps,Wps"], binary(shuffle(unpackLanes(4, false))));
defWasm(["PUNPCKLQDQ Vx,Wx", "UNPCKLPD Vpd,Wpd"], binary(shuffle(unpackLanes(8, false))));
defWasm("PUNPCKHBW Vx,Wx", binary(shuffle(unpackLanes(1, true))));
defWasm("PUNPCKHWD Vx,Wx", binary(shuffle(unpackLanes(2, true))));
defWasm(["PUNPCKHDQ Vx,Wx", "UNPCKHPS Vps,Wps"], binary(shuffle(unpackLanes(4, true))));
defWasm(["PUNPCKHQDQ Vx,Wx", "UNPCKHPD Vpd,Wpd"], binary(shuffle(unpackLanes(8, true))));

defWasm("PSHUFD Vx,Wx,Ib", (g, i) => {
  const lanes: number[] = [];
  for (let k = 0; k < 4; k++) for (let b = 0; b < 4; b++) lanes.push(4 * ((i.imm >> (2 * k)) & 3) + b);
  const c = g.c;
  const emit = (src: () => void) => {
    c.get(P.Ctx);
    src();
    const t = g.tmp(T.V128);
    c.tee(t).get(t).shuffle(lanes).v128(Simd.store, X(i.reg));
  };
  if (i.rm >= 0) { emit(() => loadX(g, i.rm)); return true; }
  g.faultPoint();
  g.access16(g.address(i), true, Tlb.Read, (host) => emit(() => { host(); c.v128(Simd.load); }));
  return true;
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
