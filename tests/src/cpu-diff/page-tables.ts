/**
 * A minimal 4-level page-table writer for the emulated side of a case: it lays out
 * the code and data pages in emulated RAM at the same virtual addresses and with
 * the same permissions as the native runner's mmap (real PTE bits, SDM Vol. 3A 4.5).
 * The kernel's mm/ owns page tables for real guests; this fixture only has to map
 * a handful of pages once per case.
 */
const P = 1, RW = 2, US = 4;
const NX_HI = 0x8000_0000; // bit 63, in the high dword
const PAGE = 4096;

export interface PageMap {
  /** Physical address of the PML4 (CR3). */
  cr3: number;
  /** Physical address each mapped virtual page got. */
  frames: Map<number, number>;
}

/** Maps `pages` (virtual page address -> writable/executable) into `ram`, frames allocated from 0. */
export function buildPageTables(ram: Uint8Array, pages: Array<{ va: number; write: boolean; exec: boolean }>): PageMap {
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  let next = 0;
  const alloc = (): number => {
    const at = next;
    next += PAGE;
    if (next > ram.length) throw new RangeError('emulated RAM too small for the case');
    ram.fill(0, at, at + PAGE);
    return at;
  };
  const cr3 = alloc();
  const frames = new Map<number, number>();
  const entry = (table: number, index: number, lo: number, hi: number): void => {
    dv.setUint32(table + index * 8, lo, true);
    dv.setUint32(table + index * 8 + 4, hi, true);
  };
  const child = (table: number, index: number): number => {
    const lo = dv.getUint32(table + index * 8, true);
    if (lo & P) return lo & ~0xfff;
    const t = alloc();
    entry(table, index, t | P | RW | US, 0); // permissions are decided at the leaf
    return t;
  };
  for (const { va, write, exec } of pages) {
    const pdpt = child(cr3, Math.floor(va / 2 ** 39) % 512);
    const pd = child(pdpt, Math.floor(va / 2 ** 30) % 512);
    const pt = child(pd, Math.floor(va / 2 ** 21) % 512);
    const frame = alloc();
    entry(pt, Math.floor(va / PAGE) % 512, frame | P | US | (write ? RW : 0), exec ? 0 : NX_HI);
    frames.set(va, frame);
  }
  return { cr3, frames };
}
