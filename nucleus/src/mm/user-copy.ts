/**
 * The user-copy primitives: the kernel reading and writing guest memory on behalf of
 * a syscall. They go through the address space's Mmu with user rights, so they see
 * exactly what the guest would, and resolve demand-paging, stack-growth and
 * copy-on-write faults the way the CPU's trap path does. A bad pointer is -EFAULT;
 * nothing throws.
 */
import { GuestFault, Vector } from "../machine/fault.js";
import { PAGE_SIZE } from "../machine/memory.js";
import { Access } from "../machine/mmu.js";
import type { AddressSpace } from "./address-space.js";
import { EFAULT, EINVAL, ENAMETOOLONG } from "./errno.js";

export function copyIn(space: AddressSpace, va: number, n: number): Uint8Array | number {
  if (!(Number.isSafeInteger(n) && n >= 0)) return -EINVAL;
  // More than is mapped (plus what a stack may grow by) cannot all be readable: refuse a
  // huge n before allocating for it. Small copies, the usual ones, skip the region sum.
  if (n > 1 << 20 && n > space.mappedBytes + space.stackLimit) return -EFAULT;
  const out = new Uint8Array(n);
  const u8 = space.mmu.ram.u8;
  for (let done = 0; done < n;) {
    const chunk = Math.min(n - done, PAGE_SIZE - ((va + done) & 0xfff));
    const p = resolve(space, va + done, Access.Read);
    if (p < 0) return -EFAULT;
    out.set(u8.subarray(p, p + chunk), done);
    done += chunk;
  }
  return out;
}

export function copyOut(space: AddressSpace, va: number, bytes: Uint8Array): number {
  const u8 = space.mmu.ram.u8;
  for (let done = 0; done < bytes.length;) {
    const chunk = Math.min(bytes.length - done, PAGE_SIZE - ((va + done) & 0xfff));
    const p = resolve(space, va + done, Access.Write);
    if (p < 0) return -EFAULT;
    u8.set(bytes.subarray(done, done + chunk), p);
    done += chunk;
  }
  return 0;
}

/** Whether [va, va + n) can be written by a copyOut now (resolving faults as a write would); 0 or -EFAULT. */
export function probeWrite(space: AddressSpace, va: number, n: number): number {
  for (let done = 0; done < n;) {
    const chunk = Math.min(n - done, PAGE_SIZE - ((va + done) & 0xfff));
    if (resolve(space, va + done, Access.Write) < 0) return -EFAULT;
    done += chunk;
  }
  return 0;
}

export function readCString(space: AddressSpace, va: number, max: number): Uint8Array | number {
  const u8 = space.mmu.ram.u8;
  const pieces: Uint8Array[] = [];
  let length = 0;
  while (length < max) {
    const chunk = Math.min(max - length, PAGE_SIZE - ((va + length) & 0xfff));
    const p = resolve(space, va + length, Access.Read);
    if (p < 0) return -EFAULT;
    const piece = u8.subarray(p, p + chunk);
    const nul = piece.indexOf(0);
    pieces.push(nul < 0 ? piece : piece.subarray(0, nul));
    length += nul < 0 ? chunk : nul;
    if (nul >= 0) return concat(pieces, length);
  }
  return -ENAMETOOLONG;
}

/**
 * The physical address of one user access (which the caller keeps within a page), or
 * -1. A write to a frame holding code reaches the Mmu's onCodeWrite, as a guest store would.
 */
function resolve(space: AddressSpace, va: number, access: Access): number {
  if (!Number.isSafeInteger(va)) return -1;
  // One resolved fault makes any access succeed; the bound only stops a broken handler from looping.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return space.mmu.translate(va, access);
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      if (e.vector !== Vector.PF || space.handleFault(e.address, e.errorCode) !== "resolved") return -1;
    }
  }
  return -1;
}

function concat(pieces: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
