/**
 * The emulated side of the host differential test: for each op of
 * testdata/x87ref.c, how to run it on an Fpu and how to generate its operands,
 * and the record layout shared with the C helper.
 */
import { ArithOp, Const, Fpu } from '../fpu.js';
import { F80 } from '../float80.js';
import { storeState } from '../image.js';
import { IN_SIZE, OUT_SIZE, SAVE_AT } from './host-reference.js';
import { BIAS, Rng, normalIn, randomF80, relatedF80 } from './random.js';

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

export type MemKind = 'none' | 'f32' | 'f64' | 'f80' | 'i16' | 'i32' | 'i64' | 'bcd' | 'cw';

export interface OpSpec {
  /** Stack operands the op reads (the usual depth). */
  stack: number;
  mem: MemKind;
  run(f: Fpu, m: Mem): void;
  /** Operands st[0..2]; defaults to related random values. */
  gen?(r: Rng): F80[];
}

export interface Case {
  op: string;
  cw: number;
  sw: number;
  depth: number;
  flags: number;
  mem: Uint8Array;
  st: F80[];
}

const ONE = new F80().set(0x3fff, 0x80000000, 0);

// ---------------------------------------------------------------------------
// The op table.

const ops = new Map<string, OpSpec>();

function def(name: string, stack: number, mem: MemKind, run: (f: Fpu, m: Mem) => void, gen?: (r: Rng) => F80[]): void {
  ops.set(name, { stack, mem, run, gen });
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
def('FNOP', 1, 'none', () => {});
def('FFREE_ST1', 2, 'none', (f) => f.ffree(1));
def('FFREEP_ST1', 2, 'none', (f) => f.ffreep(1));
def('FNCLEX', 1, 'none', (f) => f.fnclex());
def('FNINIT', 1, 'none', (f) => f.fninit());
def('FLDCW', 1, 'cw', (f, m) => f.fldcw(m.u16(0)));
def('FNSTCW', 1, 'none', (f, m) => m.w16(0, f.fnstcw()));
def('FNSTSW_M16', 1, 'none', (f, m) => m.w16(0, f.fnstsw()));
def('FNSTSW_AX', 1, 'none', (f, m) => { m.ax = f.fnstsw(); });
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

// ---------------------------------------------------------------------------
// Case generation.

function memOperand(r: Rng, kind: MemKind, out: Uint8Array): void {
  const dv = new DataView(out.buffer, out.byteOffset, 16);
  for (let i = 0; i < 16; i++) out[i] = r.u32() & 0xff;
  switch (kind) {
    case 'f32': {
      const v = randomF80(r, BIAS, 150);
      const e = r.below(10);
      // Float patterns: specials and denormals by construction, else random bits.
      const bits = e === 0 ? (r.u32() & 0x807fffff) >>> 0 // zero or denormal
        : e === 1 ? ((r.u32() & 0x807fffff) | 0x7f800000) >>> 0 // inf or NaN
        : ((v.se & 0x8000) << 16 | (r.below(254) + 1) << 23 | (v.hi >>> 8) & 0x7fffff) >>> 0;
      dv.setUint32(0, e === 2 ? r.u32() : bits, true);
      break;
    }
    case 'f64': {
      const e = r.below(10);
      let hi = r.u32();
      let lo = r.bits32();
      if (e === 0) hi &= 0x800fffff; // zero or denormal
      else if (e === 1) hi = (hi & 0x800fffff) | 0x7ff00000;
      else if (e < 8) hi = (hi & 0x800fffff) | ((1023 - 60 + r.below(120)) << 20);
      if (e === 0 && r.chance(0.3)) { hi &= 0x80000000; lo = r.chance(0.5) ? 0 : lo; }
      dv.setUint32(0, lo >>> 0, true);
      dv.setUint32(4, hi >>> 0, true);
      break;
    }
    case 'f80': {
      const v = randomF80(r);
      dv.setUint32(0, v.lo, true);
      dv.setUint32(4, v.hi, true);
      dv.setUint16(8, v.se, true);
      break;
    }
    case 'i16':
      dv.setUint16(0, r.pick([0, 1, 0xffff, 0x8000, 0x7fff, r.u32(), r.u32() & 0xff, -r.below(300)]) & 0xffff, true);
      break;
    case 'i32':
      dv.setUint32(0, r.pick([0, 1, 0xffffffff, 0x80000000, 0x7fffffff, r.u32(), r.u32() >>> r.below(32), -r.below(100000)]) >>> 0, true);
      break;
    case 'i64': {
      const hi = r.pick([0, 0xffffffff, 0x80000000, 0x7fffffff, r.u32(), r.u32() >>> r.below(32)]);
      dv.setUint32(0, r.bits32(), true);
      dv.setUint32(4, hi >>> 0, true);
      break;
    }
    case 'bcd': {
      for (let i = 0; i < 9; i++) out[i] = (r.below(10) << 4) | r.below(10);
      if (r.chance(0.05)) out[r.below(9)] |= 0xa0; // an invalid digit
      if (r.chance(0.3)) for (let i = 9 - r.below(9); i < 9; i++) out[i] = 0;
      out[9] = r.chance(0.5) ? 0x80 : 0;
      if (r.chance(0.05)) out[9] |= r.u32() & 0x7f;
      break;
    }
    case 'cw':
      dv.setUint16(0, r.u32() & 0xffff, true);
      break;
    default:
      break;
  }
}

/** A control word: all exceptions masked unless `unmasked`, random PC and RC. */
export function randomCw(r: Rng, unmasked = false): number {
  const masks = unmasked ? r.u32() & 0x3f : 0x3f;
  return (masks | 0x40 | (r.below(4) << 8) | (r.below(4) << 10)) & 0xffff;
}

export function randomCase(r: Rng, op: string, spec: OpSpec, unmasked = false): Case {
  const st = spec.gen ? spec.gen(r) : (() => {
    const a = randomF80(r);
    return [a, relatedF80(r, a), randomF80(r)];
  })();
  let depth = spec.stack;
  const k = r.below(100);
  if (k < 4) depth = Math.max(0, depth - 1); // stack underflow
  else if (k < 8) depth = 8; // stack full: overflow on push
  else if (k < 12) depth = r.below(9);
  const mem = new Uint8Array(16);
  memOperand(r, spec.mem, mem);
  const cw = randomCw(r, unmasked);
  // Preset exception flags only where masked: an unmasked one would fault the op itself.
  const sw = r.chance(0.8) ? r.u32() & 0x4700 : r.u32() & (0x4740 | (cw & 0x3f));
  return { op, cw, sw, depth, flags: r.u32() & 0x45, mem, st };
}

export function encodeCases(cases: readonly Case[], opIndex: ReadonlyMap<string, number>): Uint8Array {
  const buf = new Uint8Array(cases.length * IN_SIZE);
  const dv = new DataView(buf.buffer);
  cases.forEach((c, n) => {
    const o = n * IN_SIZE;
    const idx = opIndex.get(c.op);
    if (idx === undefined) throw new Error(`op ${c.op} unknown to the host reference`);
    dv.setUint16(o, idx, true);
    dv.setUint16(o + 2, c.cw, true);
    dv.setUint16(o + 4, c.sw, true);
    buf[o + 6] = c.depth;
    buf[o + 7] = c.flags;
    buf.set(c.mem, o + 16);
    c.st.forEach((v, i) => {
      dv.setUint32(o + 32 + 16 * i, v.lo, true);
      dv.setUint32(o + 36 + 16 * i, v.hi, true);
      dv.setUint16(o + 40 + 16 * i, v.se, true);
    });
  });
  return buf;
}

/** Runs a case on a fresh Fpu exactly as the C helper runs it on the host; returns the output record. */
export function emulate(c: Case, spec: OpSpec): Uint8Array {
  const f = new Fpu();
  f.fldcw(c.cw);
  for (let k = c.depth; k > 0; k--) {
    const v = k > 3 ? ONE : c.st[k - 1];
    f.fldF80(v.lo, v.hi, v.se);
  }
  f.sw = c.sw & 0x477f;
  const m = new Mem(c.flags);
  m.bytes.set(c.mem);
  spec.run(f, m);
  const out = new Uint8Array(OUT_SIZE);
  const dv = new DataView(out.buffer);
  out.set(m.bytes, 0);
  dv.setUint32(16, m.eflags, true);
  dv.setUint16(20, m.ax, true);
  storeState(f, out, SAVE_AT);
  return out;
}

/**
 * Byte ranges of the output that legitimately differ: FIP, FOP and FDP record
 * host addresses and opcodes (the host keeps FOP only after an unmasked
 * exception), which only the CPU can supply.
 */
const IGNORED: ReadonlyArray<[number, number]> = [[SAVE_AT + 12, SAVE_AT + 24]];

export function sameOutput(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < OUT_SIZE; i++) {
    if (a[i] !== b[i] && !IGNORED.some(([lo, hi]) => i >= lo && i < hi)) return false;
  }
  return true;
}

const hex = (v: number, w: number) => v.toString(16).padStart(w, '0');

function f80At(b: Uint8Array, o: number): string {
  const dv = new DataView(b.buffer, b.byteOffset);
  return `${hex(dv.getUint16(o + 8, true), 4)}:${hex(dv.getUint32(o + 4, true), 8)}${hex(dv.getUint32(o, true), 8)}`;
}

export function describeCase(c: Case): string {
  const mem = [...c.mem.subarray(0, 10)].map((x) => hex(x, 2)).join('');
  return `${c.op} cw=${hex(c.cw, 4)} sw=${hex(c.sw, 4)} depth=${c.depth} flags=${hex(c.flags, 2)} mem=${mem} ` +
    `st0=${f80At(stBytes(c.st[0]), 0)} st1=${f80At(stBytes(c.st[1]), 0)} st2=${f80At(stBytes(c.st[2]), 0)}`;
}

function stBytes(v: F80): Uint8Array {
  const b = new Uint8Array(10);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, v.lo, true);
  dv.setUint32(4, v.hi, true);
  dv.setUint16(8, v.se, true);
  return b;
}

/** The fields that differ between two output records, one per line. */
export function describeDiff(host: Uint8Array, emu: Uint8Array): string {
  const dvh = new DataView(host.buffer, host.byteOffset);
  const dve = new DataView(emu.buffer, emu.byteOffset);
  const lines: string[] = [];
  const field = (name: string, h: string, e: string) => { if (h !== e) lines.push(`  ${name}: host ${h} emu ${e}`); };
  field('mem', [...host.subarray(0, 10)].map((x) => hex(x, 2)).join(''), [...emu.subarray(0, 10)].map((x) => hex(x, 2)).join(''));
  field('eflags', hex(dvh.getUint32(16, true), 3), hex(dve.getUint32(16, true), 3));
  field('ax', hex(dvh.getUint16(20, true), 4), hex(dve.getUint16(20, true), 4));
  field('cw', hex(dvh.getUint16(SAVE_AT, true), 4), hex(dve.getUint16(SAVE_AT, true), 4));
  field('sw', hex(dvh.getUint16(SAVE_AT + 4, true), 4), hex(dve.getUint16(SAVE_AT + 4, true), 4));
  field('tw', hex(dvh.getUint16(SAVE_AT + 8, true), 4), hex(dve.getUint16(SAVE_AT + 8, true), 4));
  field('fds', hex(dvh.getUint32(SAVE_AT + 24, true), 8), hex(dve.getUint32(SAVE_AT + 24, true), 8));
  for (let i = 0; i < 8; i++) field(`st${i}`, f80At(host, SAVE_AT + 28 + 10 * i), f80At(emu, SAVE_AT + 28 + 10 * i));
  return lines.join('\n');
}
