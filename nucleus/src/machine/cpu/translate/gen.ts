/**
 * Code generation state for one block: emitted lines, locals, the pending
 * (not yet stored) lazy-flags record, and helpers for registers, effective
 * addresses and TLB-inlined memory accesses.
 *
 * Generated code sees: s (CpuState), lo/hi (GPR halves), m (the MMU), its TLB
 * arrays rT/rB/wT/wB/eT/eB, u8/dv (RAM views), blk (the Block), I/H (insns and
 * handlers), X (runtime helpers, see runtime.ts), f (index of the instruction
 * that may fault).
 */
import { FlagOp } from "../flags.js";
import { Seg, type Insn } from "../decode/insn.js";

/** A flag-producing instruction whose record lives in locals until committed. */
export interface Pending {
  kind: number;
  sz: number;
  /** Local names: first operand, second operand, result (halves for 64-bit). */
  a: string; ah: string;
  b: string; bh: string;
  r: string; rh: string;
  /** CF / OF expressions (0 or 1) for Inc, Dec and CfOf kinds. */
  cf: string;
  of: string;
  committed: boolean;
}

const SIGN_MASK = ["0x80", "0x8000", "", ""];

/**
 * Follows every call of a guarded helper (guarded.ts), which returns normally
 * after a fault: the region then leaves through its fault path (translator.ts).
 */
export const FAULT_CHECK = "if (s.pendingFault !== null) break fault;";

export class Gen {
  readonly lines: string[] = [];
  private readonly locals = new Set<string>();
  /**
   * Addresses held as their 32-bit halves (low, high: int32 expressions) instead of
   * a double, by the name address() returned: the TLB's page, index and offset
   * then come from integer operations (no floor, no float-to-int truncation), which
   * V8 compiles into less code that runs faster.
   */
  private readonly splits = new Map<string, [string, string]>();
  private n = 0;
  pending: Pending | null = null;
  /** Instruction index being emitted (in the region), and the instruction. */
  k = 0;
  insn: Insn | null = null;
  /**
   * Where execution continues after instruction k (its address, or the local holding
   * an indirect call's target), and how many instructions of the block follow k.
   */
  nextVa: number | string = 0;
  remaining = 0;

  line(code: string): void {
    this.lines.push(code);
  }

  tmp(prefix = "t"): string {
    const name = `${prefix}${this.n++}`;
    this.locals.add(name);
    return name;
  }

  /**
   * Starts a new block of a region: its temporaries reuse the names of the
   * previous blocks' (nothing lives across a block boundary: flags are committed
   * at every exit), which keeps the function's locals few.
   */
  startBlock(): void {
    this.n = 0;
    this.pending = null;
    this.deferred = [];
    this.splits.clear();
  }

  declarations(): string {
    return this.locals.size ? `let ${[...this.locals].map((l) => `${l} = 0`).join(", ")};` : "";
  }

  // ---- flags -------------------------------------------------------------------

  /** Stores the pending record into the state (s.fOp...), once, then any deferred updates. */
  commit(): void {
    this.commitRecord();
    if (this.deferred.length > 0) {
      this.line(this.deferred.join(" "));
      this.deferred = [];
    }
  }

  /**
   * Flag updates that apply on top of the state's flags (rotates change only CF
   * and OF) wait here: the next producer overwrites every flag, so usually they
   * are never run; anything that observes the flags before that (commit, a
   * fault, a handler, an exit) runs them first.
   */
  private deferred: string[] = [];

  /** Stores the pending record only (deferred partial updates keep waiting). */
  commitRecord(): void {
    const p = this.pending;
    if (p === null || p.committed) return;
    this.line(this.recordCode());
    p.committed = true;
  }

  /** Defers a partial flag update (the pending record is already stored). */
  deferFlags(code: string): void {
    this.deferred.push(code);
  }

  /** The statements that store the pending record (without marking it stored). */
  commitCode(): string {
    return this.recordCode() + this.deferred.join(" ");
  }

  /** The statements that store the pending record alone. */
  private recordCode(): string {
    const p = this.pending;
    if (p === null || p.committed) return "";
    const op = p.kind | p.sz;
    const wide = p.sz === 3;
    switch (p.kind) {
      case FlagOp.Add: case FlagOp.Adc: case FlagOp.Sub: case FlagOp.Sbb:
        return `s.fOp = ${op}; s.fA = ${p.a}; s.fR = ${p.r};${wide ? ` s.fAh = ${p.ah}; s.fRh = ${p.rh};` : ""}`;
      case FlagOp.Logic:
        return `s.fOp = ${op}; s.fR = ${p.r};${wide ? ` s.fRh = ${p.rh};` : ""}`;
      case FlagOp.Inc: case FlagOp.Dec: {
        // The old CF may be read from the state, so compute it before overwriting fOp.
        const c = this.tmp("c");
        return `${c} = ${p.cf}; s.fOp = ${op}; s.fA = ${c}; s.fR = ${p.r};${wide ? ` s.fRh = ${p.rh};` : ""}`;
      }
      default:
        return `s.fOp = ${op}; s.fA = (${p.cf}) | ((${p.of}) << 1); s.fR = ${p.r};${wide ? ` s.fRh = ${p.rh};` : ""}`;
    }
  }

  /** Leaves the block after instruction k completed (its own code was overwritten). */
  smcExitCode(): string {
    return `{ ${this.commitCode()} nx = ${this.nextVa}; B += ${this.remaining}; xs = -1; break exit; }`;
  }

  /** A new flag producer replaces the pending one (whose flags are now dead). */
  produce(p: Omit<Pending, "committed">): void {
    this.deferred = [];
    this.pending = { ...p, committed: false };
  }

  /** Something outside the generator's knowledge wrote the flags (a handler call). */
  forgetFlags(): void {
    this.pending = null;
  }

  /**
   * Statements the fault handler runs for a fault at instruction k: they store
   * the flag record that was pending there, so faults stay precise without
   * storing flags before every memory access.
   */
  readonly faultCommits = new Map<number, string>();

  /** Marks instruction k as a possible fault point. */
  faultPoint(): void {
    this.line(`f = ${this.k};`);
    const c = this.commitCode();
    if (c) this.faultCommits.set(this.k, c);
  }

  /** The fault handler's flag fix-up, a switch on the faulting instruction. */
  faultFixup(): string {
    if (this.faultCommits.size === 0) return "";
    const cases = [...this.faultCommits].map(([k, c]) => `case ${k}: ${c} break;`).join(" ");
    return `switch (f) { ${cases} }`;
  }

  /** CF as a 0/1 expression, usable after the pending producer (state CF otherwise). */
  cfExpr(): string {
    const p = this.pending;
    if (p === null) {
      this.commit();
      return "X.cf(s)";
    }
    switch (p.kind) {
      case FlagOp.Add: return p.sz === 3 ? `(${ltu64(p.r, p.rh, p.a, p.ah)} ? 1 : 0)` : `((${p.r} >>> 0) < (${p.a} >>> 0) ? 1 : 0)`;
      case FlagOp.Sub: return p.sz === 3 ? `(${ltu64(p.a, p.ah, p.b, p.bh)} ? 1 : 0)` : `((${p.a} >>> 0) < (${p.b} >>> 0) ? 1 : 0)`;
      case FlagOp.Logic: return "0";
      case FlagOp.Inc: case FlagOp.Dec: case FlagOp.CfOf: return `(${p.cf})`;
      default: this.commit(); return "X.cf(s)";
    }
  }

  /** A JS boolean expression for condition code cc (jcc/setcc/cmovcc). */
  cond(cc: number): string {
    const e = this.condPositive(cc & ~1);
    return cc & 1 ? `!(${e})` : `(${e})`;
  }

  private condPositive(cc: number): string {
    const p = this.pending;
    if (p === null || p.kind === FlagOp.Adc || p.kind === FlagOp.Sbb || cc === 10) {
      this.commit();
      return `X.cond(s, ${cc})`;
    }
    const zf = p.sz === 3 ? `(${p.r} | ${p.rh}) === 0` : `${p.r} === 0`;
    const sf = p.sz === 3 ? `${p.rh} < 0` : p.sz === 2 ? `${p.r} < 0` : `(${p.r} & ${SIGN_MASK[p.sz]}) !== 0`;
    const sub = p.kind === FlagOp.Sub;
    switch (cc) {
      case 0: return `${this.ofExpr(p)} !== 0`;
      case 2: return `${this.cfExpr()} !== 0`;
      case 4: return zf;
      case 6:
        if (sub) return p.sz === 3 ? `!${ltu64(p.b, p.bh, p.a, p.ah)}` : `(${p.a} >>> 0) <= (${p.b} >>> 0)`;
        return `(${this.cfExpr()} !== 0 || ${zf})`;
      case 8: return sf;
      case 12:
        if (sub) return lts(p.sz, p.a, p.ah, p.b, p.bh);
        if (p.kind === FlagOp.Logic) return sf;
        return `((${sf}) !== (${this.ofExpr(p)} !== 0))`;
      default:
        if (sub) return `!${lts(p.sz, p.b, p.bh, p.a, p.ah)}`;
        if (p.kind === FlagOp.Logic) return `(${zf} || ${sf})`;
        return `(${zf} || (${sf}) !== (${this.ofExpr(p)} !== 0))`;
    }
  }

  private ofExpr(p: Pending): string {
    const top = p.sz === 3 || p.sz === 2 ? "" : SIGN_MASK[p.sz];
    const msb = (e: string) => (top ? `((${e}) & ${top} ? 1 : 0)` : `((${e}) < 0 ? 1 : 0)`);
    const a = p.sz === 3 ? p.ah : p.a, b = p.sz === 3 ? p.bh : p.b, r = p.sz === 3 ? p.rh : p.r;
    switch (p.kind) {
      case FlagOp.Add: return msb(`(${a} ^ ${r}) & (${b} ^ ${r})`);
      case FlagOp.Sub: return msb(`(${a} ^ ${b}) & (${a} ^ ${r})`);
      case FlagOp.Logic: return "0";
      case FlagOp.Inc: return p.sz === 3 ? `(${p.r} === 0 && ${p.rh} === -2147483648 ? 1 : 0)` : `(${p.r} === ${["0x80", "0x8000", "-2147483648"][p.sz]} ? 1 : 0)`;
      case FlagOp.Dec: return p.sz === 3 ? `(${p.r} === -1 && ${p.rh} === 2147483647 ? 1 : 0)` : `(${p.r} === ${["0x7f", "0x7fff", "2147483647"][p.sz]} ? 1 : 0)`;
      default: return `(${p.of})`;
    }
  }

  // ---- registers -------------------------------------------------------------------

  /** Register value of 1, 2 or 4 bytes (byte naming for size 1); size 4 is int32. */
  reg(r: number, size: number): string {
    if (size === 1) return r < 16 ? `(lo[${r}] & 0xff)` : `((lo[${r - 16}] >> 8) & 0xff)`;
    if (size === 2) return `(lo[${r}] & 0xffff)`;
    return `lo[${r}]`;
  }

  /** Statement writing a register of 1, 2 or 4 bytes (4 zero-extends). */
  setReg(r: number, size: number, v: string): void {
    if (size === 1) {
      if (r < 16) this.line(`lo[${r}] = (lo[${r}] & ~0xff) | ((${v}) & 0xff);`);
      else this.line(`lo[${r - 16}] = (lo[${r - 16}] & ~0xff00) | (((${v}) & 0xff) << 8);`);
    } else if (size === 2) {
      this.line(`lo[${r}] = (lo[${r}] & ~0xffff) | ((${v}) & 0xffff);`);
    } else {
      this.line(`lo[${r}] = ${v}; hi[${r}] = 0;`);
    }
  }

  // ---- memory --------------------------------------------------------------------------

  /** The effective address as a JS expression (number). */
  ea(i: Insn): string {
    const parts: string[] = [];
    if (i.asz === 8) {
      if (i.base >= 0) parts.push(`(hi[${i.base}] * 4294967296 + (lo[${i.base}] >>> 0))`);
      if (i.index >= 0) {
        const x = `(hi[${i.index}] * 4294967296 + (lo[${i.index}] >>> 0))`;
        parts.push(i.scale === 1 ? x : `${x} * ${i.scale}`);
      }
      if (i.disp !== 0 || parts.length === 0) parts.push(String(i.disp));
    } else {
      parts.push(`(${sum32(i)} >>> 0)`);
    }
    if (i.seg === Seg.FS) parts.push("s.fsBase");
    if (i.seg === Seg.GS) parts.push("s.gsBase");
    return parts.join(" + ");
  }

  /**
   * The effective address of i, as a name load() and store() take: its halves,
   * or with an FS/GS segment base a local holding the address as a double. The
   * halves are copies taken here, so an instruction that changes its base
   * register before its store (XCHG, XADD) still stores where it loaded.
   */
  address(i: Insn): string {
    if (i.seg === Seg.FS || i.seg === Seg.GS) {
      const va = this.tmp("va");
      this.line(`${va} = ${this.ea(i)};`);
      return va;
    }
    return this.split(this.halves(i));
  }

  /** The address in register r plus a 32-bit displacement, as a name load() and store() take. */
  offset(r: number, disp: number): string {
    return this.split(this.offsetHalves(r, disp));
  }

  /**
   * The effective address of i without a segment base (what LEA computes), as int32
   * expressions of its low and high halves, emitting the lines they need.
   */
  halves(i: Insn): [string, string] {
    if (i.asz !== 8) {
      const l = this.tmp("l");
      this.line(`${l} = ${sum32(i)} | 0;`);
      return [l, "0"];
    }
    if (i.index >= 0) return this.indexed(i);
    if (i.base < 0) return [String(i.disp | 0), String(Math.floor(i.disp / 4294967296))];
    return this.offsetHalves(i.base, i.disp);
  }

  /** base + index * scale + disp in 64-bit halves (int32 arithmetic only, see add64). */
  private indexed(i: Insn): [string, string] {
    let l = `lo[${i.index}]`, h = `hi[${i.index}]`;
    const k = Math.log2(i.scale);
    if (k > 0) {
      const sl = this.tmp("l"), sh = this.tmp("h");
      this.line(`${sl} = ${l} << ${k}; ${sh} = (${h} << ${k}) | (${l} >>> ${32 - k});`);
      [l, h] = [sl, sh];
    }
    const terms: [string, string][] = [];
    if (i.base >= 0) terms.push([`lo[${i.base}]`, `hi[${i.base}]`]);
    if (i.disp !== 0) terms.push([String(i.disp | 0), String(Math.floor(i.disp / 4294967296) | 0)]);
    for (const [bl, bh] of terms) {
      const sl = this.tmp("l"), sh = this.tmp("h");
      this.line(add64(sl, sh, l, h, bl, bh));
      [l, h] = [sl, sh];
    }
    if (k === 0 && terms.length === 0) {
      const sl = this.tmp("l"), sh = this.tmp("h");
      this.line(`${sl} = ${l}; ${sh} = ${h};`);
      [l, h] = [sl, sh];
    }
    return [l, h];
  }

  /** Register r plus a 32-bit displacement, as halves copied now. */
  private offsetHalves(r: number, disp: number): [string, string] {
    const l = this.tmp("l"), h = this.tmp("h");
    if (disp === 0) {
      this.line(`${l} = lo[${r}]; ${h} = hi[${r}];`);
    } else {
      // The carry out of (or borrow from) the low half: an unsigned compare of the halves.
      const carry = disp > 0 ? ltu(l, `lo[${r}]`) : ltu(`lo[${r}]`, l);
      this.line(`${l} = (lo[${r}] + ${disp}) | 0; ${h} = (hi[${r}] ${disp > 0 ? "+" : "-"} (${carry} ? 1 : 0)) | 0;`);
    }
    return [l, h];
  }

  private split(half: [string, string]): string {
    const name = `@${this.splits.size}`;
    this.splits.set(name, half);
    return name;
  }

  /**
   * The TLB probe of an access at `va` (a name from address(), or a local double):
   * the address expression for the slow path, and the lines setting x (TLB index)
   * and o (page offset) with the condition that the entry maps it.
   */
  private probe(va: string, tag: string, x: string, o: string, size: number): { at: string; hit: string } {
    const half = this.splits.get(va);
    if (half) {
      const [l, h] = half;
      this.line(`${x} = (${l} >>> 12) & 1023; ${o} = ${l} & 4095;`);
      return {
        at: `(${h} * 4294967296 + (${l} >>> 0))`,
        hit: `${tag}[${x}] === ${h} * 1048576 + (${l} >>> 12) && ${o} <= ${4096 - size}`,
      };
    }
    const p = this.tmp("p");
    this.line(`${p} = Math.floor(${va} * 0.000244140625); ${x} = ${p} & 1023; ${o} = (${va} - ${p} * 4096) | 0;`);
    return { at: va, hit: `${p} >= 0 && ${tag}[${x}] === ${p} && ${o} <= ${4096 - size}` };
  }

  /**
   * Emits a load of `size` bytes at `va` (see probe()); returns the value
   * local (int32; zero-extended for sizes 1, 2) and, for size 8, the high half.
   * `rmw`: look up the write TLB (read-modify-write operands fault as writes).
   */
  load(va: string, size: number, rmw = false): [string, string] {
    const v = this.tmp("v");
    const vh = size === 8 ? this.tmp("vh") : "";
    const x = this.tmp("x"), o = this.tmp("o");
    const tag = rmw ? "wT" : "rT", base = rmw ? "wB" : "rB";
    const { at, hit } = this.probe(va, tag, x, o, size);
    const fast = size === 1 ? `u8[${base}[${x}] + ${o}]`
      : size === 2 ? `dv.getUint16(${base}[${x}] + ${o}, true)` : `dv.getInt32(${base}[${x}] + ${o}, true)`;
    this.line(`if (${hit}) { ${v} = ${fast};${size === 8 ? ` ${vh} = dv.getInt32(${base}[${x}] + ${o} + 4, true);` : ""} }`
      + ` else { ${v} = X.read(s, ${at}, ${size}, ${rmw});${size === 8 ? ` ${vh} = m.hi64;` : ""} ${FAULT_CHECK} }`);
    return [v, vh];
  }

  /**
   * Emits a store; the slow path may invalidate this block (self-modifying code).
   * `after`: the rest of the instruction (a register update), run after the store
   * on both paths and before such an exit, which continues at the next instruction.
   */
  store(va: string, size: number, v: string, vh = "", after = ""): void {
    const x = this.tmp("x"), o = this.tmp("o");
    const { at, hit } = this.probe(va, "wT", x, o, size);
    const fast = size === 1 ? `u8[wB[${x}] + ${o}] = ${v};`
      : size === 2 ? `dv.setUint16(wB[${x}] + ${o}, ${v}, true);`
      : size === 4 ? `dv.setInt32(wB[${x}] + ${o}, ${v}, true);`
      : `dv.setInt32(wB[${x}] + ${o}, ${v}, true); dv.setInt32(wB[${x}] + ${o} + 4, ${vh}, true);`;
    const slow = `X.write(s, ${at}, ${size}, ${v}, ${size === 8 ? vh : 0}); ${FAULT_CHECK}`;
    this.line(`if (${hit}) { ${fast} ${after} } else { ${slow} ${after} if (!blk.valid) ${this.smcExitCode()} }`);
  }
}

/** A 32-bit address's terms (base + index * scale + disp) summed, exact before wrapping. */
export function sum32(i: Insn): string {
  const terms = [...(i.base >= 0 ? [`lo[${i.base}]`] : []), ...(i.index >= 0 ? [i.scale === 1 ? `lo[${i.index}]` : `lo[${i.index}] * ${i.scale}`] : []), String(i.disp)];
  return `(${terms.join(" + ")})`;
}

/**
 * Unsigned a < b of int32 expressions, computed in int32. Carries and borrows are
 * computed so, never through `x >>> 0` sums: V8 speculates on the values it has
 * seen, and a region compiled when only small ones appeared was deoptimised
 * ("lost precision") the first time such a sum passed 2^31, then compiled again.
 */
export function ltu(a: string, b: string): string {
  const flip = (x: string) => (/^-?\d+$/.test(x) ? String(Number(x) ^ -2147483648) : `(${x} ^ -2147483648)`);
  return `(${flip(a)} < ${flip(b)})`;
}

/** Lines setting (r, rh) to the 64-bit sum of the halves (a, ah) + (b, bh); r must be a fresh local. */
export function add64(r: string, rh: string, a: string, ah: string, b: string, bh: string): string {
  return `${r} = (${a} + ${b}) | 0; ${rh} = (${ah} + ${bh} + (${ltu(r, b)} ? 1 : 0)) | 0;`;
}

/** Lines setting (r, rh) to the 64-bit difference (a, ah) - (b, bh). */
export function sub64(r: string, rh: string, a: string, ah: string, b: string, bh: string): string {
  return `${r} = (${a} - ${b}) | 0; ${rh} = (${ah} - ${bh} - (${ltu(a, b)} ? 1 : 0)) | 0;`;
}

function ltu64(a: string, ah: string, b: string, bh: string): string {
  return `((${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${a} >>> 0) < (${b} >>> 0)))`;
}

/** Signed a < b at operand size sz. */
function lts(sz: number, a: string, ah: string, b: string, bh: string): string {
  switch (sz) {
    case 0: return `((((${a}) << 24) >> 24) < (((${b}) << 24) >> 24))`;
    case 1: return `((((${a}) << 16) >> 16) < (((${b}) << 16) >> 16))`;
    case 2: return `((${a}) < (${b}))`;
    default: return `(${ah} < ${bh} || (${ah} === ${bh} && (${a} >>> 0) < (${b} >>> 0)))`;
  }
}
