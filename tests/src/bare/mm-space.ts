/**
 * The Space port over an mm address space (nucleus/src/mm/address-space.ts). Declared
 * structurally so the shim depends on mm's methods, not on how the nucleus builds
 * one: map/unmap/protect/handleFault/copyIn/copyOut return -errno instead of throwing.
 */
import type { Space } from './ports.js';

/** The subset of mm's AddressSpace the shim uses. */
export interface MmAddressSpace {
  map(start: number, length: number, prot: number, flags: number, options?: { content?: Uint8Array }): number;
  unmap(start: number, length: number): number;
  protect(start: number, length: number, prot: number): number;
  handleFault(va: number, errorCode: number): 'resolved' | 'segv' | 'oom';
  regions(): Array<{ start: number; end: number }>;
  copyIn(va: number, n: number): Uint8Array | number;
  copyOut(va: number, bytes: Uint8Array): number;
}

const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;

export class MmSpace implements Space {
  constructor(readonly mm: MmAddressSpace) {}

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
