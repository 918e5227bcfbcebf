/**
 * The Space port over an mm address space (nucleus/src/mm/address-space.ts), whose
 * map/unmap/protect/handleFault/copyIn/copyOut report -errno instead of throwing.
 */
import type { AddressSpace } from '@rustos/nucleus/dist/mm/address-space.js';
import type { Space } from './ports.js';

/** mm's MapFlag.Private | MapFlag.Anonymous (Linux's MAP_* values). */
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;

export class MmSpace implements Space {
  constructor(readonly mm: AddressSpace) {}

  map(va: number, len: number, prot: number, content?: Uint8Array): boolean {
    return this.mm.map(va, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, content ? { content } : {}) === 0;
  }
  unmap(va: number, len: number): void {
    this.mm.unmap(va, len);
  }
  protect(va: number, len: number, prot: number): void {
    this.mm.protect(va, len, prot);
  }
  handleFault(va: number, errorCode: number): boolean {
    return this.mm.handleFault(va, errorCode) === 'resolved';
  }
  isMapped(va: number, len: number): boolean {
    let at = va;
    for (const r of this.mm.regions()) {
      if (r.end <= at) continue;
      if (r.start > at) return false;
      at = r.end;
      if (at >= va + len) return true;
    }
    return at >= va + len;
  }
  read(va: number, n: number): Uint8Array | null {
    const r = this.mm.copyIn(va, n);
    return typeof r === 'number' ? null : r;
  }
  write(va: number, bytes: Uint8Array): boolean {
    return this.mm.copyOut(va, bytes) === 0;
  }
}
