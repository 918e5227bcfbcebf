/**
 * The MMU: a 4-level page walker over tables in emulated RAM and a software TLB in
 * front of it (the contract is in README.md, "The MMU contract").
 *
 * The guest runs at CPL 3 with CR0.WP = 1, EFER.NXE = 1, CR4.PKE = 0 and no SMEP/SMAP
 * concerns (there is no supervisor code in the guest), so every access is a user
 * access: it needs U/S on every level, a write needs R/W on every level, and a fetch
 * fails if XD is set on any level (SDM §4.6). A/D are set only once the access is
 * known to succeed (Bochs does the same): a faulting access leaves every entry as it was.
 *
 * Physical memory is at most 2 GiB. The machine's MAXPHYADDR is PHYS_ADDR_BITS; an
 * entry naming an address at or above the end of RAM has nothing behind it, and the
 * walker reports it like a reserved-bit violation rather than read open bus (only a
 * kernel bug in mm/ can produce one).
 *
 * The TLB is direct-mapped and keyed by the virtual page number; it caches 4 KiB
 * slices (a 2 MiB or 1 GiB page fills one slice per touched 4 KiB). Only user-half
 * addresses (0 <= va < 2^47) are cached; the upper canonical half always walks.
 */
import { PAGE_SIZE, PhysicalMemory } from "./memory.js";
import { adoptTlb, privateTlb, type TlbHolder, type TlbSet } from "./arena.js";
import { raise, PfError, Vector } from "./fault.js";
import { widenFields } from "./wide-fields.js";
import { Pte, PTE_ADDR_HI, PTE_ADDR_LO, PTE_NX_HI, RSVD_1G_LO, RSVD_2M_LO, RSVD_PML4_LO } from "./pte.js";

export const enum Access { Read = 0, Write = 1, Exec = 2 }
export const TLB_SIZE = 1024;
/** Not an integer, so no virtual page number (negative ones included) ever equals it. */
export const TLB_EMPTY = -0.5;
/** MAXPHYADDR reported for this machine (CPUID 0x80000008 EAX[7:0]). */
export const PHYS_ADDR_BITS = 39;

const TLB_MASK = TLB_SIZE - 1;
const TWO_47 = 2 ** 47;
const TWO_48 = 2 ** 48;
const TWO_64 = 2 ** 64;
/** Bits PHYS_ADDR_BITS..51 of an entry, within its high word. */
const RSVD_HI = PTE_ADDR_HI & ~((1 << (PHYS_ADDR_BITS - 32)) - 1);

/**
 * Every Mmu over one RAM, so that marking a frame as code can drop the write entries
 * other address spaces hold for it (a MAP_SHARED frame can be writable in one
 * process while another executes it).
 */
const mmusOf = new WeakMap<PhysicalMemory, Set<Mmu>>();

export class Mmu implements TlbHolder {
  readonly ram: PhysicalMemory;
  root = 0;
  // The TLB arrays lie in a slot of the RAM's arena, where WebAssembly code
  // reaches them (arena.ts); useTlb() replaces them when another MMU takes the
  // slot, and at release().
  tlbReadTag!: Float64Array;
  tlbReadBase!: Int32Array;
  tlbWriteTag!: Float64Array;
  tlbWriteBase!: Int32Array;
  tlbExecTag!: Float64Array;
  tlbExecBase!: Int32Array;
  /** Byte offset of the TLB arrays in the RAM's memory (arena.ts TlbSet.at), -1 when not there. */
  tlbAt = -1;
  private tlb!: TlbSet;
  /** High half of the last read64. */
  hi64 = 0;
  onCodeWrite: (frame: number) => void;

  private readonly u8: Uint8Array;
  private readonly dv: DataView;
  private readonly i32: Int32Array;
  /** Set once a large page has been cached: invlpg must then drop every slice of it. */
  private cachedLargePage = false;

  constructor(ram: PhysicalMemory) {
    this.ram = ram;
    this.u8 = ram.u8;
    this.dv = ram.dv;
    this.i32 = new Int32Array(ram.buffer, 0, ram.size >> 2);
    this.claimTlb();
    // Without a CPU nothing sets code bits; if something did, forgetting the bit is all there is to do.
    this.onCodeWrite = (frame) => { ram.codeFrames[frame] = 0; };
    let set = mmusOf.get(ram);
    if (set === undefined) mmusOf.set(ram, (set = new Set()));
    set.add(this);
  }

  setRoot(cr3: number): void {
    // Bits 0..11 of CR3 are PCID/PWT/PCD; the table address is page aligned.
    this.root = cr3 - (cr3 % PAGE_SIZE);
    this.flush();
  }

  flush(): void {
    this.tlbReadTag.fill(TLB_EMPTY);
    this.tlbWriteTag.fill(TLB_EMPTY);
    this.tlbExecTag.fill(TLB_EMPTY);
    this.cachedLargePage = false;
  }

  invalidatePage(va: number): void {
    if (this.cachedLargePage) {
      this.flush();
      return;
    }
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    if (this.tlbReadTag[i] === vpn) this.tlbReadTag[i] = TLB_EMPTY;
    if (this.tlbWriteTag[i] === vpn) this.tlbWriteTag[i] = TLB_EMPTY;
    if (this.tlbExecTag[i] === vpn) this.tlbExecTag[i] = TLB_EMPTY;
  }

  /**
   * Marks a physical frame as holding decoded code. From now on every write to it, in
   * any address space over this RAM, takes the slow path and calls onCodeWrite first.
   * The CPU calls this instead of setting `ram.codeFrames` itself, because a write
   * entry cached before the frame became code would otherwise bypass the check.
   */
  markCodeFrame(frame: number): void {
    this.ram.codeFrames[frame] = 1;
    const base = frame * PAGE_SIZE;
    for (const mmu of mmusOf.get(this.ram)!) {
      const tags = mmu.tlbWriteTag, bases = mmu.tlbWriteBase;
      for (let i = 0; i < TLB_SIZE; i++) if (bases[i] === base) tags[i] = TLB_EMPTY;
    }
  }

  /** Takes a TLB set in the arena again (another MMU took this one's; see arena.ts). */
  claimTlb(): void {
    this.useTlb(this.ram.arena.claim(this));
  }

  useTlb(t: TlbSet): void {
    this.tlb = t;
    adoptTlb(this, t);
    this.flush();
  }

  /** Forgets this Mmu when its address space is destroyed (see markCodeFrame). */
  release(): void {
    mmusOf.get(this.ram)?.delete(this);
    // The slot goes to the next address space: this Mmu, if still used by mistake, must not share it.
    this.ram.arena.release(this, this.tlb);
    this.useTlb(privateTlb());
  }

  translate(va: number, access: Access): number {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    const off = va & 0xfff;
    if (access === Access.Read) {
      if (this.tlbReadTag[i] === vpn) return this.tlbReadBase[i] + off;
    } else if (access === Access.Write) {
      if (this.tlbWriteTag[i] === vpn) return this.tlbWriteBase[i] + off;
    } else if (this.tlbExecTag[i] === vpn) {
      return this.tlbExecBase[i] + off;
    }
    return this.walk(va, access);
  }

  // ---- accessors: the TLB-hit path is inline, everything else goes through walk() ----

  read8(va: number): number {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    if (this.tlbReadTag[i] === vpn) return this.u8[this.tlbReadBase[i] + (va & 0xfff)];
    return this.u8[this.walk(va, Access.Read)];
  }

  read16(va: number): number {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    const off = va & 0xfff;
    if (this.tlbReadTag[i] === vpn && off <= PAGE_SIZE - 2) return this.dv.getUint16(this.tlbReadBase[i] + off, true);
    return this.readSlow(va, 2);
  }

  read32(va: number): number {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    const off = va & 0xfff;
    if (this.tlbReadTag[i] === vpn && off <= PAGE_SIZE - 4) return this.dv.getInt32(this.tlbReadBase[i] + off, true);
    return this.readSlow(va, 4);
  }

  read64(va: number): number {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    const off = va & 0xfff;
    if (this.tlbReadTag[i] === vpn && off <= PAGE_SIZE - 8) {
      const p = this.tlbReadBase[i] + off;
      this.hi64 = this.dv.getInt32(p + 4, true);
      return this.dv.getInt32(p, true);
    }
    return this.readSlow(va, 8);
  }

  fetch8(va: number): number {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    if (this.tlbExecTag[i] === vpn) return this.u8[this.tlbExecBase[i] + (va & 0xfff)];
    return this.u8[this.walk(va, Access.Exec)];
  }

  write8(va: number, v: number): void {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    if (this.tlbWriteTag[i] === vpn) this.u8[this.tlbWriteBase[i] + (va & 0xfff)] = v;
    else this.u8[this.walk(va, Access.Write)] = v;
  }

  write16(va: number, v: number): void {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    const off = va & 0xfff;
    if (this.tlbWriteTag[i] === vpn && off <= PAGE_SIZE - 2) this.dv.setUint16(this.tlbWriteBase[i] + off, v, true);
    else this.writeSlow(va, 2, v, 0);
  }

  write32(va: number, v: number): void {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    const off = va & 0xfff;
    if (this.tlbWriteTag[i] === vpn && off <= PAGE_SIZE - 4) this.dv.setInt32(this.tlbWriteBase[i] + off, v, true);
    else this.writeSlow(va, 4, v, 0);
  }

  write64(va: number, lo: number, hi: number): void {
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = vpn & TLB_MASK;
    const off = va & 0xfff;
    if (this.tlbWriteTag[i] === vpn && off <= PAGE_SIZE - 8) {
      const p = this.tlbWriteBase[i] + off;
      this.dv.setInt32(p, lo, true);
      this.dv.setInt32(p + 4, hi, true);
    } else {
      this.writeSlow(va, 8, lo, hi);
    }
  }

  readBytes(va: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const at = va + done;
      const chunk = Math.min(n - done, PAGE_SIZE - (at & 0xfff));
      const p = this.translate(at, Access.Read);
      out.set(this.u8.subarray(p, p + chunk), done);
      done += chunk;
    }
    return out;
  }

  writeBytes(va: number, bytes: Uint8Array): void {
    const n = bytes.length;
    // First prove every page writable, so a fault part-way leaves memory unchanged.
    for (let done = 0; done < n; done += PAGE_SIZE - ((va + done) & 0xfff)) this.translate(va + done, Access.Write);
    let done = 0;
    while (done < n) {
      const at = va + done;
      const chunk = Math.min(n - done, PAGE_SIZE - (at & 0xfff));
      this.u8.set(bytes.subarray(done, done + chunk), this.translate(at, Access.Write));
      done += chunk;
    }
  }

  // ---- slow paths ----

  /** A read that missed the TLB or crosses a page: both pages are translated before reading. */
  private readSlow(va: number, size: number): number {
    const off = va & 0xfff;
    const first = this.translate(va, Access.Read);
    const inFirst = PAGE_SIZE - off;
    const second = inFirst < size ? this.translate(va + inFirst, Access.Read) : 0;
    return this.assemble(first, second, inFirst, size);
  }

  private assemble(first: number, second: number, inFirst: number, size: number): number {
    const u8 = this.u8;
    let lo = 0, hi = 0;
    for (let k = 0; k < size; k++) {
      const b = k < inFirst ? u8[first + k] : u8[second + k - inFirst];
      if (k < 4) lo |= b << (8 * k);
      else hi |= b << (8 * (k - 4));
    }
    if (size === 8) this.hi64 = hi;
    return size === 2 ? lo & 0xffff : lo;
  }

  /** A write that missed the TLB or crosses a page: both pages must be writable before either changes. */
  private writeSlow(va: number, size: number, lo: number, hi: number): void {
    const off = va & 0xfff;
    const first = this.translate(va, Access.Write);
    const inFirst = PAGE_SIZE - off;
    const second = inFirst < size ? this.translate(va + inFirst, Access.Write) : 0;
    const u8 = this.u8;
    for (let k = 0; k < size; k++) {
      const b = (k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4))) & 0xff;
      if (k < inFirst) u8[first + k] = b;
      else u8[second + k - inFirst] = b;
    }
  }

  /**
   * The page walk (SDM §4.5): translate one access, check it, set A/D, fill the TLB.
   * Throws GuestFault #GP(0) for a non-canonical address, #PF otherwise.
   */
  private walk(va: number, access: Access): number {
    // An effective address is a sum of signed 64-bit values; fold a wrapped sum back.
    if (va >= 2 ** 63) va -= TWO_64;
    else if (va < -(2 ** 63)) va += TWO_64;
    if (!(va >= -TWO_47 && va < TWO_47)) raise(Vector.GP, 0, 0);

    const linear = va < 0 ? va + TWO_48 : va;
    // Table indices: 9 bits each of the 36-bit page number (bits 47..39, 38..30, 29..21, 20..12).
    const vpn = Math.floor(linear / PAGE_SIZE);
    const i4 = Math.floor(vpn / 2 ** 27) & 511, i3 = (vpn >>> 18) & 511, i2 = (vpn >>> 9) & 511, i1 = vpn & 511;
    const errAccess = PfError.User | (access === Access.Write ? PfError.Write : 0) | (access === Access.Exec ? PfError.Fetch : 0);
    const i32 = this.i32;
    const size = this.ram.size;

    let table = this.root;
    let user: number = Pte.User, writable: number = Pte.Writable, nx = 0;
    let level = 4;
    let lo = 0, hi = 0, slot = 0;
    // Word index of each level's entry, to set A bits once the access is known to be allowed.
    let e4 = -1, e3 = -1, e2 = -1;
    for (;;) {
      const index = level === 4 ? i4 : level === 3 ? i3 : level === 2 ? i2 : i1;
      slot = (table + index * 8) >> 2;
      lo = i32[slot];
      hi = i32[slot + 1];
      if ((lo & Pte.Present) === 0) raise(Vector.PF, errAccess, va);
      let rsvd = (hi & RSVD_HI) !== 0;
      const large = (lo & Pte.PageSize) !== 0 && level > 1;
      if (level === 4) rsvd ||= (lo & RSVD_PML4_LO) !== 0;
      else if (large) rsvd ||= (lo & (level === 3 ? RSVD_1G_LO : RSVD_2M_LO)) !== 0;
      const next = (lo & PTE_ADDR_LO) >>> 0;
      // Nothing exists past the end of RAM (see the file comment).
      if (rsvd || (hi & PTE_ADDR_HI) !== 0 || next >= size) raise(Vector.PF, errAccess | PfError.Present | PfError.Reserved, va);
      user &= lo;
      writable &= lo;
      nx |= hi & PTE_NX_HI;
      if (level === 1 || (large && level !== 4)) break;
      if (level === 4) e4 = slot; else if (level === 3) e3 = slot; else e2 = slot;
      table = next;
      level--;
    }

    if (user === 0 || (access === Access.Write && writable === 0) || (access === Access.Exec && nx !== 0)) {
      raise(Vector.PF, errAccess | PfError.Present, va);
    }

    // The access is allowed: set A on every level used and D on the leaf for a write.
    if (e4 >= 0) i32[e4] |= Pte.Accessed;
    if (e3 >= 0) i32[e3] |= Pte.Accessed;
    if (e2 >= 0) i32[e2] |= Pte.Accessed;
    lo |= Pte.Accessed | (access === Access.Write ? Pte.Dirty : 0);
    i32[slot] = lo;

    // Physical base of the 4 KiB slice containing va (a large page's address field also holds PAT and reserved bits).
    let base = (lo & PTE_ADDR_LO) >>> 0;
    if (level > 1) {
      const pageBytes = level === 2 ? 2 ** 21 : 2 ** 30;
      base = base - (base % pageBytes) + (linear % pageBytes) - (linear % PAGE_SIZE);
    }
    if (base + PAGE_SIZE > size) raise(Vector.PF, errAccess | PfError.Present | PfError.Reserved, va);
    const frame = base / PAGE_SIZE;
    const off = va & 0xfff;

    if (access === Access.Write && this.ram.codeFrames[frame] !== 0) this.onCodeWrite(frame);
    if (va >= 0) {
      const vpn = (va - off) / PAGE_SIZE;
      const i = vpn & TLB_MASK;
      if (level > 1) this.cachedLargePage = true;
      this.tlbReadTag[i] = vpn;
      this.tlbReadBase[i] = base;
      if (nx === 0) {
        this.tlbExecTag[i] = vpn;
        this.tlbExecBase[i] = base;
      }
      // Writes skip the walk only when it would change nothing: D already set, no code to drop.
      if (writable !== 0 && (lo & Pte.Dirty) !== 0 && this.ram.codeFrames[frame] === 0) {
        this.tlbWriteTag[i] = vpn;
        this.tlbWriteBase[i] = base;
      }
    }
    return base + off;
  }
}

// The high half of a 64-bit read is any int32 (wide-fields.ts); the sample, over one
// page of RAM, is kept.
widenFields(new Mmu(new PhysicalMemory(PAGE_SIZE)), ["hi64"]);
