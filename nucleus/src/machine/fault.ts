/**
 * The one exception the machine throws internally: a guest-visible fault raised in
 * the middle of an instruction. Only the CPU run loop catches it and turns it into a
 * trap; it never leaves `Cpu.run`. One preallocated object is reused because faults
 * on hot paths (demand paging) must not allocate.
 */
export const enum Vector {
  DE = 0, DB = 1, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
  TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19,
}

/** #PF error-code bits, as the hardware pushes them. */
export const enum PfError {
  Present = 1, Write = 2, User = 4, Reserved = 8, Fetch = 16,
}

export class GuestFault {
  vector = 0;
  errorCode = 0;
  /** CR2 for #PF; otherwise 0. */
  address = 0;

  set(vector: number, errorCode: number, address: number): GuestFault {
    this.vector = vector;
    this.errorCode = errorCode;
    this.address = address;
    return this;
  }
}

export const guestFault = new GuestFault();

export function raise(vector: number, errorCode = 0, address = 0): never {
  throw guestFault.set(vector, errorCode, address);
}
