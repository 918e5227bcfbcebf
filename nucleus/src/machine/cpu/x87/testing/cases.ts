/**
 * Random cases for the host differential test, their encoding as x87ref input
 * records, and their emulation on an Fpu producing x87ref-format output.
 */
import { Fpu } from '../fpu.js';
import { F80 } from '../float80.js';
import { FXSAVE_SIZE, storeState } from '../image.js';
import { IN_SIZE, OUT_SIZE, SAVE_AT } from './host-reference.js';
import { Mem, MemKind, OpSpec } from './ops.js';
import { BIAS, Rng, randomF80, relatedF80 } from './random.js';

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
    case 'image': {
      // Control word with every exception masked (a pending one would fault the
      // helper's own instructions), any status word, any tags, any ST(0).
      dv.setUint16(0, (r.u32() | 0x3f) & 0xffff, true);
      dv.setUint16(2, r.u32() & 0xffff, true);
      dv.setUint16(4, r.chance(0.5) ? r.u32() & 0xffff : r.pick([0xffff, 0, 0x5555, 0xaaaa]), true);
      const v = randomF80(r);
      dv.setUint32(6, v.lo, true);
      dv.setUint32(10, v.hi, true);
      dv.setUint16(14, v.se, true);
      break;
    }
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
  const { fpu, mem } = run(c, spec);
  const out = new Uint8Array(OUT_SIZE);
  const dv = new DataView(out.buffer);
  out.set(mem.bytes, 0);
  dv.setUint32(16, mem.eflags, true);
  dv.setUint16(20, mem.ax, true);
  storeState(fpu, out, SAVE_AT, false);
  return out;
}

/** The FXSAVE64 image after the case, as `x87ref --fxsave` reports it (untouched bytes 0xaa, XMM zero). */
export function emulateFxsave(c: Case, spec: OpSpec): Uint8Array {
  const { fpu } = run(c, spec);
  const img = new Uint8Array(FXSAVE_SIZE).fill(0xaa);
  fpu.fxsave(img, 0, new Uint8Array(256), 0x1f80, true);
  return img;
}

function run(c: Case, spec: OpSpec): { fpu: Fpu; mem: Mem } {
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
  return { fpu: f, mem: m };
}
