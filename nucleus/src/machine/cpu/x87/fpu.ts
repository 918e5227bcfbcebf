/**
 * The x87 register-stack machine: eight physical registers addressed relative
 * to TOP, the tag state, the control and status words, and one method per
 * instruction form. It never touches guest memory: memory operands come in as
 * numbers and store forms leave their result in out0/out1/out2 (see README.md
 * for the calling contract, including how #MF is reported).
 *
 * Exceptions follow the host in both responses. Masked: the default result
 * (indefinite, infinity, denormal...) and the sticky flag. Unmasked: the flag,
 * ES and B (the pending #MF), with the result suppressed for IE, DE and ZE (and
 * for OE/UE on a memory destination) and, for OE/UE on a register, delivered
 * with its exponent wrapped by 24576.
 */
import { add, div, mul, sqrt } from './arith.js';
import { Order, compare, examine, examineEmpty, orderCodes } from './compare.js';
import { fromBcd, fromF32, fromF64, fromInt32, fromInt64, toBcd, toF32, toF64, toInt } from './convert.js';
import { BIAS, Cw, F80, Kind, Rc, Sw, W, fpStatus, kindOf, propagateNaN1, setIndefinite, w } from './float80.js';
import { fxrstor, fxsave, loadEnv, loadState, storeEnv, storeState } from './image.js';
import { remainder } from './remainder.js';
import { extract, roundInt, scale } from './scale.js';
import { Trig, f2xm1, fpatan, fyl2x, fyl2xp1, trig } from './transcendental.js';

/** The ModRM reg field of the D8/DA/DC/DE arithmetic group. */
export const enum ArithOp { Add = 0, Mul = 1, Com = 2, Comp = 3, Sub = 4, Subr = 5, Div = 6, Divr = 7 }

/** EFLAGS bits FCOMI sets (OF, SF and AF are cleared). */
export const enum Eflags { CF = 0x1, PF = 0x4, ZF = 0x40 }

/** The load-constant instructions, in D9 E8..EE order. */
export const enum Const { One = 0, L2T = 1, L2E = 2, Pi = 3, LG2 = 4, LN2 = 5, Zero = 6 }

// Significand of each constant and the sign of the bits beyond it: round-to-nearest
// rounds up when `nearestUp`; directed rounding rounds up (away) when `inexact`.
const CONSTANTS: ReadonlyArray<readonly [se: number, hi: number, lo: number, nearestUp: boolean, inexact: boolean]> = [
  [0x3fff, 0x80000000, 0x00000000, false, false], // 1
  [0x4000, 0xd49a784b, 0xcd1b8afe, false, true], // log2(10) = ...afe 492b f6ff
  [0x3fff, 0xb8aa3b29, 0x5c17f0bb, true, true], // log2(e) = ...0bb be87 fed0
  [0x4000, 0xc90fdaa2, 0x2168c234, true, true], // pi = ...234 c4c6 628b
  [0x3ffd, 0x9a209a84, 0xfbcff798, true, true], // log10(2) = ...798 8f89 59ac
  [0x3ffe, 0xb17217f7, 0xd1cf79ab, true, true], // ln(2) = ...9ab c9e3 b398
  [0x0000, 0x00000000, 0x00000000, false, false], // +0
];

const TAG_EMPTY = 3;

export class Fpu {
  /** Physical registers R0..R7; ST(i) is regs[(top + i) & 7]. */
  readonly regs: F80[] = [new F80(), new F80(), new F80(), new F80(), new F80(), new F80(), new F80(), new F80()];
  top = 0;
  /** Bit r set when physical register r is empty (the inverse of FXSAVE's abridged tag). */
  emptyMask = 0xff;
  cw: number = Cw.Default;
  /** Status word without TOP, ES and B, which statusWord() derives. */
  sw = 0;
  /** Last instruction and operand pointers and opcode, for FNSTENV/FXSAVE. The CPU may keep them current. */
  fip = 0;
  fcs = 0;
  fdp = 0;
  fds = 0;
  fop = 0;
  /** Results of the store forms: low 32 bits, next 32 bits, and bits 64..79 (80-bit and BCD stores). */
  out0 = 0;
  out1 = 0;
  out2 = 0;

  private undoTop = 0;
  private undoEmpty = 0;
  private undoSw = 0;
  private readonly tmp = new F80();
  private readonly tmp2 = new F80();

  // -------------------------------------------------------------------------
  // State access.

  /** Copies every architectural field of another Fpu (thread creation, fork). */
  copyFrom(o: Fpu): void {
    for (let r = 0; r < 8; r++) this.regs[r].copy(o.regs[r]);
    this.top = o.top;
    this.emptyMask = o.emptyMask;
    this.cw = o.cw;
    this.sw = o.sw;
    this.fip = o.fip;
    this.fcs = o.fcs;
    this.fdp = o.fdp;
    this.fds = o.fds;
    this.fop = o.fop;
  }

  st(i: number): F80 {
    return this.regs[(this.top + i) & 7];
  }

  isEmpty(i: number): boolean {
    return ((this.emptyMask >>> ((this.top + i) & 7)) & 1) !== 0;
  }

  statusWord(): number {
    let sw = this.sw | (this.top << Sw.TopShift);
    if ((this.sw & ~this.cw & Sw.Exceptions) !== 0) sw |= Sw.ES | Sw.B;
    return sw;
  }

  /** True when an unmasked exception is pending: the next waiting x87 instruction (and FWAIT) must raise #MF instead. */
  get pendingFault(): boolean {
    return (this.sw & ~this.cw & Sw.Exceptions) !== 0;
  }

  setStatusWord(v: number): void {
    this.top = (v >>> Sw.TopShift) & 7;
    this.sw = v & 0x477f;
  }

  /** The full two-bit tag word, computed from the register contents as FNSTENV reports it. */
  tagWord(): number {
    let tw = 0;
    for (let r = 0; r < 8; r++) {
      let tag: number;
      if (((this.emptyMask >>> r) & 1) !== 0) tag = TAG_EMPTY;
      else {
        const v = this.regs[r];
        const e = v.se & 0x7fff;
        if (e === 0) tag = (v.hi | v.lo) === 0 ? 1 : 2;
        else tag = e === 0x7fff || v.hi < 0x80000000 ? 2 : 0;
      }
      tw |= tag << (2 * r);
    }
    return tw;
  }

  /** FLDENV/FRSTOR keep only the empty/non-empty distinction of a loaded tag word. */
  setTagWord(tw: number): void {
    let mask = 0;
    for (let r = 0; r < 8; r++) if (((tw >>> (2 * r)) & 3) === TAG_EMPTY) mask |= 1 << r;
    this.emptyMask = mask;
  }

  // -------------------------------------------------------------------------
  // Instruction bookkeeping.

  private begin(): void {
    fpStatus.flags = 0;
  }

  /**
   * Folds the instruction's exception flags into the status word and sets the
   * condition codes in `mask` to `codes`. An unmasked IE, DE or ZE stops the
   * instruction before it computes anything, so then only those flags remain
   * and C1 reads 0.
   */
  private finish(codes: number, mask: number): void {
    let f = fpStatus.flags;
    if ((f & ~this.cw & (Sw.IE | Sw.DE | Sw.ZE)) !== 0) {
      const c1 = (f & Sw.SF) !== 0 ? f & Sw.C1 : 0; // a stack fault keeps its C1
      f = (f & (Sw.IE | Sw.DE | Sw.ZE | Sw.SF)) | c1;
      codes = (codes & ~Sw.C1) | c1;
    }
    fpStatus.flags = f;
    this.sw = (this.sw & ~mask) | (codes & mask) | (f & (Sw.Exceptions | Sw.SF));
  }

  /** finish() for instructions whose only defined condition code is C1 (round-up or stack-fault indicator). */
  private finishC1(): void {
    this.finish(fpStatus.flags, Sw.C1);
  }

  /** An unmasked IE, DE or ZE suppresses the instruction's result. */
  private suppressed(): boolean {
    return (fpStatus.flags & ~this.cw & (Sw.IE | Sw.DE | Sw.ZE)) !== 0;
  }

  /** Unmasked exceptions that stop a store from writing memory. */
  private storeSuppressed(): boolean {
    return (fpStatus.flags & ~this.cw & (Sw.IE | Sw.DE | Sw.OE | Sw.UE)) !== 0;
  }

  /**
   * Stack underflow: IE + SF with C1 = 0, and nothing else (a stack fault
   * outranks every operand exception). Returns true when the masked response
   * (an indefinite result) applies.
   */
  private underflow(): boolean {
    fpStatus.flags = Sw.IE | Sw.SF;
    return (this.cw & Cw.IM) !== 0;
  }

  private pop(): void {
    this.emptyMask |= 1 << this.top;
    this.top = (this.top + 1) & 7;
  }

  /** Pushes v (which may be this.tmp); a full stack gives IE + SF + C1 and pushes the indefinite. */
  private push(v: F80): void {
    const r = (this.top - 1) & 7;
    if (((this.emptyMask >>> r) & 1) === 0) {
      fpStatus.flags = Sw.IE | Sw.SF | Sw.C1;
      if ((this.cw & Cw.IM) === 0) return;
      setIndefinite(v);
    } else if ((fpStatus.flags & ~this.cw & Sw.IE) !== 0) {
      return; // an unmasked DE still loads (host behaviour)
    }
    this.top = r;
    this.emptyMask &= ~(1 << r);
    this.regs[r].copy(v);
  }

  private rc(): number {
    return (this.cw >>> Cw.RcShift) & 3;
  }

  // -------------------------------------------------------------------------
  // Loads.

  fldF32(bits: number): void {
    this.begin();
    fromF32(this.tmp, bits >>> 0, true);
    this.push(this.tmp);
    this.finishC1();
  }

  fldF64(lo: number, hi: number): void {
    this.begin();
    fromF64(this.tmp, lo >>> 0, hi >>> 0, true);
    this.push(this.tmp);
    this.finishC1();
  }

  /** lo/hi: significand bits 0-31/32-63 (bytes 0-7); se: bytes 8-9. Loaded bit for bit, without any check. */
  fldF80(lo: number, hi: number, se: number): void {
    this.begin();
    this.tmp.set(se & 0xffff, hi >>> 0, lo >>> 0);
    this.push(this.tmp);
    this.finishC1();
  }

  fildI16(v: number): void {
    this.begin();
    fromInt32(this.tmp, (v << 16) >> 16);
    this.push(this.tmp);
    this.finishC1();
  }

  fildI32(v: number): void {
    this.begin();
    fromInt32(this.tmp, v | 0);
    this.push(this.tmp);
    this.finishC1();
  }

  fildI64(lo: number, hi: number): void {
    this.begin();
    fromInt64(this.tmp, lo, hi);
    this.push(this.tmp);
    this.finishC1();
  }

  /** lo: bytes 0-3, hi: bytes 4-7, top: bytes 8-9 of the packed BCD operand. */
  fbld(lo: number, hi: number, top: number): void {
    this.begin();
    fromBcd(this.tmp, lo, hi, top);
    this.push(this.tmp);
    this.finishC1();
  }

  fldSt(i: number): void {
    this.begin();
    if (this.isEmpty(i)) {
      if (!this.underflow()) {
        this.finishC1();
        return;
      }
      setIndefinite(this.tmp);
    } else {
      this.tmp.copy(this.st(i));
    }
    this.push(this.tmp);
    this.finishC1();
  }

  fldConst(k: Const): void {
    this.begin();
    const [se, hi, lo, nearestUp, inexact] = CONSTANTS[k];
    const rc = this.rc();
    let l = lo;
    if (rc === Rc.Nearest ? nearestUp : rc === Rc.Up && inexact) l += 1; // no carry out of lo for these constants
    this.tmp.set(se, hi, l >>> 0);
    this.push(this.tmp);
    this.finishC1();
  }

  // -------------------------------------------------------------------------
  // Stores. Each returns false when an unmasked exception means memory must not
  // be written; the value to write is in out0 (and out1, out2).

  fstF32(pop: boolean): boolean {
    this.beginStore();
    let v: number;
    if (this.isEmpty(0)) {
      if (!this.underflow()) return this.endStore(false, false);
      v = 0xffc00000;
    } else {
      v = toF32(this.st(0), this.cw);
    }
    this.out0 = v;
    return this.endStore(true, pop);
  }

  fstF64(pop: boolean): boolean {
    this.beginStore();
    if (this.isEmpty(0)) {
      if (!this.underflow()) return this.endStore(false, false);
      this.out0 = 0;
      this.out1 = 0xfff80000;
    } else {
      this.out0 = toF64(this.st(0), this.cw);
      this.out1 = w[W.Hi];
    }
    return this.endStore(true, pop);
  }

  /** FSTP m80 (there is no non-popping form). */
  fstpF80(): boolean {
    this.beginStore();
    let v: F80 = this.tmp;
    if (this.isEmpty(0)) {
      if (!this.underflow()) return this.endStore(false, false);
      setIndefinite(v);
    } else {
      v = this.st(0);
    }
    this.out0 = v.lo;
    this.out1 = v.hi;
    this.out2 = v.se;
    return this.endStore(true, true);
  }

  /** FIST/FISTP (bits 16, 32 or 64; 64 only pops) or, with `truncate`, FISTTP. */
  fist(bits: number, pop: boolean, truncate: boolean): boolean {
    this.beginStore();
    if (this.isEmpty(0)) {
      if (!this.underflow()) return this.endStore(false, false);
      this.out0 = bits === 16 ? 0x8000 : bits === 32 ? 0x80000000 : 0;
      this.out1 = 0x80000000;
    } else {
      this.out0 = toInt(this.st(0), bits, truncate ? Rc.Zero : this.rc());
      this.out1 = w[W.Hi];
    }
    return this.endStore(true, pop);
  }

  fbstp(): boolean {
    this.beginStore();
    if (this.isEmpty(0)) {
      if (!this.underflow()) return this.endStore(false, false);
      this.out0 = 0;
      this.out1 = 0xc0000000;
      this.out2 = 0xffff;
    } else {
      this.out0 = toBcd(this.st(0), this.rc());
      this.out1 = w[W.Hi];
      this.out2 = w[W.Top];
    }
    return this.endStore(true, true);
  }

  /** begin() for a store form, remembering the only state a store changes (TOP, tags, status word) for undoStore(). */
  private beginStore(): void {
    this.undoTop = this.top;
    this.undoEmpty = this.emptyMask;
    this.undoSw = this.sw;
    this.begin();
  }

  /**
   * Takes back the last store form (its pop and flags) when its memory write
   * faults: the CPU runs the store first, since a suppressed write touches no
   * memory (and so cannot fault), then writes, and undoes on a fault.
   */
  undoStore(): void {
    this.top = this.undoTop;
    this.emptyMask = this.undoEmpty;
    this.sw = this.undoSw;
  }

  private endStore(write: boolean, pop: boolean): boolean {
    if (write && this.storeSuppressed()) {
      write = false;
      fpStatus.flags &= ~(Sw.PE | Sw.C1); // nothing was stored, so nothing was rounded
    }
    if (write && pop) this.pop();
    this.finishC1();
    return write;
  }

  /** FST/FSTP ST(i). */
  fstSt(i: number, pop: boolean): void {
    this.begin();
    if (this.isEmpty(0)) {
      if (this.underflow()) {
        setIndefinite(this.st(i));
        this.emptyMask &= ~(1 << ((this.top + i) & 7));
        if (pop) this.pop();
      }
    } else {
      this.st(i).copy(this.st(0));
      this.emptyMask &= ~(1 << ((this.top + i) & 7));
      if (pop) this.pop();
    }
    this.finishC1();
  }

  /**
   * D9 D8+i, the undocumented FSTP alias (iced-x86's FSTPNCE): FSTP ST(i)
   * without the stack check. On the host an empty ST(0) raises nothing and
   * writes nothing, ST(i) keeps its value and tag, and the stack still pops;
   * C1 is cleared either way.
   */
  fstpNoCheck(i: number): void {
    if (!this.isEmpty(0)) {
      this.st(i).copy(this.st(0));
      this.emptyMask &= ~(1 << ((this.top + i) & 7));
    }
    this.pop();
    this.sw &= ~Sw.C1;
  }

  // -------------------------------------------------------------------------
  // Arithmetic.

  /** D8/DC memory forms: ST(0) = ST(0) op m32/m64 (FCOM/FCOMP compare instead). */
  arithF32(op: ArithOp, bits: number): void {
    this.begin();
    fromF32(this.tmp2, bits >>> 0, false);
    this.arithMem(op);
  }

  arithF64(op: ArithOp, lo: number, hi: number): void {
    this.begin();
    fromF64(this.tmp2, lo >>> 0, hi >>> 0, false);
    this.arithMem(op);
  }

  /** DE/DA memory forms: ST(0) = ST(0) op m16int/m32int (FICOM/FICOMP compare). */
  arithI16(op: ArithOp, v: number): void {
    this.begin();
    fromInt32(this.tmp2, (v << 16) >> 16);
    this.arithMem(op);
  }

  arithI32(op: ArithOp, v: number): void {
    this.begin();
    fromInt32(this.tmp2, v | 0);
    this.arithMem(op);
  }

  private arithMem(op: ArithOp): void {
    // A denormal m32/m64 operand is normal once widened, so its DE is decided
    // here: a NaN or unsupported ST(0), or a division by a zero ST(0), outranks it.
    if ((fpStatus.flags & Sw.DE) !== 0 && !this.isEmpty(0)) {
      const k = kindOf(this.st(0));
      if (k >= Kind.QNaN || (op === ArithOp.Divr && k === Kind.Zero)) fpStatus.flags &= ~Sw.DE;
    }
    if (op === ArithOp.Com || op === ArithOp.Comp) {
      this.compareWith(this.isEmpty(0), this.tmp2, false, op === ArithOp.Comp ? 1 : 0);
      return;
    }
    this.operate(op, 0, this.isEmpty(0), this.tmp2, false);
  }

  /** D8 register forms: ST(0) = ST(0) op ST(i), or FCOM/FCOMP ST(i). */
  arithSt0(op: ArithOp, i: number): void {
    this.begin();
    if (op === ArithOp.Com || op === ArithOp.Comp) {
      this.compareWith(this.isEmpty(0) || this.isEmpty(i), this.st(i), false, op === ArithOp.Comp ? 1 : 0);
      return;
    }
    this.operate(op, 0, this.isEmpty(0) || this.isEmpty(i), this.st(i), false);
  }

  /**
   * DC and DE register forms: ST(i) = ST(i) op ST(0), popping for DE. `op` is
   * the encoded reg field, in which FSUB/FSUBR and FDIV/FDIVR are swapped
   * (DC E0+i is FSUBR: ST(i) = ST(0) - ST(i)). Ops 2 and 3 are not valid here.
   */
  arithSti(op: ArithOp, i: number, pop: boolean): void {
    this.begin();
    const real = op >= ArithOp.Sub ? op ^ 1 : op;
    this.operate(real, i, this.isEmpty(0) || this.isEmpty(i), this.st(0), pop);
  }

  /** ST(dst) = ST(dst) op src, with the stack-underflow response when `empty`. */
  private operate(op: ArithOp, dst: number, empty: boolean, src: F80, pop: boolean): void {
    const d = this.st(dst);
    const out = this.tmp;
    if (empty) {
      if (!this.underflow()) {
        this.finishC1();
        return;
      }
      setIndefinite(out);
    } else {
      const cw = this.cw;
      switch (op) {
        case ArithOp.Add: add(out, d, src, cw, false); break;
        case ArithOp.Mul: mul(out, d, src, cw); break;
        case ArithOp.Sub: add(out, d, src, cw, true); break;
        case ArithOp.Subr: add(out, src, d, cw, true); break;
        case ArithOp.Div: div(out, d, src, cw); break;
        default: div(out, src, d, cw); break;
      }
      if (this.suppressed()) {
        this.finishC1();
        return;
      }
    }
    d.copy(out);
    this.emptyMask &= ~(1 << ((this.top + dst) & 7));
    if (pop) this.pop();
    this.finishC1();
  }

  // -------------------------------------------------------------------------
  // Comparisons.

  private compareWith(empty: boolean, src: F80, quiet: boolean, pops: number): void {
    let order: Order;
    if (empty) {
      order = Order.Unordered;
      if (!this.underflow()) pops = 0;
    } else {
      order = compare(this.st(0), src, quiet);
      if (this.suppressed()) pops = 0;
    }
    for (let k = 0; k < pops; k++) this.pop();
    this.finish(orderCodes(order), Sw.C0 | Sw.C1 | Sw.C2 | Sw.C3);
  }

  /** FCOM/FCOMP/FCOMPP (quiet = false) and FUCOM/FUCOMP/FUCOMPP (quiet = true) against ST(i); pops 0, 1 or 2. */
  fcom(i: number, pops: number, quiet: boolean): void {
    this.begin();
    this.compareWith(this.isEmpty(0) || this.isEmpty(i), this.st(i), quiet, pops);
  }

  /** FCOMI/FCOMIP/FUCOMI/FUCOMIP: returns the new ZF/PF/CF (OF, SF, AF become 0). */
  fcomi(i: number, pop: boolean, quiet: boolean): number {
    this.begin();
    let order: Order;
    let pops = pop ? 1 : 0;
    if (this.isEmpty(0) || this.isEmpty(i)) {
      order = Order.Unordered;
      if (!this.underflow()) pops = 0;
    } else {
      order = compare(this.st(0), this.st(i), quiet);
      if (this.suppressed()) pops = 0;
    }
    if (pops !== 0) this.pop();
    this.finish(0, (fpStatus.flags & Sw.SF) !== 0 ? Sw.C1 : 0); // C1 is untouched unless the stack faults
    return order === Order.Greater ? 0
      : order === Order.Less ? Eflags.CF
      : order === Order.Equal ? Eflags.ZF
      : Eflags.ZF | Eflags.PF | Eflags.CF;
  }

  ftst(): void {
    this.begin();
    this.tmp2.set(0, 0, 0);
    this.compareWith(this.isEmpty(0), this.tmp2, false, 0);
  }

  fxam(): void {
    this.begin();
    const codes = this.isEmpty(0) ? examineEmpty(this.st(0)) : examine(this.st(0));
    this.finish(codes, Sw.C0 | Sw.C1 | Sw.C2 | Sw.C3);
  }

  // -------------------------------------------------------------------------
  // One-operand instructions on ST(0).

  /** Runs fn on ST(0) into tmp and stores it back, with the shared empty/suppression handling. */
  private unary(fn: (out: F80, a: F80, cw: number) => void): void {
    this.begin();
    if (this.isEmpty(0)) {
      if (this.underflow()) {
        setIndefinite(this.st(0));
        this.emptyMask &= ~(1 << this.top);
      }
    } else {
      fn(this.tmp, this.st(0), this.cw);
      if (!this.suppressed()) this.st(0).copy(this.tmp);
    }
    this.finishC1();
  }

  fchs(): void {
    this.unary(negate);
  }

  fabs(): void {
    this.unary(absolute);
  }

  fsqrt(): void {
    this.unary(sqrt);
  }

  frndint(): void {
    this.unary(roundInt);
  }

  /** FSCALE: ST(0) = ST(0) * 2^trunc(ST(1)). */
  fscale(): void {
    this.begin();
    if (this.isEmpty(0) || this.isEmpty(1)) {
      if (this.underflow()) {
        setIndefinite(this.st(0));
        this.emptyMask &= ~(1 << this.top);
      }
    } else {
      scale(this.tmp, this.st(0), this.st(1), this.cw);
      if (!this.suppressed()) this.st(0).copy(this.tmp);
    }
    this.finishC1();
  }

  /** FPREM (ieee = false) and FPREM1. */
  fprem(ieee: boolean): void {
    this.begin();
    let codes = 0;
    if (this.isEmpty(0) || this.isEmpty(1)) {
      if (this.underflow()) {
        setIndefinite(this.st(0));
        this.emptyMask &= ~(1 << this.top);
      }
    } else {
      codes = remainder(this.tmp, this.st(0), this.st(1), this.cw, ieee);
      if (!this.suppressed()) this.st(0).copy(this.tmp);
      else codes = -1;
    }
    // Without a quotient (stack fault, NaN, invalid) C1 and C2 clear and C0, C3 stay.
    if (codes < 0 || (fpStatus.flags & Sw.SF) !== 0) this.finish(0, Sw.C1 | Sw.C2);
    else this.finish(codes, Sw.C0 | Sw.C1 | Sw.C2 | Sw.C3);
  }

  // -------------------------------------------------------------------------
  // Transcendentals.

  f2xm1(): void {
    this.unary(f2xm1);
  }

  /** Shared shape of FYL2X, FYL2XP1 and FPATAN: ST(1) = fn(ST(0), ST(1)), then pop. */
  private binaryPop(fn: (out: F80, st0: F80, st1: F80, cw: number) => void): void {
    this.begin();
    if (this.isEmpty(0) || this.isEmpty(1)) {
      if (this.underflow()) {
        setIndefinite(this.st(1));
        this.emptyMask &= ~(1 << ((this.top + 1) & 7));
        this.pop();
      }
    } else {
      fn(this.tmp, this.st(0), this.st(1), this.cw);
      if (!this.suppressed()) {
        this.st(1).copy(this.tmp);
        this.pop();
      }
    }
    this.finishC1();
  }

  fyl2x(): void {
    this.binaryPop(fyl2x);
  }

  fyl2xp1(): void {
    this.binaryPop(fyl2xp1);
  }

  /** FPATAN: ST(1) = atan(ST(1) / ST(0)) with the quadrant from both signs, then pop. */
  fpatan(): void {
    this.binaryPop(atan2StackOrder);
  }

  fsin(): void {
    this.trigonometric(Trig.Sin, false);
  }

  fcos(): void {
    this.trigonometric(Trig.Cos, false);
  }

  /** FPTAN: ST(0) = tan(ST(0)), then push 1.0. */
  fptan(): void {
    this.trigonometric(Trig.Tan, true);
  }

  /** FSINCOS: ST(0) = sin(ST(0)), then push cos. */
  fsincos(): void {
    this.trigonometric(Trig.Sin, true);
  }

  /**
   * FSIN/FCOS/FPTAN/FSINCOS. An operand outside +-2^63 sets C2 and changes
   * nothing (the guest reduces it with FPREM and retries); otherwise C2 = 0.
   * With `push`, a second result (1.0 for FPTAN, cos for FSINCOS) goes on top.
   */
  private trigonometric(fn: Trig, push: boolean): void {
    this.begin();
    const a = this.st(0);
    if (this.isEmpty(0)) {
      if (this.underflow()) {
        setIndefinite(a);
        this.emptyMask &= ~(1 << this.top);
        if (push) this.push(this.tmp.set(0xffff, 0xc0000000, 0));
      }
      this.finish(fpStatus.flags, Sw.C1 | Sw.C2);
      return;
    }
    if (push && ((this.emptyMask >>> ((this.top - 1) & 7)) & 1) === 0) {
      // Stack overflow: IE, SF, C1; the masked response makes both results the indefinite.
      if ((this.cw & Cw.IM) !== 0) setIndefinite(a);
      this.push(this.tmp);
      this.finish(fpStatus.flags, Sw.C1 | Sw.C2);
      return;
    }
    const k = kindOf(a);
    if (k === Kind.Normal && (a.se & 0x7fff) >= BIAS + 63) {
      this.finish(Sw.C2, Sw.C1 | Sw.C2);
      return;
    }
    const second = this.tmp2;
    if (propagateNaN1(this.tmp, a, k)) {
      second.copy(this.tmp);
    } else if (k === Kind.Infinity) {
      fpStatus.flags |= Sw.IE;
      setIndefinite(this.tmp);
      setIndefinite(second);
    } else {
      trig(this.tmp, a, fn, this.cw);
      if (push) {
        if (fn === Trig.Tan) second.set(0x3fff, 0x80000000, 0);
        else {
          fpStatus.flags &= ~Sw.C1; // FSINCOS reports the round-up of the cosine
          trig(second, a, Trig.Cos, this.cw);
        }
      }
    }
    if (!this.suppressed()) {
      a.copy(this.tmp);
      if (push) this.push(second);
    }
    this.finish(fpStatus.flags, Sw.C1 | Sw.C2);
  }

  /** FXTRACT: ST(0) becomes the exponent and the significand is pushed above it. */
  fxtract(): void {
    this.begin();
    const r = (this.top - 1) & 7;
    if (this.isEmpty(0)) {
      if (this.underflow()) {
        setIndefinite(this.tmp);
        setIndefinite(this.tmp2);
      } else {
        this.finishC1();
        return;
      }
    } else if (((this.emptyMask >>> r) & 1) === 0) {
      fpStatus.flags |= Sw.IE | Sw.SF | Sw.C1;
      if ((this.cw & Cw.IM) === 0) {
        this.finishC1();
        return;
      }
      setIndefinite(this.tmp);
      setIndefinite(this.tmp2);
    } else {
      extract(this.tmp, this.tmp2, this.st(0));
      if (this.suppressed()) {
        this.finishC1();
        return;
      }
    }
    this.st(0).copy(this.tmp);
    this.emptyMask &= ~(1 << this.top);
    this.top = r;
    this.emptyMask &= ~(1 << r);
    this.regs[r].copy(this.tmp2);
    this.finishC1();
  }

  // -------------------------------------------------------------------------
  // Register moves and stack control.

  fxch(i: number): void {
    this.begin();
    const a = (this.top) & 7;
    const b = (this.top + i) & 7;
    if (this.isEmpty(0) || this.isEmpty(i)) {
      if (!this.underflow()) {
        this.finishC1();
        return;
      }
      if (this.isEmpty(0)) setIndefinite(this.regs[a]);
      if (this.isEmpty(i)) setIndefinite(this.regs[b]);
      this.emptyMask &= ~((1 << a) | (1 << b));
    }
    const t = this.regs[a];
    this.regs[a] = this.regs[b];
    this.regs[b] = t;
    this.finishC1();
  }

  /** FCMOVcc ST(0), ST(i): the CPU evaluates the condition from EFLAGS. */
  fcmov(i: number, cond: boolean): void {
    this.begin();
    if (this.isEmpty(0) || this.isEmpty(i)) {
      if (this.underflow()) {
        setIndefinite(this.st(0));
        this.emptyMask &= ~(1 << this.top);
      }
    } else if (cond) {
      this.st(0).copy(this.st(i));
    }
    this.finish(0, (fpStatus.flags & Sw.SF) !== 0 ? Sw.C1 : 0);
  }

  ffree(i: number): void {
    this.emptyMask |= 1 << ((this.top + i) & 7);
    this.sw &= ~Sw.C1;
  }

  /** FFREEP ST(i) (DF C0+i): free, then pop. */
  ffreep(i: number): void {
    this.ffree(i);
    this.pop();
  }

  fincstp(): void {
    this.top = (this.top + 1) & 7;
    this.sw &= ~Sw.C1;
  }

  fdecstp(): void {
    this.top = (this.top - 1) & 7;
    this.sw &= ~Sw.C1;
  }

  fninit(): void {
    this.cw = Cw.Default;
    this.sw = 0;
    this.top = 0;
    this.emptyMask = 0xff;
    this.fip = this.fcs = this.fdp = this.fds = this.fop = 0;
  }

  fnclex(): void {
    this.sw &= ~(Sw.Exceptions | Sw.SF);
  }

  fldcw(v: number): void {
    // Bit 6 reads as 1 and bits 7, 13-15 as 0 on the host.
    this.cw = (v & 0x1f3f) | 0x40;
  }

  fnstcw(): number {
    return this.cw;
  }

  fnstsw(): number {
    return this.statusWord();
  }

  // -------------------------------------------------------------------------
  // State images (layouts in image.ts). The caller moves the bytes to and from
  // guest memory; for the store forms it must check the destination is writable
  // first, since these change the FPU state.

  /** FNSTENV: the 28-byte environment (14 with `small`, the 16-bit layout), then every exception becomes masked. */
  fnstenv(out: Uint8Array, off: number, small = false): void {
    storeEnv(this, out, off, small);
    this.cw |= Sw.Exceptions;
  }

  fldenv(img: Uint8Array, off: number, small = false): void {
    loadEnv(this, img, off, small);
  }

  /** FNSAVE: the 108-byte state (94 with `small`), then FNINIT. */
  fnsave(out: Uint8Array, off: number, small = false): void {
    storeState(this, out, off, small);
    this.fninit();
  }

  frstor(img: Uint8Array, off: number, small = false): void {
    loadState(this, img, off, small);
  }

  /** FXSAVE/FXSAVE64 into bytes [off, off + 416) of out; see image.ts. */
  fxsave(out: Uint8Array, off: number, xmm: Uint8Array, mxcsr: number, rexW: boolean): void {
    fxsave(this, out, off, xmm, mxcsr, rexW);
  }

  /** FXRSTOR/FXRSTOR64; returns the MXCSR image (the caller checks it against MXCSR_MASK first). */
  fxrstor(img: Uint8Array, off: number, xmm: Uint8Array, rexW: boolean): number {
    return fxrstor(this, img, off, xmm, rexW);
  }
}

function atan2StackOrder(out: F80, st0: F80, st1: F80, cw: number): void {
  fpatan(out, st1, st0, cw);
}

function negate(out: F80, a: F80): void {
  out.set(a.se ^ 0x8000, a.hi, a.lo);
}

function absolute(out: F80, a: F80): void {
  out.set(a.se & 0x7fff, a.hi, a.lo);
}
