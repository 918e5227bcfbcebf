/**
 * A process's signal dispositions (the kernel's sighand): for each signal the
 * handler address (SIG_DFL 0, SIG_IGN 1, or a user function), sa_flags, the mask
 * added while the handler runs, and the restorer. syscalld decides rt_sigaction
 * (its policy); this table is what the delivery mechanism reads.
 */
import { NSIG } from './numbers.js';

export const SIG_DFL = 0;
export const SIG_IGN = 1;

export const SA = {
  NOCLDSTOP: 0x1, NOCLDWAIT: 0x2, SIGINFO: 0x4, ONSTACK: 0x08000000, RESTART: 0x10000000,
  NODEFER: 0x40000000, RESETHAND: 0x80000000, RESTORER: 0x04000000,
} as const;

export interface Disposition {
  handler: number;
  flags: number;
  mask: bigint;
  restorer: number;
}

/** The kernel's struct sigaction as rt_sigaction reads and writes it (32 bytes). */
export function encodeSigaction(d: Disposition): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(d.handler), true);
  v.setBigUint64(8, BigInt(d.flags >>> 0), true);
  v.setBigUint64(16, BigInt(d.restorer), true);
  v.setBigUint64(24, d.mask, true);
  return b;
}

export function decodeSigaction(b: Uint8Array): Disposition {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { handler: Number(v.getBigUint64(0, true)), flags: Number(v.getBigUint64(8, true) & 0xffffffffn), restorer: Number(v.getBigUint64(16, true)), mask: v.getBigUint64(24, true) };
}

export class Dispositions {
  readonly table: Disposition[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, mask: 0n, restorer: 0 }));

  get(sig: number): Disposition {
    return this.table[sig]!;
  }

  set(sig: number, d: Disposition): void {
    this.table[sig] = { ...d };
  }

  /** fork: the child starts with a copy. */
  clone(): Dispositions {
    const c = new Dispositions();
    for (let s = 1; s <= NSIG; s++) c.table[s] = { ...this.table[s]! };
    return c;
  }

  /** execve: caught signals return to the default; ignored ones stay ignored. */
  resetForExec(): void {
    for (let s = 1; s <= NSIG; s++) {
      const d = this.table[s]!;
      if (d.handler !== SIG_IGN) this.table[s] = { handler: SIG_DFL, flags: 0, mask: 0n, restorer: 0 };
    }
  }
}
