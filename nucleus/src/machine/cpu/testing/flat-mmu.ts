/**
 * A small MMU test double with the exact surface of the MMU contract
 * (machine/README.md): a page map instead of page tables, the same public TLB
 * arrays, the same faults (#PF with the real error code, #GP(0) for a
 * non-canonical address) and the same code-frame write hook. The CPU's tests
 * and the MIPS bench use it until the real MMU is swapped in.
 */
import { PfError, Vector, raise } from "../../fault.js";
import type { PhysicalMemory } from "../../memory.js";
import { adoptTlb, type TlbSet } from "../../arena.js";
import { Access, TLB_EMPTY, TLB_SIZE, type CpuMmu } from "../mmu-surface.js";

export const enum Perm { R = 1, W = 2, X = 4, RW = 3, RX = 5, RWX = 7 }

const PAGE = 4096;
const CANONICAL = 2 ** 47;

export class FlatMmu implements CpuMmu {
  tlbReadTag!: Float64Array;
  tlbReadBase!: Int32Array;
  tlbWriteTag!: Float64Array;
  tlbWriteBase!: Int32Array;
  tlbExecTag!: Float64Array;
  tlbExecBase!: Int32Array;
  tlbAt = -1;
  hi64 = 0;
  onCodeWrite: (frame: number) => void = () => {};
  /** vpn -> frame * 8 + permissions */
  private readonly pages = new Map<number, number>();
  private nextFrame = 0;

  constructor(readonly ram: PhysicalMemory) {
    this.claimTlb();
  }

  /** TLB arrays in the RAM's arena, as the real MMU keeps them (machine/arena.ts). */
  claimTlb(): void {
    this.useTlb(this.ram.arena.claim(this));
  }

  useTlb(t: TlbSet): void {
    adoptTlb(this, t);
    this.flush();
  }

  /** Maps [va, va+bytes) page by page to fresh frames (or to frames starting at `frame`). */
  map(va: number, bytes: number, perm: number, frame = -1): void {
    const first = Math.floor(va * (1 / PAGE));
    const last = Math.floor((va + bytes - 1) / PAGE);
    for (let vpn = first; vpn <= last; vpn++) {
      const f = frame >= 0 ? frame + (vpn - first) : this.nextFrame++;
      if (f >= this.ram.frames) throw new RangeError("flat mmu: out of frames");
      this.pages.set(vpn, f * 8 + perm);
    }
    this.flush();
  }

  unmap(va: number, bytes: number): void {
    const first = Math.floor(va * (1 / PAGE));
    const last = Math.floor((va + bytes - 1) / PAGE);
    for (let vpn = first; vpn <= last; vpn++) this.pages.delete(vpn);
    this.flush();
  }

  /** Frame number backing va, or -1. */
  frameOf(va: number): number {
    const e = this.pages.get(Math.floor(va * (1 / PAGE)));
    return e === undefined ? -1 : Math.floor(e / 8);
  }

  translate(va: number, access: Access): number {
    if (!(va >= 0 && va < CANONICAL)) {
      if (va < 0 && va >= -CANONICAL) raise(Vector.PF, PfError.User | (access === Access.Write ? PfError.Write : 0) | PfError.Present | (access === Access.Exec ? PfError.Fetch : 0), va);
      raise(Vector.GP, 0);
    }
    const vpn = Math.floor(va * (1 / PAGE));
    const e = this.pages.get(vpn);
    const err = PfError.User | (access === Access.Write ? PfError.Write : 0) | (access === Access.Exec ? PfError.Fetch : 0);
    if (e === undefined) raise(Vector.PF, err, va);
    const perm = e & 7;
    const base = Math.floor(e / 8) * PAGE;
    const idx = vpn & (TLB_SIZE - 1);
    if (access === Access.Write) {
      if (!(perm & Perm.W)) raise(Vector.PF, err | PfError.Present, va);
      if (this.ram.codeFrames[base / PAGE] === 0) { this.tlbWriteTag[idx] = vpn; this.tlbWriteBase[idx] = base; }
    } else if (access === Access.Exec) {
      if (!(perm & Perm.X)) raise(Vector.PF, err | PfError.Present, va);
      this.tlbExecTag[idx] = vpn;
      this.tlbExecBase[idx] = base;
    } else {
      if (!(perm & Perm.R)) raise(Vector.PF, err | PfError.Present, va);
      this.tlbReadTag[idx] = vpn;
      this.tlbReadBase[idx] = base;
    }
    return base + (va - vpn * PAGE);
  }

  private rd(va: number): number {
    const vpn = Math.floor(va * (1 / PAGE));
    const idx = vpn & (TLB_SIZE - 1);
    if (vpn >= 0 && this.tlbReadTag[idx] === vpn) return this.tlbReadBase[idx] + (va - vpn * PAGE);
    return this.translate(va, Access.Read);
  }

  private wr(va: number): number {
    const vpn = Math.floor(va * (1 / PAGE));
    const idx = vpn & (TLB_SIZE - 1);
    if (vpn >= 0 && this.tlbWriteTag[idx] === vpn) return this.tlbWriteBase[idx] + (va - vpn * PAGE);
    const pa = this.translate(va, Access.Write);
    const frame = Math.floor(pa / PAGE);
    if (this.ram.codeFrames[frame] !== 0) this.onCodeWrite(frame);
    return pa;
  }

  /** Physical address for an n-byte read within one page, or -1 (crossing or TLB miss). */
  private fastRead(va: number, n: number): number {
    const vpn = Math.floor(va * (1 / PAGE));
    const idx = vpn & (TLB_SIZE - 1);
    const off = (va - vpn * PAGE) | 0;
    if (vpn >= 0 && this.tlbReadTag[idx] === vpn && off <= PAGE - n) return this.tlbReadBase[idx] + off;
    return -1;
  }

  private fastWrite(va: number, n: number): number {
    const vpn = Math.floor(va * (1 / PAGE));
    const idx = vpn & (TLB_SIZE - 1);
    const off = (va - vpn * PAGE) | 0;
    if (vpn >= 0 && this.tlbWriteTag[idx] === vpn && off <= PAGE - n) return this.tlbWriteBase[idx] + off;
    return -1;
  }

  /** First byte of the page after va's (what CR2 reports for a fault on the second page). */
  private nextPage(va: number): number {
    return (Math.floor(va * (1 / PAGE)) + 1) * PAGE;
  }

  private crosses(va: number, n: number): boolean {
    return va - Math.floor(va * (1 / PAGE)) * PAGE > PAGE - n;
  }

  read8(va: number): number {
    return this.ram.u8[this.rd(va)];
  }

  read16(va: number): number {
    const pa = this.fastRead(va, 2);
    if (pa >= 0) return this.ram.dv.getUint16(pa, true);
    if (this.crosses(va, 2)) return this.readSplit(va, 2);
    return this.ram.dv.getUint16(this.rd(va), true);
  }

  read32(va: number): number {
    const pa = this.fastRead(va, 4);
    if (pa >= 0) return this.ram.dv.getInt32(pa, true);
    if (this.crosses(va, 4)) return this.readSplit(va, 4) | 0;
    return this.ram.dv.getInt32(this.rd(va), true);
  }

  read64(va: number): number {
    let pa = this.fastRead(va, 8);
    if (pa < 0) {
      if (this.crosses(va, 8)) {
        this.rd(va);
        this.rd(this.nextPage(va));
        const lo = this.readBytesAt(va, 4) | 0;
        this.hi64 = this.readBytesAt(va + 4, 4) | 0;
        return lo;
      }
      pa = this.rd(va);
    }
    this.hi64 = this.ram.dv.getInt32(pa + 4, true);
    return this.ram.dv.getInt32(pa, true);
  }

  /** A page-crossing read: both pages are checked before any byte is read. */
  private readSplit(va: number, n: number): number {
    this.rd(va);
    this.rd(this.nextPage(va));
    return this.readBytesAt(va, n);
  }

  /** Little-endian value of n <= 4 bytes, each translated on its own (pages already checked). */
  private readBytesAt(va: number, n: number): number {
    let v = 0;
    for (let k = 0; k < n; k++) v += this.ram.u8[this.rd(va + k)] * 2 ** (8 * k);
    return v;
  }

  fetch8(va: number): number {
    const vpn = Math.floor(va * (1 / PAGE));
    const idx = vpn & (TLB_SIZE - 1);
    const pa = vpn >= 0 && this.tlbExecTag[idx] === vpn ? this.tlbExecBase[idx] + (va - vpn * PAGE) : this.translate(va, Access.Exec);
    return this.ram.u8[pa];
  }

  write8(va: number, v: number): void {
    this.ram.u8[this.wr(va)] = v;
  }

  write16(va: number, v: number): void {
    const pa = this.fastWrite(va, 2);
    if (pa >= 0) { this.ram.dv.setUint16(pa, v, true); return; }
    if (this.crosses(va, 2)) return this.writeSplit(va, 2, v, 0);
    this.ram.dv.setUint16(this.wr(va), v, true);
  }

  write32(va: number, v: number): void {
    const pa = this.fastWrite(va, 4);
    if (pa >= 0) { this.ram.dv.setInt32(pa, v, true); return; }
    if (this.crosses(va, 4)) return this.writeSplit(va, 4, v, 0);
    this.ram.dv.setInt32(this.wr(va), v, true);
  }

  write64(va: number, lo: number, hi: number): void {
    let pa = this.fastWrite(va, 8);
    if (pa < 0) {
      if (this.crosses(va, 8)) return this.writeSplit(va, 8, lo, hi);
      pa = this.wr(va);
    }
    this.ram.dv.setInt32(pa, lo, true);
    this.ram.dv.setInt32(pa + 4, hi, true);
  }

  /** A page-crossing write: both pages are checked before any byte is written. */
  private writeSplit(va: number, n: number, lo: number, hi: number): void {
    this.wr(va);
    this.wr(this.nextPage(va));
    for (let k = 0; k < n; k++) {
      const b = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >>> (8 * (k - 4))) & 0xff;
      this.ram.u8[this.wr(va + k)] = b;
    }
  }

  readBytes(va: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = this.read8(va + k);
    return out;
  }

  writeBytes(va: number, bytes: Uint8Array): void {
    for (let p = Math.floor(va / PAGE) * PAGE; p < va + bytes.length; p += PAGE) this.wr(Math.max(p, va));
    for (let k = 0; k < bytes.length; k++) this.write8(va + k, bytes[k]);
  }

  markCodeFrame(frame: number): void {
    this.ram.codeFrames[frame] = 1;
    const base = frame * PAGE;
    for (let k = 0; k < TLB_SIZE; k++) if (this.tlbWriteBase[k] === base) this.tlbWriteTag[k] = TLB_EMPTY;
  }

  invalidatePage(va: number): void {
    const vpn = Math.floor(va * (1 / PAGE));
    const idx = vpn & (TLB_SIZE - 1);
    if (this.tlbReadTag[idx] === vpn) this.tlbReadTag[idx] = TLB_EMPTY;
    if (this.tlbWriteTag[idx] === vpn) this.tlbWriteTag[idx] = TLB_EMPTY;
    if (this.tlbExecTag[idx] === vpn) this.tlbExecTag[idx] = TLB_EMPTY;
  }

  flush(): void {
    this.tlbReadTag.fill(TLB_EMPTY);
    this.tlbWriteTag.fill(TLB_EMPTY);
    this.tlbExecTag.fill(TLB_EMPTY);
  }

  /** Loader helper: writes bytes into mapped memory regardless of permissions. */
  poke(va: number, bytes: Uint8Array): void {
    for (let k = 0; k < bytes.length; k++) {
      const e = this.pages.get(Math.floor((va + k) / PAGE));
      if (e === undefined) throw new RangeError(`flat mmu: poke at unmapped ${va + k}`);
      const pa = Math.floor(e / 8) * PAGE + (va + k - Math.floor((va + k) / PAGE) * PAGE);
      const frame = Math.floor(pa / PAGE);
      if (this.ram.codeFrames[frame] !== 0) this.onCodeWrite(frame);
      this.ram.u8[pa] = bytes[k];
    }
  }
}
