/**
 * The emulated side of the host differential test: for each op of
 * testdata/x87ref.c, how to run it on an Fpu and how to generate its operands.
 */
import { ArithOp, Const, Fpu } from '../fpu.js';
import { F80 } from '../float80.js';
import { ENV_SIZE, FXSAVE_SIZE, SAVE_SIZE, storeEnv } from '../image.js';
import { BIAS, Rng, normalIn, randomF80 } from './random.js';

/** Memory operand and flags of one case, and the results an op leaves besides the FPU state. */
export class Mem {
  readonly bytes = new Uint8Array(16);
  readonly dv = new DataView(this.bytes.buffer);
  eflags = 0;
  ax = 0;
  constructor(readonly flagsIn: number) {}
  u16(o: number): number { return this.dv.getUint16(o, true); }
  u32(o: number): number { return this.dv.getUint32(o, true); }
  w16(o: number, v: number): void { this.dv.setUint16(o, v & 0xffff, true); }
  w32(o: number, v: number): void { this.dv.setUint32(o, v >>> 0, true); }
}

export type MemKind = 'none' | 'f32' | 'f64' | 'f80' | 'i16' | 'i32' | 'i64' | 'bcd' | 'cw' | 'image';

export interface OpSpec {
  /** Stack operands the op reads (the usual depth). */
  stack: number;
  mem: MemKind;
  run(f: Fpu, m: Mem): void;
  /** Operands st[0..2]; defaults to related random values. */
  gen?(r: Rng): F80[];
  /** A transcendental: the host is only within 1 ulp of the true value, so results may differ by that. */
  approximate?: boolean;
}


// ---------------------------------------------------------------------------
// The op table.

const ops = new Map<string, OpSpec>();

function def(name: string, stack: number, mem: MemKind, run: (f: Fpu, m: Mem) => void, gen?: (r: Rng) => F80[]): void {
  ops.set(name, { stack, mem, run, gen });
}

function defApprox(name: string, stack: number, run: (f: Fpu) => void, gen?: (r: Rng) => F80[]): void {
  ops.set(name, { stack, mem: 'none', run, gen, approximate: true });
}

/** Values near integers, halves and the integer format limits. */
function nearInteger(r: Rng): F80[] {
  const e = BIAS + r.pick([-2, -1, 0, 1, 2, 5, 14, 15, 16, 30, 31, 32, 52, 62, 63, 64, 70]);
  const v = normalIn(r, e, e);
  if (r.chance(0.5)) {
    // keep a few fraction bits only: exact integers, halves, quarters
    const keep = Math.max(0, Math.min(64, e - BIAS + 1 + r.below(3)));
    if (keep <= 32) {
      v.hi = keep === 0 ? 0x80000000 : ((v.hi >>> (32 - keep)) * 2 ** (32 - keep)) >>> 0;
      v.lo = 0;
    } else if (keep < 64) {
      v.lo = ((v.lo >>> (64 - keep)) * 2 ** (64 - keep)) >>> 0;
    }
    v.hi = (v.hi | 0x80000000) >>> 0;
  }
  return [r.chance(0.9) ? v : randomF80(r), randomF80(r), randomF80(r)];
}

function remainderOperands(r: Rng): F80[] {
  if (r.chance(0.15)) return [randomF80(r), randomF80(r), randomF80(r)];
  const eb = r.chance(0.1) ? 1 + r.below(40) : BIAS - 100 + r.below(200);
  const d = r.chance(0.5) ? r.below(70) - 3 : r.below(200);
  return [normalIn(r, eb + d, eb + d), normalIn(r, eb, eb), randomF80(r)];
}

function scaleOperands(r: Rng): F80[] {
  const a = randomF80(r);
  const n = r.chance(0.7) ? normalIn(r, BIAS - 2, BIAS + 15) : randomF80(r);
  return [a, n, randomF80(r)];
}

/** |x| <= 1, F2XM1's domain, mostly. */
function unitRange(r: Rng): F80 {
  if (r.chance(0.1)) return randomF80(r);
  return normalIn(r, BIAS - (r.chance(0.2) ? 200 : 20), BIAS - 1);
}

function logOperands(r: Rng): F80[] {
  const x = r.chance(0.8) ? normalIn(r, BIAS - 100, BIAS + 100, 0) : randomF80(r);
  if (r.chance(0.2)) { x.se = BIAS - (r.below(2)); x.hi = r.chance(0.5) ? 0x80000000 : 0xffffffff; x.lo = r.u32() >>> r.below(32); }
  return [x, randomF80(r), randomF80(r)];
}

function trigOperands(r: Rng): F80[] {
  if (r.chance(0.1)) return [randomF80(r), randomF80(r), randomF80(r)];
  return [normalIn(r, BIAS - 30, BIAS + (r.chance(0.2) ? 64 : 8)), randomF80(r), randomF80(r)];
}

/** Values around the float32/float64 overflow and underflow thresholds, for the stores. */
function storeOperands(r: Rng): F80[] {
  if (r.chance(0.3)) return [randomF80(r), randomF80(r), randomF80(r)];
  const [lo, hi] = r.pick([[-156, -120], [-130, -123], [125, 129], [-1080, -1015], [-1026, -1019], [1021, 1025]]);
  return [normalIn(r, BIAS + lo, BIAS + hi), randomF80(r), randomF80(r)];
}

function mostlyPositive(r: Rng): F80[] {
  const a = randomF80(r);
  if (r.chance(0.8)) a.se &= 0x7fff;
  return [a, randomF80(r), randomF80(r)];
}

def('FLD_M32', 0, 'f32', (f, m) => f.fldF32(m.u32(0)));
def('FLD_M64', 0, 'f64', (f, m) => f.fldF64(m.u32(0), m.u32(4)));
def('FLD_M80', 0, 'f80', (f, m) => f.fldF80(m.u32(0), m.u32(4), m.u16(8)));
def('FILD_M16', 0, 'i16', (f, m) => f.fildI16(m.u16(0)));
def('FILD_M32', 0, 'i32', (f, m) => f.fildI32(m.u32(0)));
def('FILD_M64', 0, 'i64', (f, m) => f.fildI64(m.u32(0), m.u32(4)));
def('FBLD', 0, 'bcd', (f, m) => f.fbld(m.u32(0), m.u32(4), m.u16(8)));
def('FLD_ST1', 2, 'none', (f) => f.fldSt(1));
def('FLD_ST0', 1, 'none', (f) => f.fldSt(0));
def('FLD1', 0, 'none', (f) => f.fldConst(Const.One));
def('FLDL2T', 0, 'none', (f) => f.fldConst(Const.L2T));
def('FLDL2E', 0, 'none', (f) => f.fldConst(Const.L2E));
def('FLDPI', 0, 'none', (f) => f.fldConst(Const.Pi));
def('FLDLG2', 0, 'none', (f) => f.fldConst(Const.LG2));
def('FLDLN2', 0, 'none', (f) => f.fldConst(Const.LN2));
def('FLDZ', 0, 'none', (f) => f.fldConst(Const.Zero));

def('FST_M32', 1, 'none', (f, m) => { if (f.fstF32(false)) m.w32(0, f.out0); }, storeOperands);
def('FSTP_M32', 1, 'none', (f, m) => { if (f.fstF32(true)) m.w32(0, f.out0); }, storeOperands);
def('FST_M64', 1, 'none', (f, m) => { if (f.fstF64(false)) { m.w32(0, f.out0); m.w32(4, f.out1); } }, storeOperands);
def('FSTP_M64', 1, 'none', (f, m) => { if (f.fstF64(true)) { m.w32(0, f.out0); m.w32(4, f.out1); } }, storeOperands);
def('FSTP_M80', 1, 'none', (f, m) => {
  if (f.fstpF80()) { m.w32(0, f.out0); m.w32(4, f.out1); m.w16(8, f.out2); }
});
for (const [name, bits, pop, trunc] of [
  ['FIST_M16', 16, false, false], ['FISTP_M16', 16, true, false], ['FIST_M32', 32, false, false],
  ['FISTP_M32', 32, true, false], ['FISTP_M64', 64, true, false], ['FISTTP_M16', 16, true, true],
  ['FISTTP_M32', 32, true, true], ['FISTTP_M64', 64, true, true],
] as const) {
  def(name, 1, 'none', (f, m) => {
    if (!f.fist(bits, pop, trunc)) return;
    if (bits === 16) m.w16(0, f.out0);
    else m.w32(0, f.out0);
    if (bits === 64) m.w32(4, f.out1);
  }, nearInteger);
}
def('FBSTP', 1, 'none', (f, m) => {
  if (f.fbstp()) { m.w32(0, f.out0); m.w32(4, f.out1); m.w16(8, f.out2); }
}, nearInteger);
def('FST_ST2', 3, 'none', (f) => f.fstSt(2, false));
def('FSTP_ST2', 3, 'none', (f) => f.fstSt(2, true));
def('FSTP_ST0', 1, 'none', (f) => f.fstSt(0, true));

const ARITH = ['FADD', 'FMUL', 'FCOM', 'FCOMP', 'FSUB', 'FSUBR', 'FDIV', 'FDIVR'];
for (let op = 0; op < 8; op++) {
  const n = ARITH[op];
  const i = 'FI' + n.slice(1);
  def(`${n}_M32`, 1, 'f32', (f, m) => f.arithF32(op, m.u32(0)));
  def(`${n}_M64`, 1, 'f64', (f, m) => f.arithF64(op, m.u32(0), m.u32(4)));
  def(`${i}_M16`, 1, 'i16', (f, m) => f.arithI16(op, m.u16(0)));
  def(`${i}_M32`, 1, 'i32', (f, m) => f.arithI32(op, m.u32(0)));
}
def('FADD_ST0_ST1', 2, 'none', (f) => f.arithSt0(ArithOp.Add, 1));
def('FMUL_ST0_ST1', 2, 'none', (f) => f.arithSt0(ArithOp.Mul, 1));
def('FCOM_ST1', 2, 'none', (f) => f.arithSt0(ArithOp.Com, 1));
def('FCOMP_ST1', 2, 'none', (f) => f.arithSt0(ArithOp.Comp, 1));
def('FSUB_ST0_ST1', 2, 'none', (f) => f.arithSt0(ArithOp.Sub, 1));
def('FSUBR_ST0_ST1', 2, 'none', (f) => f.arithSt0(ArithOp.Subr, 1));
def('FDIV_ST0_ST1', 2, 'none', (f) => f.arithSt0(ArithOp.Div, 1));
def('FDIVR_ST0_ST1', 2, 'none', (f) => f.arithSt0(ArithOp.Divr, 1));
def('FADD_ST0_ST0', 1, 'none', (f) => f.arithSt0(ArithOp.Add, 0));
def('FSUB_ST0_ST2', 3, 'none', (f) => f.arithSt0(ArithOp.Sub, 2));
// DC/DE register forms take the encoded reg field: 4 = FSUBR, 5 = FSUB, 6 = FDIVR, 7 = FDIV.
def('FADD_ST1_ST0', 2, 'none', (f) => f.arithSti(0, 1, false));
def('FMUL_ST1_ST0', 2, 'none', (f) => f.arithSti(1, 1, false));
def('FSUBR_ST1_ST0', 2, 'none', (f) => f.arithSti(4, 1, false));
def('FSUB_ST1_ST0', 2, 'none', (f) => f.arithSti(5, 1, false));
def('FDIVR_ST1_ST0', 2, 'none', (f) => f.arithSti(6, 1, false));
def('FDIV_ST1_ST0', 2, 'none', (f) => f.arithSti(7, 1, false));
def('FCOM2_ST1', 2, 'none', (f) => f.fcom(1, 0, false));
def('FCOMP3_ST1', 2, 'none', (f) => f.fcom(1, 1, false));
def('FADDP_ST1', 2, 'none', (f) => f.arithSti(0, 1, true));
def('FMULP_ST1', 2, 'none', (f) => f.arithSti(1, 1, true));
def('FSUBRP_ST1', 2, 'none', (f) => f.arithSti(4, 1, true));
def('FSUBP_ST1', 2, 'none', (f) => f.arithSti(5, 1, true));
def('FDIVRP_ST1', 2, 'none', (f) => f.arithSti(6, 1, true));
def('FDIVP_ST1', 2, 'none', (f) => f.arithSti(7, 1, true));
def('FADDP_ST2', 3, 'none', (f) => f.arithSti(0, 2, true));
def('FCOMP5_ST1', 2, 'none', (f) => f.fcom(1, 1, false));
def('FCOMPP', 2, 'none', (f) => f.fcom(1, 2, false));
def('FUCOM_ST1', 2, 'none', (f) => f.fcom(1, 0, true));
def('FUCOMP_ST1', 2, 'none', (f) => f.fcom(1, 1, true));
def('FUCOMPP', 2, 'none', (f) => f.fcom(1, 2, true));
def('FCOMI_ST1', 2, 'none', (f, m) => { m.eflags = f.fcomi(1, false, false); });
def('FCOMIP_ST1', 2, 'none', (f, m) => { m.eflags = f.fcomi(1, true, false); });
def('FUCOMI_ST1', 2, 'none', (f, m) => { m.eflags = f.fcomi(1, false, true); });
def('FUCOMIP_ST1', 2, 'none', (f, m) => { m.eflags = f.fcomi(1, true, true); });
def('FXCH_ST1', 2, 'none', (f) => f.fxch(1));
def('FXCH_ST3', 4, 'none', (f) => f.fxch(3));
def('FCHS', 1, 'none', (f) => f.fchs());
def('FABS', 1, 'none', (f) => f.fabs());
def('FTST', 1, 'none', (f) => f.ftst());
def('FXAM', 1, 'none', (f) => f.fxam());
def('FXTRACT', 1, 'none', (f) => f.fxtract());
def('FPREM1', 2, 'none', (f) => f.fprem(true), remainderOperands);
def('FPREM', 2, 'none', (f) => f.fprem(false), remainderOperands);
def('FDECSTP', 2, 'none', (f) => f.fdecstp());
def('FINCSTP', 2, 'none', (f) => f.fincstp());
def('FSQRT', 1, 'none', (f) => f.fsqrt(), mostlyPositive);
def('FRNDINT', 1, 'none', (f) => f.frndint(), nearInteger);
def('FSCALE', 2, 'none', (f) => f.fscale(), scaleOperands);
defApprox('F2XM1', 1, (f) => f.f2xm1(), (r) => [unitRange(r), randomF80(r), randomF80(r)]);
defApprox('FYL2X', 2, (f) => f.fyl2x(), logOperands);
defApprox('FYL2XP1', 2, (f) => f.fyl2xp1(), (r) => [r.chance(0.8) ? normalIn(r, BIAS - 70, BIAS - 2) : randomF80(r), randomF80(r), randomF80(r)]);
defApprox('FSIN', 1, (f) => f.fsin(), trigOperands);
defApprox('FCOS', 1, (f) => f.fcos(), trigOperands);
defApprox('FSINCOS', 1, (f) => f.fsincos(), trigOperands);
defApprox('FPTAN', 1, (f) => f.fptan(), trigOperands);
defApprox('FPATAN', 2, (f) => f.fpatan());
def('FNOP', 1, 'none', () => {});
def('FFREE_ST1', 2, 'none', (f) => f.ffree(1));
def('FFREEP_ST1', 2, 'none', (f) => f.ffreep(1));
def('FNCLEX', 1, 'none', (f) => f.fnclex());
def('FNINIT', 1, 'none', (f) => f.fninit());
def('FLDCW', 1, 'cw', (f, m) => f.fldcw(m.u16(0)));
def('FNSTCW', 1, 'none', (f, m) => m.w16(0, f.fnstcw()));
def('FNSTSW_M16', 1, 'none', (f, m) => m.w16(0, f.fnstsw()));
def('FNSTSW_AX', 1, 'none', (f, m) => { m.ax = f.fnstsw(); });
// The state images: the C helper patches the current image from the memory operand (see x87ref.c).
def('FNSTENV', 2, 'none', (f, m) => {
  const img = new Uint8Array(ENV_SIZE);
  f.fnstenv(img, 0);
  m.bytes.set(img.subarray(0, 12));
});
def('FLDENV', 3, 'image', (f, m) => {
  const img = new Uint8Array(ENV_SIZE);
  storeEnv(f, img, 0, false);
  img.set(m.bytes.subarray(0, 2), 0);
  img.set(m.bytes.subarray(2, 4), 4);
  img.set(m.bytes.subarray(4, 6), 8);
  f.fldenv(img, 0);
});
def('FRSTOR', 3, 'image', (f, m) => {
  const img = new Uint8Array(SAVE_SIZE);
  f.fnsave(img, 0);
  img.set(m.bytes.subarray(0, 2), 0);
  img.set(m.bytes.subarray(2, 4), 4);
  img.set(m.bytes.subarray(4, 6), 8);
  img.set(m.bytes.subarray(6, 16), ENV_SIZE);
  f.frstor(img, 0);
});
def('FXRSTOR64', 3, 'image', (f, m) => {
  const img = new Uint8Array(FXSAVE_SIZE);
  const xmm = new Uint8Array(256);
  f.fxsave(img, 0, xmm, 0x1f80, true);
  img.set(m.bytes.subarray(0, 5), 0);
  img.set(m.bytes.subarray(6, 16), 32);
  f.fxrstor(img, 0, xmm, true);
});
const CF = 1, PF = 4, ZF = 0x40;
for (const [name, cond] of [
  ['FCMOVB_ST1', (fl: number) => (fl & CF) !== 0],
  ['FCMOVE_ST1', (fl: number) => (fl & ZF) !== 0],
  ['FCMOVBE_ST1', (fl: number) => (fl & (CF | ZF)) !== 0],
  ['FCMOVU_ST1', (fl: number) => (fl & PF) !== 0],
  ['FCMOVNB_ST1', (fl: number) => (fl & CF) === 0],
  ['FCMOVNE_ST1', (fl: number) => (fl & ZF) === 0],
  ['FCMOVNBE_ST1', (fl: number) => (fl & (CF | ZF)) === 0],
  ['FCMOVNU_ST1', (fl: number) => (fl & PF) === 0],
] as const) {
  def(name, 2, 'none', (f, m) => f.fcmov(1, cond(m.flagsIn)));
}

export const OPS: ReadonlyMap<string, OpSpec> = ops;
