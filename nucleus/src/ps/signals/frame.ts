/**
 * The x86-64 signal frame, laid out exactly as Linux builds it (struct
 * rt_sigframe: pretcode, ucontext with its sigcontext, siginfo, and the FXSAVE
 * image it points to), so handlers and glibc's unwinding see what they expect;
 * and rt_sigreturn, which restores the interrupted context from it.
 */
import type { CpuState } from '../../machine/cpu/state.js';
import type { AddressSpace } from '../../mm/address-space.js';
import { fpstateImage, restoreFpstate, FPSTATE_BYTES } from './fpstate.js';

export interface SigInfo {
  signo: number;
  code: number;
  /** Sender (kill, SIGCHLD's child). */
  pid: number;
  uid: number;
  /** Fault address (SIGSEGV, SIGBUS, SIGILL, SIGFPE). */
  addr: number;
  /** SIGCHLD: exit code or signal. */
  status: number;
  /** The trap number and error code of a fault (sigcontext trapno/err). */
  trapno: number;
  err: number;
  /** The whole siginfo as a sigqueue caller gave it (si_value and all). */
  raw?: Uint8Array;
}

export const UC = { SIZE: 304, MCONTEXT: 40, SIGMASK: 296, STACK: 16 } as const;
export const SIGINFO_BYTES = 128;
const FRAME_BYTES = 8 + UC.SIZE + SIGINFO_BYTES;

/** sigcontext register order (struct sigcontext_64). */
const MCONTEXT_REGS = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];
/** RFLAGS bits a handler may change through sigreturn (FIX_EFLAGS). */
const FIX_EFLAGS = 0x40dd5 | 0x100 | 0x10000; // CF PF AF ZF SF TF DF OF RF AC

export function encodeSiginfo(i: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGINFO_BYTES);
  const v = new DataView(b.buffer);
  if (i.raw) {
    b.set(i.raw.subarray(0, SIGINFO_BYTES));
    v.setInt32(0, i.signo, true);
    return b;
  }
  v.setInt32(0, i.signo, true);
  v.setInt32(8, i.code, true);
  if (i.addr) v.setBigUint64(16, BigInt(i.addr), true);
  else {
    v.setInt32(16, i.pid, true);
    v.setUint32(20, i.uid, true);
    v.setInt32(24, i.status, true);
  }
  return b;
}

export interface Placed {
  sp: number;
  info: number;
  uc: number;
}

/**
 * Writes the frame below `stackTop` and returns where its parts are; -EFAULT-like
 * negative number if the stack is not writable (the caller then kills with SIGSEGV).
 */
export function writeFrame(space: AddressSpace, s: CpuState, stackTop: number, info: SigInfo, oldMask: bigint,
  restorer: number, altStack: { sp: number; size: number; flags: number }): Placed | number {
  let sp = stackTop;
  sp = Math.floor((sp - FPSTATE_BYTES) / 64) * 64;
  const fpstate = sp;
  sp = Math.floor((sp - FRAME_BYTES) / 16) * 16 - 8;

  const frame = new Uint8Array(FRAME_BYTES);
  const v = new DataView(frame.buffer);
  v.setBigUint64(0, BigInt(restorer), true);
  const uc = 8;
  v.setBigUint64(uc + UC.STACK, BigInt(altStack.sp), true);
  v.setInt32(uc + UC.STACK + 8, altStack.flags, true);
  v.setBigUint64(uc + UC.STACK + 16, BigInt(altStack.size), true);
  const mc = uc + UC.MCONTEXT;
  MCONTEXT_REGS.forEach((r, k) => {
    v.setInt32(mc + k * 8, s.lo[r]!, true);
    v.setInt32(mc + k * 8 + 4, s.hi[r]!, true);
  });
  v.setBigUint64(mc + 128, BigInt(s.rip), true);
  v.setBigUint64(mc + 136, BigInt(s.getRflags()), true);
  v.setUint16(mc + 144, 0x33, true); // cs
  v.setUint16(mc + 150, 0x2b, true); // ss
  v.setBigUint64(mc + 152, BigInt(info.err), true);
  v.setBigUint64(mc + 160, BigInt(info.trapno), true);
  v.setBigUint64(mc + 168, oldMask & 0xffffffffn, true);
  v.setBigUint64(mc + 176, BigInt(info.addr), true); // cr2
  v.setBigUint64(mc + 184, BigInt(fpstate), true);
  v.setBigUint64(uc + UC.SIGMASK, oldMask, true);
  frame.set(encodeSiginfo(info), 8 + UC.SIZE);

  if (space.copyOut(fpstate, fpstateImage(s)) < 0 || space.copyOut(sp, frame) < 0) return -14;
  return { sp, info: sp + 8 + UC.SIZE, uc: sp + uc };
}

export interface Restored {
  mask: bigint;
  altStack: { sp: number; size: number; flags: number };
}

/** rt_sigreturn: rsp points just past pretcode, at the ucontext. Returns the saved mask, or a negative errno. */
export function readFrame(space: AddressSpace, s: CpuState): Restored | number {
  const ucAt = s.getNumber(4);
  const raw = space.copyIn(ucAt, UC.SIZE);
  if (typeof raw === 'number') return raw;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const mc = UC.MCONTEXT;
  const fpstate = Number(v.getBigUint64(mc + 184, true));
  if (fpstate !== 0) {
    const fp = space.copyIn(fpstate, FPSTATE_BYTES);
    if (typeof fp === 'number') return fp;
    if (!restoreFpstate(s, fp)) return -14;
  }
  MCONTEXT_REGS.forEach((r, k) => s.set64(r, v.getInt32(mc + k * 8, true), v.getInt32(mc + k * 8 + 4, true)));
  s.rip = Number(v.getBigUint64(mc + 128, true));
  const flags = Number(v.getBigUint64(mc + 136, true) & 0xffffffffn);
  s.setRflags((s.getRflags() & ~FIX_EFLAGS) | (flags & FIX_EFLAGS));
  return {
    mask: v.getBigUint64(UC.SIGMASK, true),
    altStack: { sp: Number(v.getBigUint64(UC.STACK, true)), flags: v.getInt32(UC.STACK + 8, true), size: Number(v.getBigUint64(UC.STACK + 16, true)) },
  };
}
