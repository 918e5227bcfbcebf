/**
 * Test helper: runs a guest memory access the way the CPU and the trap path will —
 * on #PF ask the address space to resolve it and retry the whole access, until it
 * succeeds or the fault is a SIGSEGV / out of memory.
 */
import { GuestFault } from "../machine/fault.js";
import type { AddressSpace } from "./address-space.js";

export type GuestResult<T> =
  | { ok: true; value: T }
  | { ok: false; outcome: "segv" | "oom"; code: number; address: number; vector: number };

export function guestAccess<T>(space: AddressSpace, access: () => T): GuestResult<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return { ok: true, value: access() };
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      if (e.vector !== 14) return { ok: false, outcome: "segv", code: 0, address: e.address, vector: e.vector };
      const address = e.address;
      const outcome = space.handleFault(address, e.errorCode);
      if (outcome !== "resolved") return { ok: false, outcome, code: space.segvCode, address, vector: 14 };
    }
  }
  throw new Error("fault loop: the same access keeps faulting after being resolved");
}
