/**
 * Generates differential cases from a seed: for each instruction form an instance
 * with random operands and a random initial machine state aimed at the edges
 * (boundary integers, FP specials, shift counts, divide overflow, page-crossing
 * and out-of-bounds memory, both string directions, taken and not-taken branches),
 * plus short flag producer -> consumer sequences.
 *
 * Case `i` depends only on (seed, i, the form list): `generateCase` rebuilds it alone.
 */
import iced from 'iced-x86';
import { CODE_BASE, CODE_FILL, type CpuCase, DATA_BASE, DATA_RO_OFFSET, DATA_SIZE, type Undefined } from './case.js';
import type { Form } from './forms.js';
import { FCW_DEFAULT, FX_FCW, FX_FSW, FX_FTW, fxsaveImage, stOffset, xmmOffset } from './fxsave.js';
import { Rng } from './rng.js';
import { FSW_C1, approximatedResults, fswBits, isShiftFamily, nothingUndefined, shiftUndefined, x86Flags, x87ImageNotCompared } from './undefined-behaviour.js';
import { gprValue, mmValue, shiftCount, x87Value, xmmValue } from './values.js';

const { Instruction, Encoder, Formatter, FormatterSyntax, OpKind, Register: R, OpCodeOperandKind: K, Mnemonic: M, CodeExt } = iced;
type Instr = InstanceType<typeof Instruction>;

const M64 = (1n << 64n) - 1n;
const RSP = 4;
const RW_SIZE = DATA_RO_OFFSET;

const GPR64 = [R.RAX, R.RCX, R.RDX, R.RBX, R.RSP, R.RBP, R.RSI, R.RDI, R.R8, R.R9, R.R10, R.R11, R.R12, R.R13, R.R14, R.R15];
const GPR32 = [R.EAX, R.ECX, R.EDX, R.EBX, R.ESP, R.EBP, R.ESI, R.EDI, R.R8D, R.R9D, R.R10D, R.R11D, R.R12D, R.R13D, R.R14D, R.R15D];
const GPR16 = [R.AX, R.CX, R.DX, R.BX, R.SP, R.BP, R.SI, R.DI, R.R8W, R.R9W, R.R10W, R.R11W, R.R12W, R.R13W, R.R14W, R.R15W];
const GPR8 = [R.AL, R.CL, R.DL, R.BL, R.SPL, R.BPL, R.SIL, R.DIL, R.R8L, R.R9L, R.R10L, R.R11L, R.R12L, R.R13L, R.R14L, R.R15L];
const HIGH8 = [R.AH, R.CH, R.DH, R.BH];
const XMM = Array.from({ length: 16 }, (_, i) => R.XMM0 + i);
const ST = Array.from({ length: 8 }, (_, i) => R.ST0 + i);
const MM = Array.from({ length: 8 }, (_, i) => R.MM0 + i);

/** Where a register operand lives in the state: GPR index, bit shift, width. */
interface RegSlot { index: number; shift: number; width: number }

function regSlot(reg: number): RegSlot | undefined {
  let i = GPR64.indexOf(reg);
  if (i >= 0) return { index: i, shift: 0, width: 64 };
  if ((i = GPR32.indexOf(reg)) >= 0) return { index: i, shift: 0, width: 32 };
  if ((i = GPR16.indexOf(reg)) >= 0) return { index: i, shift: 0, width: 16 };
  if ((i = GPR8.indexOf(reg)) >= 0) return { index: i, shift: 0, width: 8 };
  if ((i = HIGH8.indexOf(reg)) >= 0) return { index: i, shift: 8, width: 8 };
  return undefined;
}

/** Where each operand ended up, so the edge-value rules can write into it. */
type Place =
  | { kind: 'reg'; slot: RegSlot } | { kind: 'mem'; offset: number } | { kind: 'xmm'; index: number } | { kind: 'mm'; index: number }
  | { kind: 'other' };

class Builder {
  readonly gpr = new BigUint64Array(16);
  rflags = 0n;
  readonly fxsave: Uint8Array;
  readonly data = new Uint8Array(DATA_SIZE);
  /** GPRs whose value addresses memory: edge-value rules leave them alone. */
  readonly pinned = new Set<number>();
  /** The instruction being built uses a 67h address-size prefix (string forms). */
  addr32 = false;

  constructor(readonly rng: Rng) {
    for (let i = 0; i < 16; i++) this.gpr[i] = gprValue(rng);
    this.rflags = BigInt(rng.u32() & 0xcd5);
    rng.fill(this.data);
    this.fxsave = randomFpuState(rng);
    this.setPointer(RSP, 0x1000 + 8 * rng.range(0x20, 0x1e0)); // the stack: middle of the second RW page
  }

  setPointer(index: number, offset: number): void {
    this.gpr[index] = BigInt(DATA_BASE + offset) & M64;
    this.pinned.add(index);
  }

  /** Sets a register operand's bits, keeping the rest of the 64-bit register. */
  setReg(slot: RegSlot, value: bigint): void {
    if (this.pinned.has(slot.index)) return;
    const mask = ((1n << BigInt(slot.width)) - 1n) << BigInt(slot.shift);
    this.gpr[slot.index] = (this.gpr[slot.index] & ~mask) | ((value << BigInt(slot.shift)) & mask);
  }

  getReg(slot: RegSlot): bigint {
    return (this.gpr[slot.index] >> BigInt(slot.shift)) & ((1n << BigInt(slot.width)) - 1n);
  }

  writeMem(offset: number, value: bigint, bytes: number): void {
    for (let i = 0; i < bytes; i++) {
      const o = offset + i;
      if (o >= 0 && o < DATA_SIZE) this.data[o] = Number((value >> BigInt(8 * i)) & 0xffn);
    }
  }

  readMem(offset: number, bytes: number): bigint {
    let v = 0n;
    for (let i = bytes - 1; i >= 0; i--) {
      const o = offset + i;
      v = (v << 8n) | BigInt(o >= 0 && o < DATA_SIZE ? this.data[o] : 0);
    }
    return v;
  }

  write(place: Place, value: bigint, bytes: number): void {
    if (place.kind === 'reg') this.setReg(place.slot, value);
    else if (place.kind === 'mem') this.writeMem(place.offset, value, bytes);
    else if (place.kind === 'mm') this.setMm(place.index, value);
    else if (place.kind === 'xmm') new DataView(this.fxsave.buffer).setBigUint64(xmmOffset(place.index), value & M64, true);
  }

  /**
   * Sets mm register `index`: the significand of x87 physical register R(index),
   * which the FXSAVE image holds in the ST slot (index - TOP) & 7. Its
   * sign/exponent word keeps the x87 value it had (reads must not change it).
   */
  setMm(index: number, value: bigint): void {
    const top = (new DataView(this.fxsave.buffer).getUint16(FX_FSW, true) >> 11) & 7;
    new DataView(this.fxsave.buffer).setBigUint64(stOffset((index - top) & 7), value & M64, true);
  }

  /** An unmasked x87 exception flag: ES is set and the next waiting x87 or MMX instruction raises #MF. */
  pendingX87Exception(): void {
    const dv = new DataView(this.fxsave.buffer);
    const k = this.rng.int(6);
    dv.setUint16(FX_FCW, dv.getUint16(FX_FCW, true) & ~(1 << k), true);
    dv.setUint16(FX_FSW, dv.getUint16(FX_FSW, true) | (1 << k), true);
  }

  read(place: Place, bytes: number): bigint {
    if (place.kind === 'reg') return this.getReg(place.slot);
    if (place.kind === 'mem') return this.readMem(place.offset, bytes);
    return 0n;
  }
}

function randomFpuState(rng: Rng): Uint8Array {
  const pc = rng.pick([0, 2, 3]);
  let fcw = (FCW_DEFAULT & ~0xf00) | (pc << 8) | (rng.int(4) << 10);
  if (rng.chance(0.05)) fcw &= ~(1 << rng.int(6)); // an unmasked x87 exception: ES/B get set, #MF stays pending
  let mxcsr = 0x1f80 | (rng.int(4) << 13) | (rng.chance(0.3) ? 0x8000 : 0) | (rng.chance(0.3) ? 0x40 : 0);
  if (rng.chance(0.2)) mxcsr |= rng.int(64); // sticky exception flags
  if (rng.chance(0.05)) mxcsr &= ~(0x80 << rng.int(6)); // an unmasked SIMD exception: #XM
  const fx = fxsaveImage(fcw, mxcsr);
  const dv = new DataView(fx.buffer);
  const top = rng.int(8);
  const depth = rng.int(9);
  let ftw = 0;
  for (let i = 0; i < depth; i++) ftw |= 1 << ((top + i) & 7);
  const cc = rng.u32() & 0x4700;
  const sticky = rng.chance(0.2) ? rng.int(128) : 0;
  dv.setUint16(FX_FSW, (top << 11) | cc | sticky, true);
  dv.setUint8(FX_FTW, ftw);
  for (let i = 0; i < 8; i++) x87Value(rng, fx.subarray(stOffset(i), stOffset(i) + 10));
  for (let i = 0; i < 16; i++) xmmValue(rng, fx.subarray(xmmOffset(i), xmmOffset(i) + 16));
  return fx;
}

/** A byte offset (relative to DATA_BASE) for an access of `size` bytes: mostly inside, sometimes not. */
function memoryTarget(rng: Rng, size: number): number {
  const n = Math.max(size, 1);
  const r = rng.int(100);
  if (r < 90) {
    // 82%: read-write pages; 8%: the read-only page (writes fault with P|W|U).
    const [lo, span] = r < 82 ? [0, RW_SIZE] : [DATA_RO_OFFSET, DATA_SIZE - DATA_RO_OFFSET];
    let off = lo + rng.int(span - n + 1);
    if (rng.chance(0.75)) off &= ~(Math.min(n, 16) - 1);
    return off;
  }
  if (r < 95 && n > 1) return rng.pick([0, 0x1000, 0x2000, 0x3000]) - rng.range(1, n - 1); // straddles a page boundary
  return rng.chance(0.5) ? -rng.range(1, 0x1000) : DATA_SIZE + rng.int(0x1000);
}

const ALIGN_SENSITIVE_SIZE = 16;

interface Layout {
  /** Offset of the snippet in the code page (a leading `jmp` reaches it when non-zero). */
  start: number;
  /** Offset of the far end marker (branch targets). */
  far: number;
}

interface Built {
  instrs: Instr[];
  undefined: Undefined;
}

/** Fills operand `i` of `ins` for form operand kind `kind`; returns where it lives. */
function fillOperand(b: Builder, ins: Instr, form: Form, i: number, kind: number, layout: Layout, registersOnly: boolean): Place {
  const rng = b.rng;
  const setReg = (reg: number): Place => {
    ins.setOpKind(i, OpKind.Register);
    ins.setOpRegister(i, reg);
    const slot = regSlot(reg);
    if (slot) return { kind: 'reg', slot };
    if (reg >= R.XMM0 && reg <= R.XMM15) return { kind: 'xmm', index: reg - R.XMM0 };
    return { kind: 'other' };
  };
  const gpr = (table: number[]): Place => {
    const pool = table === GPR8 && rng.chance(0.25) ? HIGH8 : table;
    return setReg(rng.pick(pool));
  };
  const mem = (): Place => memoryOperand(b, ins, i, form.memSize);
  // An mm operand mostly holds packed-integer edges; otherwise the x87 value's significand stays.
  const mm = (): Place => {
    const index = rng.int(8);
    ins.setOpKind(i, OpKind.Register);
    ins.setOpRegister(i, MM[index]);
    if (rng.chance(0.85)) b.setMm(index, mmValue(rng));
    return { kind: 'mm', index };
  };
  const orMem = (regs: () => Place): Place => (!registersOnly && rng.chance(0.5) ? mem() : regs());
  switch (kind) {
    case K.r8_reg: case K.r8_opcode: return gpr(GPR8);
    case K.r16_reg: case K.r16_rm: case K.r16_opcode: return gpr(GPR16);
    case K.r32_reg: case K.r32_rm: case K.r32_opcode: return gpr(GPR32);
    case K.r64_reg: case K.r64_rm: case K.r64_opcode: return gpr(GPR64);
    case K.r8_or_mem: return orMem(() => gpr(GPR8));
    case K.r16_or_mem: return orMem(() => gpr(GPR16));
    case K.r32_or_mem: return orMem(() => gpr(GPR32));
    case K.r64_or_mem: return orMem(() => gpr(GPR64));
    case K.xmm_reg: case K.xmm_rm: return setReg(rng.pick(XMM));
    case K.xmm_or_mem: return orMem(() => setReg(rng.pick(XMM)));
    case K.mm_reg: case K.mm_rm: return mm();
    case K.mm_or_mem: return orMem(mm);
    case K.mem: return mem();
    case K.mem_offs: {
      const off = memoryTarget(rng, form.memSize);
      ins.setOpKind(i, OpKind.Memory);
      ins.memoryBase = R.None;
      ins.memoryIndex = R.None;
      ins.memoryDisplacement = BigInt(DATA_BASE + off) & M64;
      ins.memoryDisplSize = 8;
      return { kind: 'mem', offset: off };
    }
    case K.st0: return setReg(R.ST0);
    case K.sti_opcode: return setReg(rng.pick(ST));
    case K.al: return setReg(R.AL);
    case K.cl: return setReg(R.CL);
    case K.ax: return setReg(R.AX);
    case K.dx: return setReg(R.DX);
    case K.eax: return setReg(R.EAX);
    case K.rax: return setReg(R.RAX);
    case K.imm8_const_1:
      ins.setOpKind(i, OpKind.Immediate8);
      ins.setImmediateU32(i, 1);
      return { kind: 'other' };
    case K.imm8: case K.imm16: case K.imm32: case K.imm64: case K.imm8sex16: case K.imm8sex32: case K.imm8sex64: case K.imm32sex64:
      immediate(b, ins, form, i, kind);
      return { kind: 'other' };
    case K.es_rDI: case K.seg_rSI: case K.seg_rDI: case K.seg_rBX_al:
      return stringOperand(b, ins, i, kind);
    case K.br64_1: case K.br64_4:
      ins.setOpKind(i, OpKind.NearBranch64);
      ins.nearBranch64 = BigInt(CODE_BASE + layout.far);
      return { kind: 'other' };
    default:
      throw new Error(`operand kind ${kind} not generated`);
  }
}

const IMM_KIND: ReadonlyMap<number, [number, number]> = new Map([
  [K.imm8, [OpKind.Immediate8, 8]], [K.imm16, [OpKind.Immediate16, 16]], [K.imm32, [OpKind.Immediate32, 32]],
  [K.imm64, [OpKind.Immediate64, 64]], [K.imm8sex16, [OpKind.Immediate8to16, 8]], [K.imm8sex32, [OpKind.Immediate8to32, 8]],
  [K.imm8sex64, [OpKind.Immediate8to64, 8]], [K.imm32sex64, [OpKind.Immediate32to64, 32]],
]);

function immediate(b: Builder, ins: Instr, form: Form, i: number, kind: number): void {
  const rng = b.rng;
  const [opKind, bits] = IMM_KIND.get(kind)!;
  // The second immediate of ENTER has its own operand kind.
  ins.setOpKind(i, form.mnemonic === M.Enter && i === 1 ? OpKind.Immediate8_2nd : opKind);
  let v: bigint;
  if (isShiftFamily(form.mnemonic)) v = BigInt(shiftCount(rng, operandWidth(form)));
  else if (form.mnemonic === M.Enter) v = BigInt(i === 0 ? 8 * rng.int(16) : rng.int(4));
  else if (form.mnemonic === M.Ret) v = BigInt(8 * rng.int(8));
  else v = gprValue(rng);
  v &= (1n << BigInt(bits)) - 1n;
  if (bits === 64) ins.setImmediateU64(i, v);
  else if (opKind === OpKind.Immediate8to16 || opKind === OpKind.Immediate8to32 || opKind === OpKind.Immediate8to64) {
    ins.setImmediateI32(i, Number(BigInt.asIntN(8, v)));
  } else if (opKind === OpKind.Immediate32to64) ins.setImmediateI32(i, Number(BigInt.asIntN(32, v)));
  else ins.setImmediateU32(i, Number(v));
}

/** Operand width in bits of the form's first operand (for shift counts, divides). */
/** The width of the first (destination) operand, from the form's name (Shl_rm64_imm8: 64; its imm8 is the count). */
function operandWidth(form: Form): number {
  const first = form.name.split('_')[1] ?? '';
  const m = /^(?:rm|r|m)(8|16|32|64)$/.exec(first);
  if (m) return Number(m[1]);
  return ({ AL: 8, AX: 16, EAX: 32 } as Record<string, number>)[first] ?? 64;
}

/** An explicit memory operand addressing `memoryTarget`, with base/index/displacement solved. */
function memoryOperand(b: Builder, ins: Instr, i: number, size: number): Place {
  const rng = b.rng;
  const off = memoryTarget(rng, size);
  const addr = BigInt(DATA_BASE + off);
  ins.setOpKind(i, OpKind.Memory);
  const mode = rng.int(100);
  if (mode < 10) {
    ins.memoryBase = R.RIP; // rip-relative: the encoder turns the absolute target into disp32
    ins.memoryIndex = R.None;
    ins.memoryDisplacement = addr;
    ins.memoryDisplSize = 8;
    return { kind: 'mem', offset: off };
  }
  const free = [...Array(16).keys()].filter((r) => !b.pinned.has(r));
  const base = mode < 15 || free.length === 0 ? -1 : rng.pick(free);
  let index = -1;
  const indexPool = free.filter((r) => r !== base && r !== RSP);
  if ((base < 0 || rng.chance(0.35)) && indexPool.length > 0 && rng.chance(base < 0 ? 0.5 : 1)) index = rng.pick(indexPool);
  const scale = rng.pick([1, 2, 4, 8]);
  let disp = 0n;
  let displSize = 0;
  if (base < 0) {
    displSize = 4;
  } else {
    const d = rng.int(3);
    if (d === 1 || base === RSP) [disp, displSize] = [BigInt(rng.range(-128, 127)), 1];
    else if (d === 2) [disp, displSize] = [BigInt(rng.u32() | 0), 4];
  }
  let indexValue = 0n;
  if (index >= 0) {
    indexValue = BigInt(rng.range(-8, 40));
    b.gpr[index] = indexValue & M64;
    b.pinned.add(index);
  }
  if (base >= 0) {
    b.gpr[base] = (addr - disp - indexValue * BigInt(scale)) & M64;
    b.pinned.add(base);
  } else {
    disp = addr - indexValue * BigInt(scale);
  }
  ins.memoryBase = base >= 0 ? GPR64[base] : R.None;
  ins.memoryIndex = index >= 0 ? GPR64[index] : R.None;
  ins.memoryIndexScale = scale;
  ins.memoryDisplacement = disp & M64;
  ins.memoryDisplSize = displSize;
  if (rng.chance(0.05)) ins.segmentPrefix = rng.pick([R.DS, R.ES, R.SS, R.CS]); // ignored in 64-bit mode
  if (rng.chance(0.5)) interestingMemory(b, off, size);
  return { kind: 'mem', offset: off };
}

/** Puts an edge value (integer or FP special of the access size) at a data offset. */
function interestingMemory(b: Builder, off: number, size: number): void {
  const tmp = new Uint8Array(16);
  if (size === 10) x87Value(b.rng, tmp);
  else if (size >= 4 && b.rng.chance(0.5)) xmmValue(b.rng, tmp);
  else new DataView(tmp.buffer).setBigUint64(0, gprValue(b.rng), true);
  for (let k = 0; k < Math.min(size, 16); k++) if (off + k >= 0 && off + k < DATA_SIZE) b.data[off + k] = tmp[k];
}

/** Implicit string operands: [rsi]/[rdi] (or esi/edi with an address-size prefix) point into the data. */
function stringOperand(b: Builder, ins: Instr, i: number, kind: number): Place {
  const addr32 = b.addr32;
  const reg = kind === K.seg_rSI ? 6 : kind === K.seg_rBX_al ? 3 : 7;
  const off = b.rng.range(0x40, RW_SIZE - 0x40);
  if (!b.pinned.has(reg)) {
    b.setPointer(reg, off);
    // With a 67h prefix only the low 32 bits address: garbage above them must be ignored.
    if (addr32) b.gpr[reg] |= BigInt(b.rng.u32()) << 32n;
  }
  if (kind === K.seg_rBX_al) {
    ins.setOpKind(i, OpKind.Memory);
    ins.memoryBase = R.RBX;
    ins.memoryIndex = R.AL;
    return { kind: 'other' };
  }
  const opKind =
    kind === K.es_rDI ? (addr32 ? OpKind.MemoryESEDI : OpKind.MemoryESRDI)
    : kind === K.seg_rSI ? (addr32 ? OpKind.MemorySegESI : OpKind.MemorySegRSI)
    : addr32 ? OpKind.MemorySegEDI : OpKind.MemorySegRDI;
  ins.setOpKind(i, opKind);
  return { kind: 'mem', offset: off };
}

export const MARKER_FAR_FORWARD = 0x70;
export const MARKER_FAR_BACKWARD = 0x10;
const JUMP_START = 0x40;

interface Snippet {
  code: Uint8Array;
  text: string;
  /** Offset of the first instruction under test (faults there mean "nothing happened"). */
  start: number;
  /** Offset just past the last instruction (the near end marker). */
  end: number;
  /** Offset of the far end marker. */
  far: number;
}

const formatter = new Formatter(FormatterSyntax.Intel);

function encodeSnippet(instrs: Instr[], layout: Layout): Snippet {
  const encoder = new Encoder(64);
  const code = new Uint8Array(256).fill(CODE_FILL);
  let at = layout.start;
  if (layout.start) code.set([0xeb, layout.start - 2], 0); // jmp short to the snippet
  try {
    for (const ins of instrs) {
      const len = encoder.encode(ins, BigInt(CODE_BASE + at));
      code.set(encoder.takeBuffer(), at);
      at += len;
    }
  } finally {
    encoder.free();
  }
  if (at >= Math.max(layout.far, 0x80)) throw new Error('snippet too long for the layout');
  const text = instrs.map((ins) => formatter.format(ins)).join('; ');
  return { code: code.subarray(0, Math.max(at, layout.far) + 1), text, start: layout.start, end: at, far: layout.far };
}

/** State tweaks for forms whose interesting inputs are not uniformly random. */
function edgeRules(b: Builder, ins: Instr, form: Form, places: Place[], snippet: Snippet): void {
  const rng = b.rng;
  const width = operandWidth(form);
  const bytes = width / 8;
  const mn = form.mnemonic;
  // Indirect branch targets: one of the two end markers, so taken/not-taken and the target are visible.
  const target = (): bigint => BigInt(CODE_BASE + (rng.chance(0.5) ? snippet.end : snippet.far));
  const accSlot = (w: number): RegSlot => ({ index: 0, shift: 0, width: w });
  const dxSlot = (w: number): RegSlot => (w === 8 ? { index: 0, shift: 8, width: 8 } : { index: 2, shift: 0, width: w });
  if (isShiftFamily(mn) && form.operands.includes(K.cl) && !b.pinned.has(1)) {
    b.setReg({ index: 1, shift: 0, width: 8 }, BigInt(shiftCount(rng, width)));
  } else if (mn === M.Div || mn === M.Idiv) {
    const w = BigInt(width);
    const ones = (1n << w) - 1n;
    const d = rng.pick([0n, 0n, 1n, ones, 2n, ones - 1n, 1n << (w - 1n), gprValue(rng) & ones, BigInt(rng.range(3, 1000))]);
    b.write(places[0], d, bytes);
    const lo = gprValue(rng) & ones;
    const signExt = (lo >> (w - 1n)) & 1n ? ones : 0n;
    const mode = rng.int(4);
    const hi = mode === 0 ? gprValue(rng) & ones : mode === 1 ? 0n : mode === 2 ? signExt : (gprValue(rng) & ones) % (d || 1n);
    b.setReg(accSlot(width === 8 ? 8 : width), mode === 3 && rng.chance(0.3) ? 1n << (w - 1n) : lo);
    b.setReg(dxSlot(width), hi);
  } else if ((mn === M.Bsf || mn === M.Bsr || mn === M.Tzcnt || mn === M.Lzcnt || mn === M.Popcnt) && rng.chance(0.2)) {
    b.write(places[1], 0n, bytes);
  } else if (mn === M.Cmpxchg && rng.chance(0.5)) {
    b.setReg(accSlot(width), b.read(places[0], bytes));
  } else if ((mn === M.Cmpxchg8b || mn === M.Cmpxchg16b) && rng.chance(0.5) && places[0].kind === 'mem') {
    const half = mn === M.Cmpxchg8b ? 4 : 8;
    b.setReg(accSlot(half * 8), b.readMem(places[0].offset, half));
    b.setReg(dxSlot(half * 8), b.readMem(places[0].offset + half, half));
  } else if ((mn === M.Bt || mn === M.Bts || mn === M.Btr || mn === M.Btc) && places[0].kind === 'mem' && places[1].kind === 'reg') {
    b.setReg(places[1].slot, BigInt(rng.range(-128, 255)) & M64); // the bit offset reaches beyond the operand
  } else if (mn === M.Ret) {
    b.writeMem(Number(b.gpr[RSP] - BigInt(DATA_BASE)), target(), 8);
  } else if ((mn === M.Call || mn === M.Jmp) && form.operands[0] === K.r64_or_mem) {
    b.write(places[0], target(), 8);
  } else if (mn === M.Popfq) {
    b.writeMem(Number(b.gpr[RSP] - BigInt(DATA_BASE)), BigInt(rng.u32() & 0xcd5) | 2n, 8); // never TF or AC
  } else if (mn === M.Enter || mn === M.Leave) {
    if (!b.pinned.has(5)) b.setPointer(5, 0x1000 + 8 * rng.range(0x20, 0x1e0));
  } else if ((mn === M.Fxrstor || mn === M.Fxrstor64) && places[0].kind === 'mem') {
    // A state image like the ones the initial states are made of; sometimes an MXCSR with reserved bits (#GP).
    const image = randomFpuState(rng);
    if (rng.chance(0.1)) image[26] |= 1 << rng.int(8);
    for (let k = 0; k < image.length; k++) b.writeMem(places[0].offset + k, BigInt(image[k]), 1);
  } else if (mn === M.Ldmxcsr && places[0].kind === 'mem' && rng.chance(0.7)) {
    b.writeMem(places[0].offset, BigInt(rng.u32() & 0xffff), 4);
  } else if ((ins.isLoop || ins.isLoopcc || ins.isJcxShort) && !b.pinned.has(1)) {
    b.gpr[1] = rng.pick([0n, 1n, 2n, 0x100000000n, 0x100000001n, gprValue(rng)]);
  }
  const simdShift = SIMD_SHIFT_LANE.get(mn);
  if (simdShift && form.operands.length === 2 && form.operands[1] !== K.imm8 && rng.chance(0.6)) {
    // The count is the source's whole low quadword: make it small often enough to shift at all.
    b.write(places[1], BigInt(shiftCount(rng, simdShift)), 8);
  }
  if (usesMmx(form) && rng.chance(0.05)) b.pendingX87Exception();
  if ((mn === M.Maskmovq || mn === M.Maskmovdqu) && rng.chance(0.3)) {
    // The implicit [rdi] destination, sometimes on the read-only page, across a page boundary or unmapped.
    b.setPointer(7, memoryTarget(rng, mn === M.Maskmovq ? 8 : 16));
  }
  if (ins.isStringInstruction && !b.pinned.has(1)) {
    const rep = ins.hasRepPrefix || ins.hasRepePrefix || ins.hasRepnePrefix;
    const count = rep && rng.chance(0.1) ? rng.range(0x100, 0x1000) : rng.pick([0, 1, 2, 3, rng.int(9)]);
    b.gpr[1] = (b.gpr[1] & ~0xffffffffn) | BigInt(count);
    if ((mn === M.Cmpsb || mn === M.Cmpsw || mn === M.Cmpsd || mn === M.Cmpsq) && rng.chance(0.5)) {
      // Make the two strings agree for a while so repe/repne run several iterations.
      const s = Number((b.gpr[6] & 0xffffffffn) - BigInt(DATA_BASE));
      const d = Number((b.gpr[7] & 0xffffffffn) - BigInt(DATA_BASE));
      const n = rng.int(64);
      for (let k = -n; k < n; k++) if (s + k >= 0 && d + k >= 0 && s + k < RW_SIZE && d + k < RW_SIZE) b.data[d + k] = b.data[s + k];
    }
    if ((mn === M.Scasb || mn === M.Scasw || mn === M.Scasd || mn === M.Scasq) && rng.chance(0.5)) {
      const d = Number((b.gpr[7] & 0xffffffffn) - BigInt(DATA_BASE));
      const n = rng.int(64);
      for (let k = -n; k < n; k++) if (d + k >= 0 && d + k < RW_SIZE) b.data[d + k] = Number(b.gpr[0] & 0xffn);
    }
  }
}

/** Lane width of the SIMD shifts whose count may come from a register or memory. */
const SIMD_SHIFT_LANE: ReadonlyMap<number, number> = new Map([
  [M.Psllw, 16], [M.Psrlw, 16], [M.Psraw, 16], [M.Pslld, 32], [M.Psrld, 32], [M.Psrad, 32], [M.Psllq, 64], [M.Psrlq, 64],
]);

/** MMX instructions (an mm operand, or EMMS): the pending-#MF check applies to them. */
function usesMmx(form: Form): boolean {
  return form.mnemonic === M.Emms || form.operands.some((k) => k === K.mm_reg || k === K.mm_rm || k === K.mm_or_mem);
}

/** Which forms can take part in flag producer -> consumer sequences (register operands only). */
function registerOnly(form: Form): boolean {
  return form.operands.every((k) => k !== K.mem && k !== K.mem_offs && k !== K.es_rDI && k !== K.seg_rSI && k !== K.seg_rDI && k !== K.seg_rBX_al && k !== K.cl);
}

interface FlagInfo { read: number; modified: number; undef: number }

function flagInfo(ins: Instr, form: Form, b: Builder): FlagInfo {
  let undef = x86Flags(ins.rflagsUndefined);
  if (isShiftFamily(form.mnemonic)) {
    const width = operandWidth(form);
    const count = form.operands.includes(K.cl) ? Number(b.gpr[1] & 0xffn) : form.operands.includes(K.imm8_const_1) ? 1 : Number(ins.immediate8);
    undef = shiftUndefined(form.mnemonic, width, count).rflags;
  }
  return { read: x86Flags(ins.rflagsRead), modified: x86Flags(ins.rflagsModified), undef };
}

function buildOne(b: Builder, form: Form, layout: Layout, registersOnly: boolean): { ins: Instr; places: Place[] } {
  const ins = Instruction.create(form.code);
  const oc = CodeExt.opCode(form.code);
  const addr32 = oc.canUseRepPrefix || oc.canUseRepnePrefix ? b.rng.chance(0.15) : false;
  b.addr32 = addr32;
  const places = form.operands.map((k, i) => fillOperand(b, ins, form, i, k, layout, registersOnly));
  if (oc.canUseRepPrefix && b.rng.chance(0.6)) ins.hasRepPrefix = true;
  else if (oc.canUseRepnePrefix && b.rng.chance(0.3)) ins.hasRepnePrefix = true;
  if (oc.canUseLockPrefix && places[0]?.kind === 'mem' && b.rng.chance(0.4)) ins.hasLockPrefix = true;
  oc.free();
  return { ins, places };
}

function undefinedOf(ins: Instr, form: Form, b: Builder, places: Place[]): Undefined {
  const u = nothingUndefined();
  u.rflags = flagInfo(ins, form, b).undef;
  u.fsw = fswBits(ins.rflagsUndefined);
  u.stUlp = approximatedResults(form.mnemonic);
  if (u.stUlp.length) u.fsw |= FSW_C1;
  if (isShiftFamily(form.mnemonic) && form.operands.length === 3) {
    const count = form.operands[2] === K.cl ? Number(b.gpr[1] & 0xffn) : Number(ins.immediate8);
    if (shiftUndefined(form.mnemonic, operandWidth(form), count).destination) {
      const p = places[0];
      if (p.kind === 'reg') u.gprs.push(p.slot.index);
      else if (p.kind === 'mem') u.data.push([p.offset, operandWidth(form) / 8]);
    }
  }
  if (places[0]?.kind === 'mem') {
    const off = places[0].offset;
    for (const [o, n] of x87ImageNotCompared(form.mnemonic, form.memSize)) u.data.push([off + o, n]);
  }
  return u;
}

function isBranchy(form: Form): boolean {
  const oc = CodeExt.opCode(form.code);
  const ins = Instruction.create(form.code);
  const fc = ins.flowControl;
  oc.free();
  ins.free();
  return fc !== iced.FlowControl.Next && fc !== iced.FlowControl.Exception;
}

function layoutFor(rng: Rng, branchy: boolean): Layout {
  return branchy && rng.chance(0.5) ? { start: JUMP_START, far: MARKER_FAR_BACKWARD } : { start: 0, far: MARKER_FAR_FORWARD };
}

function finish(b: Builder, index: number, formName: string, snippet: Snippet, u: Undefined): CpuCase {
  return {
    index,
    form: formName,
    text: snippet.text,
    initial: { gpr: b.gpr, rflags: b.rflags, fxsave: b.fxsave, data: b.data },
    code: snippet.code,
    undefined: u,
    entry: snippet.start,
  };
}

export function singleCase(seed: number, index: number, form: Form): CpuCase {
  const rng = new Rng(seed, index);
  for (let attempt = 0; attempt < 50; attempt++) {
    const b = new Builder(rng);
    const layout = layoutFor(rng, isBranchy(form));
    const { ins, places } = buildOne(b, form, layout, false);
    let snippet: Snippet;
    try {
      snippet = encodeSnippet([ins], layout);
    } catch {
      ins.free();
      continue; // e.g. ah together with a REX-only register: draw again
    }
    edgeRules(b, ins, form, places, snippet);
    const u = undefinedOf(ins, form, b, places);
    ins.free();
    return finish(b, index, form.name, snippet, u);
  }
  throw new Error(`cannot generate an encodable instance of ${form.name}`);
}

/** Forms usable in flag sequences, split by role. */
export interface SequencePools { producers: Form[]; consumers: Form[] }

export function sequencePools(forms: readonly Form[]): SequencePools {
  const producers: Form[] = [];
  const consumers: Form[] = [];
  for (const f of forms) {
    if (!registerOnly(f) || f.mnemonic === M.Div || f.mnemonic === M.Idiv || f.mnemonic === M.Popfq || f.operands.some((k) => k === K.br64_4)) continue;
    const ins = Instruction.create(f.code);
    if (isShiftFamily(f.mnemonic) && f.operands.includes(K.imm8)) {
      // iced-x86 derives shift flags from the immediate; a count of 1 shows what the form can touch.
      ins.setOpKind(f.operands.indexOf(K.imm8), OpKind.Immediate8);
      ins.immediate8 = 1;
    }
    const fc = ins.flowControl;
    const read = ins.rflagsRead & 0xff;
    const modified = ins.rflagsModified & 0xff;
    ins.free();
    if (fc !== iced.FlowControl.Next && fc !== iced.FlowControl.ConditionalBranch) continue;
    if (read) consumers.push(f);
    else if (modified && fc === iced.FlowControl.Next) producers.push(f);
  }
  return { producers, consumers };
}

/** A flag producer (or two) followed by a flag consumer, register operands only. */
export function sequenceCase(seed: number, index: number, pools: SequencePools, consumer: Form): CpuCase {
  const rng = new Rng(seed, index);
  for (let attempt = 0; attempt < 100; attempt++) {
    const b = new Builder(rng);
    const layout = layoutFor(rng, consumer.operands.includes(K.br64_1) || consumer.operands.includes(K.br64_4));
    const forms = [rng.pick(pools.producers)];
    if (rng.chance(0.3)) forms.push(rng.pick([...pools.producers, ...pools.consumers]));
    forms.push(consumer);
    const instrs: Instr[] = [];
    let undef = 0;
    let leftUndefined = 0; // what was undefined where a branch may leave the sequence early
    let ok = true;
    for (const f of forms) {
      if (isBranchy(f)) leftUndefined |= undef;
      const { ins } = buildOne(b, f, layout, true);
      instrs.push(ins);
      const info = flagInfo(ins, f, b);
      if (info.read & undef) ok = false; // reading an undefined flag would make the outcome undefined
      // Rule 2e: a 16-bit SHLD/SHRD by more than 16 leaves its destination undefined, and what reads it after.
      if (isShiftFamily(f.mnemonic) && f.operands.length === 3 && shiftUndefined(f.mnemonic, operandWidth(f), Number(ins.immediate8)).destination) ok = false;
      undef = (undef & ~info.modified) | info.undef;
    }
    let snippet: Snippet | undefined;
    if (ok) {
      try {
        snippet = encodeSnippet(instrs, layout);
      } catch {
        snippet = undefined;
      }
    }
    instrs.forEach((ins) => ins.free());
    if (!snippet) continue;
    const u = nothingUndefined();
    u.rflags = undef | leftUndefined;
    return finish(b, index, `seq:${consumer.name}`, snippet, u);
  }
  throw new Error(`cannot build a flag sequence ending in ${consumer.name}`);
}

/** Every 8th case is a flag sequence; the others cycle through the single forms. */
export function generateCase(seed: number, index: number, forms: readonly Form[], pools: SequencePools): CpuCase {
  if (index % 8 === 7 && pools.producers.length && pools.consumers.length) {
    return sequenceCase(seed, index, pools, pools.consumers[Math.floor(index / 8) % pools.consumers.length]);
  }
  const n = index - Math.floor(index / 8);
  return singleCase(seed, index, forms[n % forms.length]);
}

export function generateCases(seed: number, count: number, forms: readonly Form[]): CpuCase[] {
  const pools = sequencePools(forms);
  const cases: CpuCase[] = [];
  for (let i = 0; i < count; i++) cases.push(generateCase(seed, i, forms, pools));
  return cases;
}
