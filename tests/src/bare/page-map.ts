import { MmSpace } from './mm-space.js';
import { PAGE, type Space } from './ports.js';

/**
 * Test double for the Space port: page-granular memory with protections, for checking
 * what the loader and the syscall handlers do to an address space. It has no demand
 * paging and does not check permissions on access; it is not a model of the MMU.
 */
export class PageMap implements Space {
  readonly pages = new Map<number, { bytes: Uint8Array; prot: number }>();
  map(va: number, len: number, prot: number, content?: Uint8Array): boolean {
    for (let p = va; p < va + len; p += PAGE) this.pages.set(p, { bytes: new Uint8Array(PAGE), prot });
    return content ? this.write(va, content) : true;
  }
  unmap(va: number, len: number): void {
    for (let p = va; p < va + len; p += PAGE) this.pages.delete(p);
  }
  protect(va: number, len: number, prot: number): void {
    for (let p = va; p < va + len; p += PAGE) this.pages.get(p)!.prot = prot;
  }
  handleFault(): boolean {
    return false;
  }
  isMapped(va: number, len: number): boolean {
    for (let p = Math.floor(va / PAGE) * PAGE; p < va + len; p += PAGE) if (!this.pages.has(p)) return false;
    return true;
  }
  read(va: number, n: number): Uint8Array | null {
    if (!this.isMapped(va, n)) return null;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.pages.get(Math.floor((va + i) / PAGE) * PAGE)!.bytes[(va + i) % PAGE]!;
    return out;
  }
  write(va: number, bytes: Uint8Array): boolean {
    if (!this.isMapped(va, bytes.length)) return false;
    bytes.forEach((b, i) => (this.pages.get(Math.floor((va + i) / PAGE) * PAGE)!.bytes[(va + i) % PAGE] = b));
    return true;
  }
}

/** The protection of the page holding va, in a PageMap or an mm-backed space. */
export function protAt(space: Space, va: number): number | undefined {
  const page = Math.floor(va / PAGE) * PAGE;
  if (space instanceof PageMap) return space.pages.get(page)?.prot;
  if (space instanceof MmSpace) return space.mm.regions().find((r) => r.start <= page && page < r.end)?.prot;
  throw new Error('unknown Space');
}
