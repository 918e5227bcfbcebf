/**
 * A WebAssembly binary encoder, as much of the format as translated regions use
 * (WebAssembly Core Specification 2.0, chapter 5): one module of function types,
 * imported memory and functions, defined functions with locals, and exports.
 * Function bodies are written with Code, which emits opcodes and immediates.
 */

export const enum T { I32 = 0x7f, I64 = 0x7e, F64 = 0x7c, V128 = 0x7b }
/** Block type of a block/loop/if with no result. */
export const VOID = 0x40;

/** Opcodes (spec §5.4), named as in the text format. */
export const enum Op {
  unreachable = 0x00, block = 0x02, loop = 0x03, if = 0x04, else = 0x05, end = 0x0b,
  br = 0x0c, br_if = 0x0d, br_table = 0x0e, return = 0x0f, call = 0x10, call_indirect = 0x11, drop = 0x1a, select = 0x1b,
  local_get = 0x20, local_set = 0x21, local_tee = 0x22, global_get = 0x23, global_set = 0x24,
  i32_load = 0x28, i64_load = 0x29, f64_load = 0x2b, i32_load8_u = 0x2d, i32_load16_u = 0x2f,
  i64_load8_u = 0x31, i64_load16_u = 0x33, i64_load32_u = 0x35,
  i32_store = 0x36, i64_store = 0x37, f64_store = 0x39, i32_store8 = 0x3a, i32_store16 = 0x3b, i64_store32 = 0x3e,
  i32_const = 0x41, i64_const = 0x42,
  i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49, i32_gt_s = 0x4a, i32_gt_u = 0x4b,
  i32_le_s = 0x4c, i32_le_u = 0x4d, i32_ge_s = 0x4e, i32_ge_u = 0x4f,
  i64_eqz = 0x50, i64_eq = 0x51, i64_ne = 0x52, i64_lt_s = 0x53, i64_lt_u = 0x54, i64_gt_s = 0x55, i64_gt_u = 0x56,
  i64_le_s = 0x57, i64_le_u = 0x58, i64_ge_s = 0x59, i64_ge_u = 0x5a,
  f64_eq = 0x61, f64_ne = 0x62,
  i32_clz = 0x67, i32_ctz = 0x68, i32_rotl = 0x77, i32_rotr = 0x78,
  i64_clz = 0x79, i64_ctz = 0x7a, i64_div_s = 0x7f, i64_div_u = 0x80, i64_rem_s = 0x81, i64_rem_u = 0x82,
  i32_add = 0x6a, i32_sub = 0x6b, i32_mul = 0x6c, i32_and = 0x71, i32_or = 0x72, i32_xor = 0x73,
  i32_shl = 0x74, i32_shr_s = 0x75, i32_shr_u = 0x76,
  i64_add = 0x7c, i64_sub = 0x7d, i64_mul = 0x7e, i64_and = 0x83, i64_or = 0x84, i64_xor = 0x85,
  i64_shl = 0x86, i64_shr_s = 0x87, i64_shr_u = 0x88, i64_rotl = 0x89, i64_rotr = 0x8a,
  i32_wrap_i64 = 0xa7, i64_extend_i32_s = 0xac, i64_extend_i32_u = 0xad, f64_convert_i64_s = 0xb9,
  i32_extend8_s = 0xc0, i32_extend16_s = 0xc1, i64_extend8_s = 0xc2, i64_extend16_s = 0xc3, i64_extend32_s = 0xc4,
}

/** SIMD opcodes (after the 0xfd prefix, spec §5.4.8). */
export const enum Simd {
  load = 0x00, store = 0x0b, const128 = 0x0c, shuffle = 0x0d, i8x16_bitmask = 0x64,
  i8x16_eq = 0x23, i16x8_eq = 0x2d, i32x4_eq = 0x37,
  and = 0x4e, andnot = 0x4f, or = 0x50, xor = 0x51,
  i8x16_add = 0x6e, i8x16_sub = 0x71, i8x16_min_u = 0x77, i8x16_max_u = 0x79,
  i16x8_add = 0x8e, i16x8_sub = 0x91, i32x4_add = 0xae, i32x4_sub = 0xb1, i64x2_add = 0xce, i64x2_sub = 0xd1,
  i16x8_shl = 0x8b, i16x8_shr_s = 0x8c, i16x8_shr_u = 0x8d, i32x4_shl = 0xab, i32x4_shr_s = 0xac, i32x4_shr_u = 0xad,
  i64x2_shl = 0xcb, i64x2_shr_u = 0xcd,
}

/** Natural alignment (log2) of each memory opcode; accesses are unaligned-safe regardless. */
const ALIGN: Partial<Record<number, number>> = {
  [Op.i32_load]: 2, [Op.i64_load]: 3, [Op.f64_load]: 3, [Op.i32_load8_u]: 0, [Op.i32_load16_u]: 1,
  [Op.i64_load8_u]: 0, [Op.i64_load16_u]: 1, [Op.i64_load32_u]: 2,
  [Op.i32_store]: 2, [Op.i64_store]: 3, [Op.f64_store]: 3, [Op.i32_store8]: 0, [Op.i32_store16]: 1, [Op.i64_store32]: 2,
};

/** A growing byte buffer: what the encoder writes into (region generation is on the translator's hot path). */
export class Bytes {
  buf = new Uint8Array(1024);
  length = 0;

  byte(b: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }

  /** Appends bytes [from, to) of another buffer. */
  append(o: Bytes, from = 0, to = o.length): void {
    const n = to - from;
    if (this.length + n > this.buf.length) this.grow(n);
    this.buf.set(o.buf.subarray(from, to), this.length);
    this.length += n;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^53. */
  uleb(v: number): void {
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
  }

  /** Signed LEB128 of the 64-bit integer with halves (lo, hi) (int32 each). */
  sleb64(lo: number, hi: number): void {
    for (;;) {
      const b = lo & 0x7f;
      // Arithmetic shift of the pair right by 7.
      lo = (lo >>> 7) | (hi << 25);
      hi >>= 7;
      const done = (hi === 0 && lo === 0 && (b & 0x40) === 0) || (hi === -1 && lo === -1 && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return;
    }
  }

  /** A name: its UTF-8 length, then its bytes. */
  name(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.uleb(bytes.length);
    for (const x of bytes) this.byte(x);
  }

  /** The bytes written so far (a view). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  private grow(n: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}

/** A function body under construction. */
export class Code {
  bytes = new Bytes();
  /** Local types after the parameters, in index order. */
  readonly locals: T[] = [];

  constructor(readonly params: number) {}

  /** A new local of type t; returns its index. */
  local(t: T): number {
    this.locals.push(t);
    return this.params + this.locals.length - 1;
  }

  op(...ops: number[]): this {
    for (const o of ops) this.bytes.byte(o);
    return this;
  }

  get(l: number): this { this.bytes.byte(Op.local_get); this.bytes.uleb(l); return this; }
  set(l: number): this { this.bytes.byte(Op.local_set); this.bytes.uleb(l); return this; }
  tee(l: number): this { this.bytes.byte(Op.local_tee); this.bytes.uleb(l); return this; }
  i32(v: number): this { this.bytes.byte(Op.i32_const); this.bytes.sleb64(v | 0, v < 0 ? -1 : 0); return this; }
  /** i64.const of the halves (lo, hi). */
  i64(lo: number, hi: number): this { this.bytes.byte(Op.i64_const); this.bytes.sleb64(lo | 0, hi | 0); return this; }
  /** A load or store with a constant offset added to the address operand. */
  mem(o: Op, offset = 0): this { this.bytes.byte(o); this.bytes.byte(ALIGN[o]!); this.bytes.uleb(offset); return this; }
  /** A SIMD instruction with no immediate. */
  simd(o: Simd): this { this.bytes.byte(0xfd); this.bytes.uleb(o); return this; }
  /** v128.load / v128.store with a constant offset. */
  v128(o: Simd.load | Simd.store, offset = 0): this { this.simd(o); this.bytes.byte(4); this.bytes.uleb(offset); return this; }
  /** v128.const of sixteen zero bytes. */
  zero128(): this { this.simd(Simd.const128); for (let k = 0; k < 16; k++) this.bytes.byte(0); return this; }
  /** i8x16.shuffle of the two v128 operands by 16 lane indices (0..31). */
  shuffle(lanes: number[]): this { this.simd(Simd.shuffle); for (const l of lanes) this.bytes.byte(l); return this; }
  call(f: number): this { this.bytes.byte(Op.call); this.bytes.uleb(f); return this; }
  /** call_indirect through table 0 with function type index `type`. */
  callIndirect(type: number): this { this.bytes.byte(Op.call_indirect); this.bytes.uleb(type); this.bytes.byte(0); return this; }
  globalGet(g: number): this { this.bytes.byte(Op.global_get); this.bytes.uleb(g); return this; }
  br(depth: number): this { this.bytes.byte(Op.br); this.bytes.uleb(depth); return this; }
  brIf(depth: number): this { this.bytes.byte(Op.br_if); this.bytes.uleb(depth); return this; }
  brTable(depths: number[], otherwise: number): this {
    this.bytes.byte(Op.br_table);
    this.bytes.uleb(depths.length);
    for (const d of depths) this.bytes.uleb(d);
    this.bytes.uleb(otherwise);
    return this;
  }
  block(): this { return this.op(Op.block, VOID); }
  loop(): this { return this.op(Op.loop, VOID); }
  if(): this { return this.op(Op.if, VOID); }
  else(): this { return this.op(Op.else); }
  end(): this { return this.op(Op.end); }
}

export interface FuncType { params: T[]; results: T[] }

/**
 * One module: imported memory "env.mem", optionally an imported function table
 * "env.table", imported and defined functions, mutable i32 globals exported as
 * "g0", "g1"..., and exports.
 */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly imports: { name: string; type: number }[] = [];
  private readonly funcs: { type: number; code: Code; export?: string }[] = [];
  /** Import "env.table" (funcref) for call_indirect. */
  table = false;
  /** Mutable i32 globals, all starting at 0. */
  globals = 0;

  typeIndex(t: FuncType): number {
    const i = this.types.findIndex((x) => same(x.params, t.params) && same(x.results, t.results));
    if (i >= 0) return i;
    this.types.push(t);
    return this.types.length - 1;
  }

  /** Declares an imported function "env.<name>"; returns its function index. Imports come before any function. */
  importFunc(name: string, t: FuncType): number {
    if (this.funcs.length > 0) throw new Error("imports must be declared before functions");
    this.imports.push({ name, type: this.typeIndex(t) });
    return this.imports.length - 1;
  }

  /** Adds a function (its body ends with `end` here) and returns its index. */
  func(t: FuncType, code: Code, exportName?: string): number {
    this.funcs.push({ type: this.typeIndex(t), code, export: exportName });
    return this.imports.length + this.funcs.length - 1;
  }

  /** The module's bytes; the memory import has `pages` as its minimum and maximum. */
  encode(pages: number): Uint8Array {
    const out = new Bytes();
    for (const b of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.byte(b);
    section(out, 1, (b) => {
      b.uleb(this.types.length);
      for (const t of this.types) {
        b.byte(0x60);
        b.uleb(t.params.length); for (const x of t.params) b.byte(x);
        b.uleb(t.results.length); for (const x of t.results) b.byte(x);
      }
    });
    section(out, 2, (b) => {
      b.uleb(this.imports.length + 1 + (this.table ? 1 : 0));
      b.name("env"); b.name("mem"); b.byte(0x02); b.byte(0x01); b.uleb(pages); b.uleb(pages);
      if (this.table) { b.name("env"); b.name("table"); b.byte(0x01); b.byte(0x70); b.byte(0x00); b.uleb(0); }
      for (const im of this.imports) {
        b.name("env"); b.name(im.name); b.byte(0x00); b.uleb(im.type);
      }
    });
    section(out, 3, (b) => {
      b.uleb(this.funcs.length);
      for (const f of this.funcs) b.uleb(f.type);
    });
    if (this.globals > 0) {
      section(out, 6, (b) => {
        b.uleb(this.globals);
        for (let g = 0; g < this.globals; g++) { b.byte(T.I32); b.byte(0x01); b.byte(Op.i32_const); b.byte(0); b.byte(Op.end); }
      });
    }
    const exported = this.funcs.map((f, i) => ({ f, i })).filter(({ f }) => f.export !== undefined);
    section(out, 7, (b) => {
      b.uleb(exported.length + this.globals);
      for (const { f, i } of exported) { b.name(f.export!); b.byte(0x00); b.uleb(this.imports.length + i); }
      for (let g = 0; g < this.globals; g++) { b.name(`g${g}`); b.byte(0x03); b.uleb(g); }
    });
    section(out, 10, (b) => {
      b.uleb(this.funcs.length);
      for (const { code } of this.funcs) {
        const head = new Bytes();
        // Locals as runs of one type.
        const runs: [number, T][] = [];
        for (const t of code.locals) {
          const last = runs[runs.length - 1];
          if (last !== undefined && last[1] === t) last[0]++;
          else runs.push([1, t]);
        }
        head.uleb(runs.length);
        for (const [n, t] of runs) { head.uleb(n); head.byte(t); }
        b.uleb(head.length + code.bytes.length + 1);
        b.append(head);
        b.append(code.bytes);
        b.byte(Op.end);
      }
    });
    return out.view();
  }
}

function same(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function section(out: Bytes, id: number, fill: (b: Bytes) => void): void {
  const b = new Bytes();
  fill(b);
  out.byte(id);
  out.uleb(b.length);
  out.append(b);
}
