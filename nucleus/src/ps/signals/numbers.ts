/** Linux x86-64 signal numbers, names and default actions (signal(7)). */
export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20,
  TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
} as const;

export const NSIG = 64;

export type DefaultAction = 'term' | 'core' | 'ign' | 'stop' | 'cont';

const CORE = new Set<number>([SIG.QUIT, SIG.ILL, SIG.TRAP, SIG.ABRT, SIG.BUS, SIG.FPE, SIG.SEGV, SIG.XCPU, SIG.XFSZ, SIG.SYS]);
const IGNORE = new Set<number>([SIG.CHLD, SIG.URG, SIG.WINCH]);
const STOP = new Set<number>([SIG.STOP, SIG.TSTP, SIG.TTIN, SIG.TTOU]);

export function defaultAction(sig: number): DefaultAction {
  if (CORE.has(sig)) return 'core';
  if (IGNORE.has(sig)) return 'ign';
  if (STOP.has(sig)) return 'stop';
  if (sig === SIG.CONT) return 'cont';
  return 'term';
}

/** A signal as a bit of a 64-bit mask (signal n is bit n-1). */
export function bit(sig: number): bigint {
  return 1n << BigInt(sig - 1);
}

/** Signals that can be neither caught, blocked nor ignored. */
export const UNBLOCKABLE = bit(SIG.KILL) | bit(SIG.STOP);

/** si_code values the nucleus uses. */
export const SI = { USER: 0, KERNEL: 0x80, TKILL: -6, SEGV_MAPERR: 1, SEGV_ACCERR: 2, BUS_ADRALN: 1, ILL_ILLOPN: 2, FPE_INTDIV: 1, FPE_FLTINV: 7, TRAP_BRKPT: 1, CLD_EXITED: 1, CLD_KILLED: 2, CLD_DUMPED: 3, CLD_STOPPED: 5, CLD_CONTINUED: 6 } as const;
