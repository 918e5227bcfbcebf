/**
 * Basic blocks of decoded instructions and their cache.
 *
 * A block is a run of instructions from one virtual address up to control flow,
 * a page boundary or MAX_INSNS. It is cached by the physical address of its
 * first byte (plus its virtual address: the same frame mapped elsewhere decodes
 * its RIP-relative operands and branch targets differently), and is valid only
 * while its page still translates to that frame (the run loop looks it up
 * through the exec TLB) and nobody wrote to its frame: such writes call
 * mmu.onCodeWrite, which drops every block of the frame.
 *
 * One CodeCache per PhysicalMemory, shared by all vCPUs and address spaces.
 */
import { GuestFault } from "../fault.js";
import type { PhysicalMemory } from "../memory.js";
import { decode, type ByteSource } from "./decode/decoder.js";
import { Insn } from "./decode/insn.js";
import { widenFields } from "../wide-fields.js";
import { endsBlock, handlerFor } from "./exec/registry.js";
import { Access, type CpuMmu } from "./mmu-surface.js";
import type { CpuState } from "./state.js";

export const MAX_INSNS = 64;
const PAGE = 4096;

/**
 * A translated region (translate/translator.ts): entered at block `entry` of the
 * region, runs until it leaves the region; rip, budget and how it left are in the
 * state (exitFrom, exitSlot, exitPhys) for the dispatcher's chaining (translate/chain.ts).
 */
export type BlockFn = (s: CpuState, entry: number) => void;

export class Block {
  readonly insns: Insn[];
  /** Virtual address after the last instruction. */
  readonly end: number;
  valid = true;
  /** When the last instruction straddles into the next page: that page's va and frame base. */
  va2 = -1;
  phys2 = -1;
  /** Another block at the same physical address but a different virtual address. */
  alias: Block | null = null;
  /** Executions so far (the translator's hotness counter). */
  runs = 0;
  fn: BlockFn | null = null;
  /** The WebAssembly region fn runs, when the region was compiled to WebAssembly (translate/wasm/run.ts). */
  wasm: { retire(): void } | null = null;
  /** This block's index in its region's function. */
  entry = 0;
  /** Calls of fn entering at this block so far, counted up to the priming calls (cpu.ts). */
  entries = 0;
  /** Interpreter successor cache: the block executed after this one last time. */
  follow: Block | null = null;
  /** Virtual page number of the block's first byte. */
  readonly vpage: number;
  /** Translator chaining slots: the blocks this one jumped to last (taken / fallthrough). */
  next0: Block | null = null;
  next1: Block | null = null;
  /**
   * For an exit to a computed address (ret, jmp/call through a register or a
   * table, as a bytecode interpreter's dispatch does): the translated blocks it
   * reached, by a hash of their address (translate/runtime.ts); null until the
   * one-entry next0 first misses.
   */
  targets: (Block | null)[] | null = null;

  /** Physical address of the first byte of the block's page. */
  readonly physPage: number;

  constructor(readonly va: number, readonly phys: number, insns: Insn[]) {
    this.insns = insns;
    const last = insns[insns.length - 1];
    this.end = last.va + last.len;
    this.vpage = Math.floor(va / PAGE);
    this.physPage = phys - (va - this.vpage * PAGE);
  }
}

class FetchSource implements ByteSource {
  mmu: CpuMmu = null as unknown as CpuMmu;
  byte(va: number): number {
    return this.mmu.fetch8(va);
  }
}
const fetcher = new FetchSource();

// Addresses exceed V8's small integers (wide-fields.ts).
widenFields(new Block(0, 0, [Object.assign(new Insn(), { len: 1 })]), ["va", "phys", "end", "physPage", "va2", "phys2"]);

/** Decodes the block at va (phys = its translation). Faults only if the first instruction cannot be fetched. */
export function buildBlock(mmu: CpuMmu, va: number, phys: number): Block {
  fetcher.mmu = mmu;
  const insns: Insn[] = [];
  const page = Math.floor(va / PAGE);
  let at = va;
  let straddles = false;
  for (;;) {
    const i = new Insn();
    try {
      decode(fetcher, at, i);
    } catch (e) {
      // A fetch fault belongs to the instruction that needs the bytes: end the block before it.
      if (insns.length > 0 && e instanceof GuestFault) break;
      throw e;
    }
    i.h = handlerFor(i);
    insns.push(i);
    at += i.len;
    if (Math.floor((at - 1) / PAGE) !== page) { straddles = true; break; }
    if (endsBlock(i) || insns.length >= MAX_INSNS || Math.floor(at / PAGE) !== page) break;
  }
  const b = new Block(va, phys, insns);
  if (straddles) {
    b.va2 = (page + 1) * PAGE;
    b.phys2 = mmu.translate(b.va2, Access.Exec);
  }
  return b;
}

const caches = new WeakMap<PhysicalMemory, CodeCache>();

export class CodeCache {
  private readonly blocks = new Map<number, Block>();
  private readonly byFrame = new Map<number, Block[]>();
  private readonly fast: (Block | undefined)[] = new Array(4096).fill(undefined);
  /** Bound hook for mmu.onCodeWrite. */
  readonly onCodeWrite = (frame: number): void => this.invalidateFrame(frame);
  /** Called for every invalidated block (the run loop watches for its current block). */
  invalidations = 0;

  constructor(readonly ram: PhysicalMemory) {}

  static for(ram: PhysicalMemory): CodeCache {
    let c = caches.get(ram);
    if (!c) {
      c = new CodeCache(ram);
      caches.set(ram, c);
    }
    return c;
  }

  lookup(phys: number, va: number): Block | undefined {
    const f = this.fast[phys & 4095];
    if (f !== undefined && f.phys === phys && f.va === va && f.valid) return f;
    let b = this.blocks.get(phys);
    while (b !== undefined && b.va !== va) b = b.alias ?? undefined;
    if (b !== undefined) this.fast[phys & 4095] = b;
    return b;
  }

  add(b: Block, mmu: CpuMmu): Block {
    const head = this.blocks.get(b.phys);
    if (head !== undefined) b.alias = head;
    this.blocks.set(b.phys, b);
    this.fast[b.phys & 4095] = b;
    this.track(Math.floor(b.phys / PAGE), b, mmu);
    if (b.phys2 >= 0) this.track(Math.floor(b.phys2 / PAGE), b, mmu);
    return b;
  }

  private track(frame: number, b: Block, mmu: CpuMmu): void {
    let list = this.byFrame.get(frame);
    if (!list) {
      list = [];
      this.byFrame.set(frame, list);
    }
    list.push(b);
    // Writes to a code frame must take the MMU's slow path (which calls onCodeWrite).
    if (this.ram.codeFrames[frame] === 0) mmu.markCodeFrame(frame);
  }

  /** Drops every block decoded from the frame (a write is about to land in it). */
  invalidateFrame(frame: number): void {
    const list = this.byFrame.get(frame);
    this.ram.codeFrames[frame] = 0;
    if (!list) return;
    this.byFrame.delete(frame);
    for (const b of list) this.drop(b);
  }

  drop(b: Block): void {
    if (!b.valid) return;
    b.valid = false;
    // Its WebAssembly region (a region's blocks share one frame) is dead too.
    b.wasm?.retire();
    this.invalidations++;
    let head = this.blocks.get(b.phys);
    if (head === b) {
      if (b.alias) this.blocks.set(b.phys, b.alias); else this.blocks.delete(b.phys);
    } else {
      while (head !== undefined && head.alias !== b) head = head.alias ?? undefined;
      if (head !== undefined) head.alias = b.alias;
    }
  }

  /** Number of live blocks (tests, statistics). */
  get size(): number {
    let n = 0;
    for (const b of this.blocks.values()) for (let c: Block | null = b; c; c = c.alias) n++;
    return n;
  }
}

/**
 * The cached successor of `from` if it starts at rip and is still valid and
 * mapped there: a block on the same virtual page as `from` shares its (current)
 * translation; another page is checked against the exec TLB.
 */
export function cachedSuccessor(from: Block, rip: number, mmu: CpuMmu): Block | null {
  const nb = from.follow;
  if (nb === null || nb.va !== rip || !nb.valid || nb.phys2 >= 0) return null;
  if (nb.vpage === from.vpage) return nb.physPage === from.physPage ? nb : null;
  const p = nb.vpage;
  const idx = p & 1023;
  return p >= 0 && mmu.tlbExecTag[idx] === p && mmu.tlbExecBase[idx] === nb.physPage ? nb : null;
}

/** The valid block at s.rip, decoding it if needed. Throws #PF/#GP if rip cannot be fetched. */
export function blockAt(s: CpuState, mmu: CpuMmu, cache: CodeCache): Block {
  const rip = s.rip;
  const vpn = Math.floor(rip * (1 / PAGE));
  const idx = vpn & 1023;
  const phys = vpn >= 0 && mmu.tlbExecTag[idx] === vpn ? mmu.tlbExecBase[idx] + (rip - vpn * PAGE) : mmu.translate(rip, Access.Exec);
  return blockAtPhys(mmu, cache, rip, phys);
}

/** The valid block at `va`, whose first byte is at `phys`, decoding it if needed. Throws #PF/#GP if it cannot be fetched. */
export function blockAtPhys(mmu: CpuMmu, cache: CodeCache, va: number, phys: number): Block {
  let b = cache.lookup(phys, va);
  if (b !== undefined && b.phys2 >= 0 && !secondPageOk(b, mmu)) {
    cache.drop(b);
    b = undefined;
  }
  return b ?? cache.add(buildBlock(mmu, va, phys), mmu);
}

function secondPageOk(b: Block, mmu: CpuMmu): boolean {
  try {
    return mmu.translate(b.va2, Access.Exec) === b.phys2;
  } catch (e) {
    if (e instanceof GuestFault) return false;
    throw e;
  }
}

/**
 * For kernel code that writes a RAM frame directly (loading, zero-filling or
 * reusing a frame) rather than through an MMU: drops decoded code of the frame.
 * Cheap when the frame holds no code.
 */
export function invalidateCodeFrame(ram: PhysicalMemory, frame: number): void {
  if (ram.codeFrames[frame] !== 0) CodeCache.for(ram).invalidateFrame(frame);
}
