/**
 * The x86-64 paging-structure entry format (Intel SDM vol. 3A §4.5, tables 4-14 to
 * 4-20), shared by the page walker (mmu.ts) and the only code that edits entries
 * (../mm/page-table.ts). An entry is 64 bits, kept in RAM as two little-endian
 * int32 words: `lo` holds bits 0..31, `hi` bits 32..63.
 */

/** Bits of the low word. Bits 9..11 are ignored by the hardware and free for software. */
export const enum Pte {
  Present = 1 << 0,
  Writable = 1 << 1,
  User = 1 << 2,
  WriteThrough = 1 << 3,
  CacheDisable = 1 << 4,
  Accessed = 1 << 5,
  Dirty = 1 << 6,
  /** In a PDPTE: maps a 1 GiB page; in a PDE: a 2 MiB page; reserved in a PML4E. In a PTE it is PAT. */
  PageSize = 1 << 7,
  Global = 1 << 8,
  /**
   * Software bit (9, ignored by hardware): the entry is not present but still owns its
   * frame, because the region is PROT_NONE. The page keeps its contents until the
   * protection is raised again, as Linux's PROT_NONE entries do.
   */
  Held = 1 << 9,
}

/** Execute-disable, bit 63 = bit 31 of the high word. */
export const PTE_NX_HI = 0x80000000 | 0;
/** Physical-address bits 12..31 of the low word. */
export const PTE_ADDR_LO = 0xfffff000 | 0;
/** Physical-address bits 32..51 of the high word (bits 0..19). */
export const PTE_ADDR_HI = 0x000fffff;

/**
 * A leaf as the mm code sees it: a 13-bit number whose bits 0..11 are the entry's
 * bits 0..11 and whose bit 12 stands for bit 63 (NX), so a frame number plus this
 * fits in two JS numbers without BigInt.
 */
export const LEAF_NX = 1 << 12;

export function leafLo(frame: number, leaf: number): number {
  return (frame << 12) | (leaf & 0xfff);
}

export function leafHi(leaf: number): number {
  return (leaf & LEAF_NX) !== 0 ? PTE_NX_HI : 0;
}

export function leafOf(lo: number, hi: number): number {
  return (lo & 0xfff) | (hi < 0 ? LEAF_NX : 0);
}

/** Entry-bit masks of the reserved bits that depend on the level (SDM tables 4-15, 4-17, 4-19). */
export const RSVD_PML4_LO = Pte.PageSize;
/** 1 GiB page: bits 29:13 (bit 12 is PAT). */
export const RSVD_1G_LO = 0x3fffe000;
/** 2 MiB page: bits 20:13 (bit 12 is PAT). */
export const RSVD_2M_LO = 0x001fe000;
