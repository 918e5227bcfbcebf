/**
 * One differential test case and its outcome, and their binary encoding for the
 * native runner (tests/cpu-diff/native/runner.c mirrors this layout; bump
 * FORMAT_VERSION in both when it changes).
 *
 * The guest sees two fixed regions at the same virtual addresses natively and in
 * the emulator: a code page (RWX) holding the snippet, and a data region whose
 * last page is read-only; everything around them is unmapped, so stray accesses
 * fault with a known #PF.
 */
export const FORMAT_VERSION = 1;
export const CODE_BASE = 0x1000_0000;
export const CODE_SIZE = 0x1000;
export const DATA_BASE = 0x2000_0000;
export const DATA_SIZE = 0x3000;
export const DATA_RO_OFFSET = 0x2000;
/** Byte the code page is filled with around the snippet: int3, so a wild jump ends visibly. */
export const CODE_FILL = 0xcc;

const CASE_MAGIC = 0x4649_4443; // "CDIF"
const RESULT_MAGIC = 0x5352_4443; // "CDRS"
const BATCH_HEADER = 48;
const CASE_HEADER = 8 + 16 * 8 + 8;
const FXSAVE_SIZE = 512;
export const RESULT_SIZE = 8 + 16 + 16 * 8 + 8 + 8 + FXSAVE_SIZE + DATA_SIZE;

/** Exit vectors: the CPU exception vector, or one of these pseudo vectors. */
export const enum Exit {
  DivideError = 0,
  Breakpoint = 3, // the int3 end marker (or a stray int3)
  InvalidOpcode = 6,
  GeneralProtection = 13,
  PageFault = 14,
  SimdException = 19,
  /** The setup itself faulted (e.g. fxrstor64 rejected the MXCSR): a generator bug. */
  SetupFault = 0xfd,
  /** The per-case time / instruction budget ran out. */
  Timeout = 0xfe,
}

/** RFLAGS bits a case may set and that are compared: CF PF AF ZF SF DF OF. */
export const RFLAGS_USER = 0xcd5n;

export interface CpuState {
  /** rax rcx rdx rbx rsp rbp rsi rdi r8..r15 (x86 encoding order). */
  gpr: BigUint64Array;
  rflags: bigint;
  /** FXSAVE (64-bit) image: x87 control/status/tag, ST0-7, MXCSR, XMM0-15. */
  fxsave: Uint8Array;
  data: Uint8Array;
}

/** What the architecture leaves undefined for this case (see undefined-behaviour.ts). */
export interface Undefined {
  /** RFLAGS bits (x86 layout) not compared. */
  rflags: number;
  /** FSW bits not compared (x87 condition codes). */
  fsw: number;
  /** ST(i) (stack order, after the snippet) compared only to within one unit in the last place. */
  stUlp: number[];
  /** GPR indices whose final value is not compared. */
  gprs: number[];
  /** [offset, length] byte ranges of the data region not compared. */
  data: Array<[number, number]>;
}

export interface CpuCase {
  /** Position in the seeded sequence: regenerates this very case. */
  index: number;
  /** The instruction form (iced-x86 Code name, or a sequence name) it exercises. */
  form: string;
  /** The snippet as Intel-syntax text, for reports. */
  text: string;
  initial: CpuState;
  code: Uint8Array;
  undefined: Undefined;
  /** Code offset of the first instruction under test: a fault with RIP here changed nothing. */
  entry: number;
}

export interface CpuResult {
  vector: number;
  /** Host signal that ended the native run (diagnostics only; 0 for the emulator). */
  signal: number;
  errorCode: bigint;
  faultAddress: bigint;
  gpr: BigUint64Array;
  /** Final RIP minus CODE_BASE. */
  ripOffset: bigint;
  rflags: bigint;
  fxsave: Uint8Array;
  data: Uint8Array;
}

function batchHeader(magic: number, count: number): Buffer {
  const h = Buffer.alloc(BATCH_HEADER);
  h.writeUInt32LE(magic, 0);
  h.writeUInt32LE(FORMAT_VERSION, 4);
  h.writeUInt32LE(count, 8);
  h.writeBigUInt64LE(BigInt(CODE_BASE), 16);
  h.writeBigUInt64LE(BigInt(DATA_BASE), 24);
  h.writeBigUInt64LE(BigInt(DATA_SIZE), 32);
  h.writeBigUInt64LE(BigInt(DATA_RO_OFFSET), 40);
  return h;
}

export function encodeBatch(cases: readonly CpuCase[]): Buffer {
  let size = BATCH_HEADER;
  for (const c of cases) size += CASE_HEADER + FXSAVE_SIZE + DATA_SIZE + c.code.length;
  const out = Buffer.alloc(size);
  batchHeader(CASE_MAGIC, cases.length).copy(out, 0);
  let o = BATCH_HEADER;
  for (const c of cases) {
    if (c.code.length > CODE_SIZE) throw new RangeError(`case ${c.index}: code longer than a page`);
    out.writeUInt32LE(c.code.length, o);
    for (let i = 0; i < 16; i++) out.writeBigUInt64LE(c.initial.gpr[i], o + 8 + i * 8);
    out.writeBigUInt64LE(c.initial.rflags, o + 136);
    o += CASE_HEADER;
    out.set(c.initial.fxsave, o);
    o += FXSAVE_SIZE;
    out.set(c.initial.data, o);
    o += DATA_SIZE;
    out.set(c.code, o);
    o += c.code.length;
  }
  return out;
}

export function decodeResults(buf: Buffer, count: number): CpuResult[] {
  const expected = batchHeader(RESULT_MAGIC, count);
  if (buf.length !== BATCH_HEADER + count * RESULT_SIZE || !buf.subarray(0, BATCH_HEADER).equals(expected)) {
    throw new Error(`native runner output malformed: ${buf.length} bytes for ${count} results`);
  }
  const results: CpuResult[] = [];
  for (let n = 0, o = BATCH_HEADER; n < count; n++, o += RESULT_SIZE) {
    const gpr = new BigUint64Array(16);
    for (let i = 0; i < 16; i++) gpr[i] = buf.readBigUInt64LE(o + 24 + i * 8);
    const fx = o + 24 + 128 + 16;
    results.push({
      vector: buf.readUInt32LE(o),
      signal: buf.readUInt32LE(o + 4),
      errorCode: buf.readBigUInt64LE(o + 8),
      faultAddress: buf.readBigUInt64LE(o + 16),
      gpr,
      ripOffset: BigInt.asIntN(64, buf.readBigUInt64LE(o + 152)),
      rflags: buf.readBigUInt64LE(o + 160),
      fxsave: new Uint8Array(buf.subarray(fx, fx + FXSAVE_SIZE)),
      data: new Uint8Array(buf.subarray(fx + FXSAVE_SIZE, fx + FXSAVE_SIZE + DATA_SIZE)),
    });
  }
  return results;
}
