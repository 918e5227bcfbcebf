/**
 * The machine's arena: the bytes after RAM in its WebAssembly.Memory (memory.ts),
 * holding what translated WebAssembly code reads besides guest memory. Its layout
 * is fixed, so generated code addresses it with constants:
 *
 *   CONTEXT  the running thread's general registers (low halves, then high
 *            halves), the words the engine and generated code exchange
 *            (lazy-flag record, exit, budget; cpu/translate/wasm/) and the xmm
 *            registers. The engine binds the running CpuState's registers here
 *            for the length of a run (cpu.ts); runs never overlap, as the
 *            machine is one JS thread.
 *   TLBS     TLB_SLOTS sets of the MMU's TLB arrays (tags, then bases, for
 *            read, write and exec). An MMU claims one when created and again
 *            before it runs if another took it meanwhile (claim()); it gives
 *            it back at release().
 */
export const ARENA_BYTES = 145 * 65536;
export const TLB_ENTRIES = 1024;
/** Bytes of one TLB set: three Float64 tag arrays and three Int32 base arrays. */
export const TLB_SET_BYTES = 3 * TLB_ENTRIES * 8 + 3 * TLB_ENTRIES * 4;
/** Offsets in the arena. */
export const enum ArenaAt { Context = 0, Tlbs = 65536 }
/** Byte offsets of the context's fields, from its start. */
export const enum Ctx { Lo = 0, Hi = 64, Words = 128, Xmm = 256, Bytes = 512 }
export const TLB_SLOTS = Math.floor((ARENA_BYTES - ArenaAt.Tlbs) / TLB_SET_BYTES);

/** The xmm registers' storage and its views (cpu/state.ts). */
export interface XmmViews { xmm8: Uint8Array; xmm32: Int32Array; xmmF32: Float32Array; xmmF64: Float64Array }

export function xmmViews(buffer: ArrayBuffer, at: number): XmmViews {
  return { xmm8: new Uint8Array(buffer, at, 256), xmm32: new Int32Array(buffer, at, 64), xmmF32: new Float32Array(buffer, at, 64), xmmF64: new Float64Array(buffer, at, 32) };
}

/** What holds a TLB set: an MMU. */
export interface TlbHolder {
  /** Switches to set t (flushed); called when the arena takes the holder's slot away. */
  useTlb(t: TlbSet): void;
}

export class Arena {
  /** Byte offset of the arena in the memory. */
  readonly base: number;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** The context's exchange words (Ctx.Words onward). */
  readonly words: Int32Array;
  /** The context's xmm registers (views as CpuState has them). */
  readonly xmm: XmmViews;
  private readonly buffer: ArrayBuffer;
  /**
   * Who holds each TLB slot. Held strongly: holders are MMUs over this RAM, so
   * this keeps nothing alive beyond the RAM (a WeakRef would keep every MMU made
   * in one synchronous job alive until it ends); an MMU's release() frees its slot.
   */
  private readonly holders: (TlbHolder | null)[] = new Array(TLB_SLOTS).fill(null);
  /** Next slot to take from its holder when none is free. */
  private victim = 0;

  constructor(buffer: ArrayBuffer, base: number) {
    this.buffer = buffer;
    this.base = base;
    this.lo = new Int32Array(buffer, base + ArenaAt.Context + Ctx.Lo, 16);
    this.hi = new Int32Array(buffer, base + ArenaAt.Context + Ctx.Hi, 16);
    this.words = new Int32Array(buffer, base + ArenaAt.Context + Ctx.Words, (Ctx.Xmm - Ctx.Words) / 4);
    this.xmm = xmmViews(buffer, base + ArenaAt.Context + Ctx.Xmm);
  }

  /** Byte offset (in the memory) of the context. */
  get context(): number {
    return this.base + ArenaAt.Context;
  }

  /**
   * A TLB set in the arena for `holder`: a free slot, else one taken from another
   * holder, which is switched to a private set first (losing its cached entries
   * only, as a TLB flush does). Returned flushed is not guaranteed: the caller flushes.
   */
  claim(holder: TlbHolder): TlbSet {
    let slot = this.holders.indexOf(null);
    if (slot < 0) {
      slot = this.victim;
      this.victim = (this.victim + 1) % TLB_SLOTS;
      this.holders[slot]!.useTlb(privateTlb());
    }
    this.holders[slot] = holder;
    return tlbSet(this.buffer, this.base + ArenaAt.Tlbs + slot * TLB_SET_BYTES, slot);
  }

  /** Frees the slot of t (held by holder, which must no longer use t). */
  release(holder: TlbHolder, t: TlbSet): void {
    if (t.slot >= 0 && this.holders[t.slot] === holder) this.holders[t.slot] = null;
  }
}

/** The TLB arrays of one address space (mmu.ts), and where they are. */
export interface TlbSet {
  readTag: Float64Array; writeTag: Float64Array; execTag: Float64Array;
  readBase: Int32Array; writeBase: Int32Array; execBase: Int32Array;
  /** Byte offset of readTag in the memory (the others follow in the order above); -1 outside the arena. */
  at: number;
  slot: number;
}

const T = TLB_ENTRIES;

function tlbSet(buffer: ArrayBuffer, at: number, slot: number): TlbSet {
  return {
    readTag: new Float64Array(buffer, at, T), writeTag: new Float64Array(buffer, at + 8 * T, T), execTag: new Float64Array(buffer, at + 16 * T, T),
    readBase: new Int32Array(buffer, at + 24 * T, T), writeBase: new Int32Array(buffer, at + 28 * T, T), execBase: new Int32Array(buffer, at + 32 * T, T),
    at, slot,
  };
}

/** An MMU's TLB fields (cpu/mmu-surface.ts). */
interface TlbFields {
  tlbReadTag: Float64Array; tlbWriteTag: Float64Array; tlbExecTag: Float64Array;
  tlbReadBase: Int32Array; tlbWriteBase: Int32Array; tlbExecBase: Int32Array;
  tlbAt: number;
}

/** Points an MMU's TLB fields at set t (the caller flushes). */
export function adoptTlb(m: TlbFields, t: TlbSet): void {
  m.tlbReadTag = t.readTag; m.tlbWriteTag = t.writeTag; m.tlbExecTag = t.execTag;
  m.tlbReadBase = t.readBase; m.tlbWriteBase = t.writeBase; m.tlbExecBase = t.execBase;
  m.tlbAt = t.at;
}

/** A TLB set outside the arena (an MMU whose slot was taken: the engine claims one again before it runs). */
export function privateTlb(): TlbSet {
  return { ...tlbSet(new ArrayBuffer(TLB_SET_BYTES), 0, -1), at: -1 };
}
