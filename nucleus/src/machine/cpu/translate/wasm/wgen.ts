/**
 * Code generation state for a region compiled to WebAssembly (the counterpart
 * of ../gen.ts, whose conventions it keeps: lazy flags with a pending record
 * stored only when observable, TLB-inlined memory accesses, faults that leave
 * the registers as they were before the instruction).
 *
 * The function is `(pc, B, tlb, ctx) -> status`: the block to start at, the
 * instruction budget, the byte offsets of the MMU's TLB arrays and of the
 * arena's context (machine/arena.ts). Guest registers live in i64 locals,
 * loaded from the context at entry and stored back at every exit, fault and
 * interpreter call. Values of 1, 2 and 4 bytes are i32 (1 and 2 zero-extended),
 * of 8 bytes i64.
 */
import { FlagOp } from "../../flags.js";
import { Seg, type Insn } from "../../decode/insn.js";
import { Ctx } from "../../../arena.js";
import { Bytes, Code, Op, T } from "./encoder.js";
import { TLB_ENTRIES } from "../../../arena.js";
import { formOf } from "../../decode/decoder.js";
import { gprFree } from "../forms.js";

/** The function's parameters. */
export const enum P { Pc = 0, B = 1, Tlb = 2, Ctx = 3 }

/** Words of the context's exchange area (arena.ts Ctx.Words), as int32 indices. */
export const enum W { FOp = 0, FA, FAh, FR, FRh, Budget, Exit, Fault, NxLo, NxHi, Hi64, Status, FsLo, FsHi, GsLo, GsHi, NextF, NextPc, LastF }

/**
 * How a region can leave, by index (the region stores the index in W.Exit):
 * the next rip (null: in W.NxLo/NxHi, computed), the block left, its chaining
 * slot (-1: the dispatcher) and the frame the target shares (-2: the region's,
 * -1: check the TLB). A table keeps each exit a single store in the code. An
 * exit to a fixed address on the region's own page can be linked (link >= 0):
 * globals 2*link and 2*link+1 then hold the table index of the region it goes
 * to and its (block << 16 | length), and the region returns Status.Linked for
 * the driver (link.ts) to call that one next.
 */
export interface ExitInfo { nx: number | null; xj: number; xs: number; xp: number; link: number }
/** Byte offset from ctx of word w. */
export const word = (w: W): number => Ctx.Words + 4 * w;

/** Added to the instruction index the Call helper gets when the instruction ends its block (the helper then reports the next rip). */
export const CALL_ENDS = 0x10000;

/** What a region function returns. */
export const enum Status { Exit = 0, Fault = 1, Linked = 2 }

/** Imported helpers (link.ts), then the module's own functions (region.ts), by function index. */
export const enum Imp { Read = 0, Write, Call, Cond, Cf, Gp, Bits, Run, MulHiU, MulHiS }

/** TLB array offsets from the set's start (arena.ts tlbSet). */
const TAG = [0, 8 * TLB_ENTRIES, 16 * TLB_ENTRIES];
const BASE = [24 * TLB_ENTRIES, 28 * TLB_ENTRIES, 32 * TLB_ENTRIES];
export const enum Tlb { Read = 0, Write = 1 }

/** A value: a local (of type t) or a constant (halves; i32 constants use lo). */
export interface V { t: T; local: number; lo: number; hi: number }
export const local = (t: T, l: number): V => ({ t, local: l, lo: 0, hi: 0 });
export const konst = (t: T, lo: number, hi = lo < 0 ? -1 : 0): V => ({ t, local: -1, lo, hi });

export interface Pending { kind: number; sz: number; a: V | null; b: V | null; r: V; cf: V | null; of: V | null; committed: boolean }
/** A flag update on top of the stored flags (RFLAGS bits `mask` := value), waiting like the record. */
export interface Deferred { mask: number; value: V }
/** What a fault at an instruction must store: the record pending there and the deferred updates. */
interface FaultCommit { p: Pending | null; d: Deferred[] }

/** Size index of an operand size in bytes. */
export const SZ = (size: number): number => (size === 1 ? 0 : size === 2 ? 1 : size === 4 ? 2 : 3);

export class WGen {
  readonly c = new Code(4);
  /** Guest register -> its i64 local. */
  private readonly regLocals = new Map<number, number>();
  /** Registers assigned anywhere in the region (stored back at exits and around handler calls). */
  readonly dirty = new Set<number>();
  /**
   * Code that needs the whole region's register sets (the prologue's loads, the
   * stores and loads around handler calls: a loop can bring a later block's
   * registers there), spliced in at these byte offsets by finish().
   */
  private readonly patches: { at: number; emit: () => void }[] = [];
  /** Temporaries by type, reused block to block (nothing lives across a block boundary). */
  private readonly pools = new Map<T, number[]>();
  private readonly used = new Map<T, number>();
  readonly f: number;
  pending: Pending | null = null;
  /** Region-relative index of the instruction being emitted, and it. */
  k = 0;
  insn: Insn | null = null;
  /** Where execution continues after instruction k (an address, or an i64 local), and how many instructions of the block follow k. */
  nextVa: number | V = 0;
  remaining = 0;
  /** Labels open around the current position, innermost last (for branch depths). */
  private readonly labels: string[] = [];
  /** Flag updates waiting on top of the stored flags (rotates, bit scans). */
  deferred: Deferred[] = [];
  /** Instructions that call their handler (region.ts fallback). */
  handlerRun = 0;
  /** The region calls the 128-bit multiply helpers (region.ts adds them to the module only then). */
  usesMulHi = false;
  /** The region's exits (W.Exit indexes them), and how many can be linked. */
  readonly exits: ExitInfo[] = [];
  links = 0;
  /** What the function returns (Status). */
  readonly ret: number;
  private readonly exitIndex = new Map<string, number>();
  /** What to store when a fault happens at instruction k. */
  readonly faultCommits = new Map<number, FaultCommit>();

  constructor() {
    this.f = this.c.local(T.I32);
    this.ret = this.c.local(T.I32);
    this.later(() => this.reload());
  }

  /** Emits `emit`'s code here once the region is generated (finish()). */
  private later(emit: () => void): void {
    this.patches.push({ at: this.c.bytes.length, emit });
  }

  /** Splices in the code that waited for the region's register sets. */
  finish(): void {
    const body = this.c.bytes;
    const out = new Bytes();
    let from = 0;
    this.c.bytes = out;
    for (const p of this.patches) {
      out.append(body, from, p.at);
      from = p.at;
      p.emit();
    }
    out.append(body, from);
  }

  // ---- structure -----------------------------------------------------------------------

  open(kind: "block" | "loop" | "if", label: string): void {
    if (kind === "block") this.c.block(); else if (kind === "loop") this.c.loop(); else this.c.if();
    this.labels.push(label);
  }

  close(): void {
    this.c.end();
    this.labels.pop();
  }

  /** Branch depth of an open label. */
  depth(label: string): number {
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`wasm region: no open label ${label}`);
    return this.labels.length - 1 - i;
  }

  br(label: string): void {
    this.c.br(this.depth(label));
  }

  startBlock(): void {
    this.used.clear();
    this.pending = null;
    this.deferred = [];
  }

  tmp(t: T): number {
    const pool = this.pools.get(t) ?? [];
    this.pools.set(t, pool);
    const n = this.used.get(t) ?? 0;
    this.used.set(t, n + 1);
    if (n === pool.length) pool.push(this.c.local(t));
    return pool[n];
  }

  /** Pushes v. */
  push(v: V): void {
    if (v.local >= 0) this.c.get(v.local);
    else if (v.t === T.I64) this.c.i64(v.lo, v.hi);
    else this.c.i32(v.lo);
  }

  /** Pops the stack top (of type t) into a fresh temporary. */
  save(t: T): V {
    const l = this.tmp(t);
    this.c.set(l);
    return local(t, l);
  }

  // ---- registers ----------------------------------------------------------------------

  regLocal(r: number): number {
    let l = this.regLocals.get(r);
    if (l === undefined) {
      l = this.c.local(T.I64);
      this.regLocals.set(r, l);
    }
    return l;
  }

  /** Pushes register r at size 1, 2 or 4 (i32; 1 names AH..BH as 16..19) or 8 (i64). */
  reg(r: number, size: number): void {
    const c = this.c;
    if (size === 8) { c.get(this.regLocal(r)); return; }
    if (size === 1 && r >= 16) {
      c.get(this.regLocal(r - 16)).i64(8, 0).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(0xff).op(Op.i32_and);
      return;
    }
    c.get(this.regLocal(r)).op(Op.i32_wrap_i64);
    if (size === 1) c.i32(0xff).op(Op.i32_and);
    else if (size === 2) c.i32(0xffff).op(Op.i32_and);
  }

  /** Register r at `size` into a temporary. */
  regVal(r: number, size: number): V {
    this.reg(r, size);
    return this.save(size === 8 ? T.I64 : T.I32);
  }

  /** Writes v (i32 for sizes 1..4, i64 for 8) to register r: 4 zero-extends, 1 and 2 merge. */
  setReg(r: number, size: number, v: V): void {
    const c = this.c;
    const high = size === 1 && r >= 16;
    const reg = high ? r - 16 : r;
    const l = this.regLocal(reg);
    this.dirty.add(reg);
    if (size === 8) { this.push(v); c.set(l); return; }
    if (size === 4) { this.push(v); c.op(Op.i64_extend_i32_u).set(l); return; }
    const mask = size === 2 ? 0xffff : 0xff;
    const keep = high ? ~0xff00 : ~mask;
    c.get(l).i64(keep, -1).op(Op.i64_and);
    this.push(v);
    c.i32(mask).op(Op.i32_and, Op.i64_extend_i32_u);
    if (high) c.i64(8, 0).op(Op.i64_shl);
    c.op(Op.i64_or).set(l);
  }

  /** Stores the assigned registers (of `only`, when given) into the context. */
  spill(only: number[] | null = null): void {
    for (const r of this.dirty) {
      if (only !== null && !only.includes(r)) continue;
      const l = this.regLocals.get(r);
      if (l === undefined) continue;
      this.c.get(P.Ctx).get(l).mem(Op.i64_store32, Ctx.Lo + 4 * r);
      this.c.get(P.Ctx).get(l).i64(32, 0).op(Op.i64_shr_u).mem(Op.i64_store32, Ctx.Hi + 4 * r);
    }
  }

  /** Loads every register the region uses from the context. */
  reload(): void {
    for (const [r, l] of this.regLocals) {
      this.c.get(P.Ctx).mem(Op.i64_load32_u, Ctx.Lo + 4 * r);
      this.c.get(P.Ctx).mem(Op.i64_load32_u, Ctx.Hi + 4 * r).i64(32, 0).op(Op.i64_shl, Op.i64_or).set(l);
    }
  }

  /** Stores an i32 constant into context word w. */
  putWord(w: W, v: number): void {
    this.c.get(P.Ctx).i32(v).mem(Op.i32_store, word(w));
  }

  // ---- flags -------------------------------------------------------------------------------

  produce(p: Omit<Pending, "committed">): void {
    this.deferred = [];
    this.pending = { ...p, committed: false };
  }

  forgetFlags(): void {
    this.pending = null;
  }

  /** Stores the pending record, once, then runs the deferred updates. */
  commit(): void {
    const p = this.pending;
    if (p !== null && !p.committed) {
      this.storeRecord(p);
      p.committed = true;
    }
    this.runDeferred(this.deferred);
    this.deferred = [];
  }

  /** Stores the pending record only (deferred updates keep waiting). */
  commitRecord(): void {
    const p = this.pending;
    if (p !== null && !p.committed) {
      this.storeRecord(p);
      p.committed = true;
    }
  }

  /** Stores what commit() would, on this path only (the generator's state stays as it is). */
  commitHere(): void {
    const p = this.pending;
    if (p !== null && !p.committed) this.storeRecord(p);
    this.runDeferred(this.deferred);
  }

  /** Defers an update of RFLAGS bits `mask` to `value` (an i32 with only those bits). */
  deferBits(mask: number, value: V): void {
    this.deferred.push({ mask, value });
  }

  private runDeferred(d: Deferred[]): void {
    for (const { mask, value } of d) {
      this.c.i32(mask);
      this.push(value);
      this.c.call(Imp.Bits);
    }
  }

  /** Stores record p into the context's flag words (flags.ts's convention). */
  storeRecord(p: Pending): void {
    const c = this.c;
    const half = (v: V, w: W, wh: W) => {
      c.get(P.Ctx); this.push(v);
      if (p.sz === 3) {
        c.op(Op.i32_wrap_i64).mem(Op.i32_store, word(w));
        c.get(P.Ctx); this.push(v); c.i64(32, 0).op(Op.i64_shr_u, Op.i32_wrap_i64).mem(Op.i32_store, word(wh));
      } else {
        c.mem(Op.i32_store, word(w));
      }
    };
    this.putWordV(W.FOp, konst(T.I32, p.kind | p.sz));
    if (p.kind === FlagOp.Inc || p.kind === FlagOp.Dec) {
      this.putWordV(W.FA, p.cf!);
    } else if (p.kind === FlagOp.CfOf) {
      c.get(P.Ctx); this.push(p.cf!); this.push(p.of!); c.i32(1).op(Op.i32_shl, Op.i32_or).mem(Op.i32_store, word(W.FA));
    } else if (p.kind !== FlagOp.Logic) {
      half(p.a!, W.FA, W.FAh);
    }
    half(p.r, W.FR, W.FRh);
  }

  private putWordV(w: W, v: V): void {
    this.c.get(P.Ctx); this.push(v); this.c.mem(Op.i32_store, word(w));
  }

  /** Marks instruction k as a possible fault point. */
  faultPoint(): void {
    this.c.i32(this.k).set(this.f);
    const p = this.pending;
    const live = p !== null && !p.committed ? { ...p } : null;
    if (live !== null || this.deferred.length > 0) this.faultCommits.set(this.k, { p: live, d: [...this.deferred] });
  }

  /** The fault path's stores for a fault at each fault point (what was pending there). */
  faultFixups(): void {
    // Fault points with the same pending stores (the usual case: several accesses
    // after one compare) share one fix-up.
    const groups = new Map<string, { ks: number[]; what: FaultCommit }>();
    const v = (x: V | null) => (x === null ? "-" : x.local >= 0 ? `l${x.local}` : `${x.lo}:${x.hi}`);
    for (const [k, what] of this.faultCommits) {
      const p = what.p;
      const key = (p === null ? "" : [p.kind, p.sz, v(p.a), v(p.b), v(p.r), v(p.cf), v(p.of)].join(",")) + what.d.map((d) => `|${d.mask}=${v(d.value)}`).join("");
      const group = groups.get(key);
      if (group !== undefined) group.ks.push(k);
      else groups.set(key, { ks: [k], what });
    }
    const c = this.c;
    for (const { ks, what } of groups.values()) {
      ks.forEach((k, n) => { c.get(this.f).i32(k).op(Op.i32_eq); if (n > 0) c.op(Op.i32_or); });
      c.if();
      if (what.p !== null) this.storeRecord(what.p);
      this.runDeferred(what.d);
      c.end();
    }
  }

  /** CF (i32 0/1) after the pending producer, or from the stored flags. */
  cf(): V {
    const p = this.pending;
    const c = this.c;
    if (p !== null) {
      const w = p.sz === 3;
      switch (p.kind) {
        case FlagOp.Add: this.push(p.r); this.push(p.a!); c.op(w ? Op.i64_lt_u : Op.i32_lt_u); return this.save(T.I32);
        case FlagOp.Sub: this.push(p.a!); this.push(p.b!); c.op(w ? Op.i64_lt_u : Op.i32_lt_u); return this.save(T.I32);
        case FlagOp.Logic: return konst(T.I32, 0);
        case FlagOp.Inc: case FlagOp.Dec: case FlagOp.CfOf: return p.cf!;
      }
    }
    this.commit();
    this.helper(Imp.Cf);
    return this.save(T.I32);
  }

  /** Pushes condition cc (i32 0/1) for jcc/setcc/cmovcc. */
  cond(cc: number): void {
    this.condPositive(cc & ~1);
    if (cc & 1) this.c.op(Op.i32_eqz);
  }

  private condPositive(cc: number): void {
    const p = this.pending;
    const c = this.c;
    if (p === null || p.kind === FlagOp.Adc || p.kind === FlagOp.Sbb || cc === 10) {
      this.commit();
      c.i32(cc);
      this.helper(Imp.Cond);
      return;
    }
    const w = p.sz === 3;
    if (p.kind === FlagOp.Sub) {
      // A compare: the relation of its operands, directly.
      if (cc === 6) { this.push(p.a!); this.push(p.b!); c.op(w ? Op.i64_le_u : Op.i32_le_u); return; }
      if (cc === 12 || cc === 14) {
        this.signed(p.a!, p.sz); this.signed(p.b!, p.sz);
        c.op(cc === 12 ? (w ? Op.i64_lt_s : Op.i32_lt_s) : w ? Op.i64_le_s : Op.i32_le_s);
        return;
      }
    }
    switch (cc) {
      case 0: this.of(p); return;
      case 2: this.push(this.cf()); return;
      case 4: this.zf(p); return;
      case 6: this.push(this.cf()); this.zf(p); c.op(Op.i32_or); return;
      case 8: this.sf(p); return;
      case 12: this.sf(p); this.of(p); c.op(Op.i32_xor); return;
      default: this.zf(p); this.sf(p); this.of(p); c.op(Op.i32_xor, Op.i32_or); return;
    }
  }

  /** Pushes ZF (i32 0/1) of record p. */
  private zf(p: Pending): void {
    this.push(p.r);
    this.c.op(p.sz === 3 ? Op.i64_eqz : Op.i32_eqz);
  }

  /** Pushes SF of record p. */
  private sf(p: Pending): void {
    this.msb(() => this.push(p.r), p.sz);
  }

  /** Pushes the operand-size sign bit (i32 0/1) of the value `push` pushes (an i64 for size 3). */
  private msb(push: () => void, sz: number): void {
    const c = this.c;
    push();
    if (sz === 3) c.i64(63, 0).op(Op.i64_shr_u, Op.i32_wrap_i64);
    else c.i32([7, 15, 31][sz]).op(Op.i32_shr_u).i32(1).op(Op.i32_and);
  }

  /** Pushes OF of record p (the kinds condPositive handles). */
  private of(p: Pending): void {
    const c = this.c;
    const w = p.sz === 3;
    const xor = w ? Op.i64_xor : Op.i32_xor, and = w ? Op.i64_and : Op.i32_and;
    switch (p.kind) {
      case FlagOp.Logic: c.i32(0); return;
      case FlagOp.CfOf: this.push(p.of!); return;
      case FlagOp.Inc: case FlagOp.Dec: {
        // The result is the most negative (inc) or most positive (dec) value of its size.
        const dec = p.kind === FlagOp.Dec;
        this.push(p.r);
        if (w) c.i64(dec ? -1 : 0, dec ? 0x7fffffff : -2147483648).op(Op.i64_eq);
        else c.i32(dec ? [0x7f, 0x7fff, 0x7fffffff][p.sz] : [0x80, 0x8000, -2147483648][p.sz]).op(Op.i32_eq);
        return;
      }
      case FlagOp.Add:
        // The operands agree in sign and the result does not.
        this.msb(() => { this.push(p.a!); this.push(p.r); c.op(xor); this.push(p.b!); this.push(p.r); c.op(xor, and); }, p.sz);
        return;
      default:
        this.msb(() => { this.push(p.a!); this.push(p.b!); c.op(xor); this.push(p.a!); this.push(p.r); c.op(xor, and); }, p.sz);
    }
  }

  /** Pushes v sign-extended from operand size sz (an i32 for sz < 3). */
  private signed(v: V, sz: number): void {
    this.push(v);
    if (sz === 0) this.c.op(Op.i32_extend8_s);
    else if (sz === 1) this.c.op(Op.i32_extend16_s);
  }

  /**
   * Calls an imported helper that reads or writes the flag words or registers
   * through the state (link.ts syncs them): registers are spilled first and
   * reloaded after the call when `regs`.
   */
  helper(h: Imp, regs = false): void {
    // The helper's own arguments are on the stack already; spill() and reload() leave them be.
    const i = this.insn;
    const free = regs && i !== null && gprFree(formOf(i).key);
    // A form that touches general registers only to address memory needs those stored, and nothing reloaded.
    const only = free ? [i.base, i.index].filter((r) => r >= 0 && i.rm < 0) : null;
    if (regs) this.later(() => this.spill(only));
    this.c.call(h);
    if (regs && !free) this.later(() => this.reload());
  }

  // ---- memory --------------------------------------------------------------------------

  /** The effective address of i as an i64 (no segment base; see address()). */
  halves(i: Insn): V {
    const c = this.c;
    if (i.asz !== 8) {
      this.sum32(i);
      c.op(Op.i64_extend_i32_u);
      return this.save(T.I64);
    }
    let any = false;
    if (i.base >= 0) { c.get(this.regLocal(i.base)); any = true; }
    if (i.index >= 0) {
      c.get(this.regLocal(i.index));
      if (i.scale > 1) c.i64(Math.log2(i.scale), 0).op(Op.i64_shl);
      if (any) c.op(Op.i64_add);
      any = true;
    }
    if (!any) { c.i64(i.disp | 0, Math.floor(i.disp / 4294967296) | 0); return this.save(T.I64); }
    if (i.disp !== 0) c.i64(i.disp | 0, Math.floor(i.disp / 4294967296) | 0).op(Op.i64_add);
    return this.save(T.I64);
  }

  /** Pushes the 32-bit address sum of i (address-size 4). */
  sum32(i: Insn): void {
    const c = this.c;
    c.i32(i.disp | 0);
    if (i.base >= 0) { this.reg(i.base, 4); c.op(Op.i32_add); }
    if (i.index >= 0) { this.reg(i.index, 4); if (i.scale > 1) c.i32(Math.log2(i.scale)).op(Op.i32_shl); c.op(Op.i32_add); }
  }

  /** The full linear address of a memory operand (an FS or GS base included) as an i64 local. */
  address(i: Insn): V {
    const a = this.halves(i);
    if (i.seg !== Seg.FS && i.seg !== Seg.GS) return a;
    this.push(a);
    this.c.get(P.Ctx).mem(Op.i64_load, word(i.seg === Seg.FS ? W.FsLo : W.GsLo)).op(Op.i64_add);
    return this.save(T.I64);
  }

  /** Register r plus a displacement, as an i64 local. */
  offset(r: number, disp: number): V {
    this.c.get(this.regLocal(r));
    if (disp !== 0) this.c.i64(disp | 0, disp < 0 ? -1 : 0).op(Op.i64_add);
    return this.save(T.I64);
  }

  /**
   * TLB probe for an access of `size` at va: leaves x (index*8 ... ) and o (page
   * offset) in locals and pushes the hit condition (i32).
   */
  probe(va: V, which: Tlb, size: number): { x: number; o: number } {
    const c = this.c;
    const x = this.tmp(T.I32), o = this.tmp(T.I32);
    this.push(va); c.op(Op.i32_wrap_i64).tee(o).i32(12).op(Op.i32_shr_u).i32(TLB_ENTRIES - 1).op(Op.i32_and).set(x);
    c.get(o).i32(4095).op(Op.i32_and).set(o);
    // tag[x] == (va >> 12) as a double, and the access stays in the page.
    c.get(P.Tlb).get(x).i32(3).op(Op.i32_shl, Op.i32_add).mem(Op.f64_load, TAG[which]);
    this.push(va); c.i64(12, 0).op(Op.i64_shr_s, Op.f64_convert_i64_s, Op.f64_eq);
    // A byte is always inside its page.
    if (size > 1) c.get(o).i32(4096 - size).op(Op.i32_le_u, Op.i32_and);
    return { x, o };
  }

  /** Pushes the host address base[x] + o. */
  hostAddr(which: Tlb, x: number, o: number): void {
    this.c.get(P.Tlb).get(x).i32(2).op(Op.i32_shl, Op.i32_add).mem(Op.i32_load, BASE[which]).get(o).op(Op.i32_add);
  }

  /** Pushes va's halves as two i32 (the slow-path helpers' address arguments). */
  private pushHalves(va: V): void {
    this.push(va); this.c.op(Op.i32_wrap_i64);
    this.push(va); this.c.i64(32, 0).op(Op.i64_shr_u, Op.i32_wrap_i64);
  }

  /** Branches to the fault path when the last helper left a fault (status word). */
  faultCheck(): void {
    this.c.get(P.Ctx).mem(Op.i32_load, word(W.Status)).brIf(this.depth("fault"));
  }

  /** Loads `size` bytes at va (rmw: probed for writing); i32 for 1..4 (zero-extended), i64 for 8. */
  load(va: V, size: number, rmw = false): V {
    const c = this.c;
    const t = size === 8 ? T.I64 : T.I32;
    const v = this.tmp(t);
    const which = rmw ? Tlb.Write : Tlb.Read;
    const { x, o } = this.probe(va, which, size);
    this.open("if", "");
    this.hostAddr(which, x, o);
    c.mem(size === 1 ? Op.i32_load8_u : size === 2 ? Op.i32_load16_u : size === 4 ? Op.i32_load : Op.i64_load).set(v);
    c.else();
    this.pushHalves(va);
    c.i32(size).i32(rmw ? 1 : 0).call(Imp.Read);
    if (size === 8) {
      c.op(Op.i64_extend_i32_u).get(P.Ctx).mem(Op.i64_load32_u, word(W.Hi64)).i64(32, 0).op(Op.i64_shl, Op.i64_or);
    }
    c.set(v);
    this.faultCheck();
    this.close();
    return local(t, v);
  }

  /**
   * Stores v (i32 for 1..4, i64 for 8) at va; `after` runs on both paths before
   * the slow path's self-modifying-code check, which leaves the block.
   */
  store(va: V, size: number, v: V, after?: () => void): void {
    const c = this.c;
    const { x, o } = this.probe(va, Tlb.Write, size);
    this.open("if", "");
    this.hostAddr(Tlb.Write, x, o);
    this.push(v);
    c.mem(size === 1 ? Op.i32_store8 : size === 2 ? Op.i32_store16 : size === 4 ? Op.i32_store : Op.i64_store);
    after?.();
    c.else();
    this.pushHalves(va);
    c.i32(size);
    if (size === 8) { this.push(v); c.op(Op.i32_wrap_i64); this.push(v); c.i64(32, 0).op(Op.i64_shr_u, Op.i32_wrap_i64); }
    else { this.push(v); c.i32(0); }
    c.call(Imp.Write);
    // 0: done, 1: fault, 2: the store hit this region's code.
    const st = this.tmp(T.I32);
    c.tee(st).i32(1).op(Op.i32_eq).brIf(this.depth("fault"));
    after?.();
    c.get(st).i32(2).op(Op.i32_eq);
    this.open("if", "");
    this.smcExit();
    this.close();
    this.close();
  }

  /**
   * A 16-byte access at va: `fast` runs with the host address pushable (a TLB
   * hit within one page, and 16-byte aligned if `aligned`); anything else runs
   * the instruction's handler, which raises what hardware would (#GP, #PF).
   */
  access16(va: V, aligned: boolean, which: Tlb, fast: (host: () => void) => void): void {
    const c = this.c;
    const { x, o } = this.probe(va, which, 16);
    if (aligned) { this.push(va); c.op(Op.i32_wrap_i64).i32(15).op(Op.i32_and, Op.i32_eqz, Op.i32_and); }
    this.open("if", "");
    fast(() => this.hostAddr(which, x, o));
    c.else();
    this.handlerCall();
    this.close();
  }

  /** Leaves the block after instruction k completed because its own code was overwritten. */
  smcExit(): void {
    this.commitHere();
    this.exitTo(this.nextVa, -1, -1, -1, this.remaining);
  }

  /**
   * Runs instruction k's interpreter handler, on a path of its own (the slow
   * path of an inline form): the flags are stored first on this path only, so
   * the handler must leave them alone (moves, SSE, divides do). A fault goes to
   * the fault path; a store into this region's code leaves after the instruction.
   */
  handlerCall(): void {
    const c = this.c;
    this.commitHere();
    c.i32(this.k).set(this.f);
    c.i32(this.k);
    this.helper(Imp.Call, true);
    const st = this.tmp(T.I32);
    c.tee(st).i32(1).op(Op.i32_eq).brIf(this.depth("fault"));
    c.get(st).i32(2).op(Op.i32_eq);
    this.open("if", "");
    this.exitTo(this.nextVa, -1, -1, -1, this.remaining);
    this.close();
  }

  /**
   * Leaves the region to rip `nx` (a number, or an i64 local) from block xj
   * through chaining slot xs (-1: the dispatcher) sharing frame base xp (-2: the
   * region's frame, passed as -2 and resolved by link.ts; -1: check the TLB).
   */
  exitTo(nx: number | V, xj: number, xs: number, xp: number, refund = 0): void {
    const c = this.c;
    const constant = typeof nx === "number";
    if (!constant) { c.get(P.Ctx); this.push(nx); c.mem(Op.i64_store, word(W.NxLo)); }
    if (refund !== 0) c.get(P.B).i32(refund).op(Op.i32_add).set(P.B);
    const linkable = constant && xs >= 0 && xp === -2;
    const key = `${constant ? nx : "*"} ${xj} ${xs} ${xp}`;
    let e = this.exitIndex.get(key);
    if (e === undefined) {
      e = this.exits.length;
      this.exits.push({ nx: constant ? nx : null, xj, xs, xp, link: linkable ? this.links++ : -1 });
      this.exitIndex.set(key, e);
    }
    this.putWord(W.Exit, e);
    const link = this.exits[e].link;
    if (link >= 0) {
      // Linked: go on in the region the globals name when the budget covers its block.
      c.globalGet(2 * link).op(Op.i32_eqz, Op.i32_eqz).globalGet(2 * link + 1).i32(0xffff).op(Op.i32_and).get(P.B).op(Op.i32_le_s, Op.i32_and);
      this.open("if", "");
      c.get(P.Ctx).globalGet(2 * link).mem(Op.i32_store, word(W.NextF));
      c.get(P.Ctx).globalGet(2 * link + 1).i32(16).op(Op.i32_shr_u).mem(Op.i32_store, word(W.NextPc));
      c.i32(Status.Linked).set(this.ret);
      this.close();
    }
    this.br("exit");
  }

}
