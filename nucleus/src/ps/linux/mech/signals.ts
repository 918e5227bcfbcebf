/**
 * The signal syscalls that are pure mechanism on the calling thread: its mask,
 * its alternate stack, waiting for a signal, and returning from a handler.
 * (rt_sigaction and kill are syscalld's policy: see table/syscalld.ts.)
 */
import { Errno } from '@rustos/platform';
import type { Ps } from '../../ps.js';
import { BLOCKED, type Outcome, type Sys } from '../sys.js';
import { KEEP_RAX } from '../abi.js';
import { sigreturn } from '../../signals/delivery.js';
import { UNBLOCKABLE, SIG } from '../../signals/numbers.js';

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
const SS_ONSTACK = 1, SS_DISABLE = 2, MINSIGSTKSZ = 2048;

export function rtSigprocmask(s: Sys): number {
  const how = s.i32(0);
  const set = s.arg(1);
  const old = s.arg(2);
  if (s.arg(3) !== 8) return -Errno.EINVAL;
  const t = s.t;
  const before = t.mask;
  if (set) {
    const v = s.readU64(set);
    if (typeof v === 'number') return -Errno.EFAULT;
    if (how === SIG_BLOCK) t.mask |= v;
    else if (how === SIG_UNBLOCK) t.mask &= ~v;
    else if (how === SIG_SETMASK) t.mask = v;
    else return -Errno.EINVAL;
    t.mask &= ~UNBLOCKABLE;
  }
  if (old && s.writeU64(old, before) < 0) return -Errno.EFAULT;
  return 0;
}

export function rtSigpending(s: Sys): number {
  if (s.arg(1) !== 8) return -Errno.EINVAL;
  return s.writeU64(s.arg(0), (s.t.pending | s.p.pending) & s.t.mask) < 0 ? -Errno.EFAULT : 0;
}

export function sigaltstack(s: Sys): number {
  const t = s.t;
  const rsp = t.ctx.getNumber(4);
  const on = t.altStack.flags === 0 && rsp > t.altStack.sp && rsp <= t.altStack.sp + t.altStack.size;
  if (s.arg(1)) {
    const b = new Uint8Array(24);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, BigInt(t.altStack.sp), true);
    v.setInt32(8, on ? SS_ONSTACK : t.altStack.flags, true);
    v.setBigUint64(16, BigInt(t.altStack.size), true);
    if (s.copyOut(s.arg(1), b) < 0) return -Errno.EFAULT;
  }
  if (s.arg(0)) {
    const b = s.copyIn(s.arg(0), 24);
    if (typeof b === 'number') return -Errno.EFAULT;
    if (on) return -Errno.EPERM;
    const v = new DataView(b.buffer, b.byteOffset);
    const sp = Number(v.getBigUint64(0, true));
    const flags = v.getInt32(8, true);
    const size = Number(v.getBigUint64(16, true));
    if (flags & ~(SS_DISABLE | 0x80000000 /* SS_AUTODISARM */)) return -Errno.EINVAL;
    if (flags & SS_DISABLE) t.altStack = { sp: 0, size: 0, flags: SS_DISABLE };
    else {
      if (size < MINSIGSTKSZ) return -Errno.ENOMEM;
      t.altStack = { sp, size, flags: 0 };
    }
  }
  return 0;
}

export function rtSigreturn(s: Sys, ps: Ps): Outcome | typeof KEEP_RAX {
  if (!sigreturn(s.t)) {
    ps.life.exitGroup(s.p, SIG.SEGV | 0x80);
    return BLOCKED;
  }
  return KEEP_RAX;
}

/** Wait (with `mask` in force) until a signal is delivered; the call then fails with EINTR. */
function suspend(s: Sys, ps: Ps, mask: bigint | undefined): Outcome {
  const t = s.t;
  if (mask !== undefined) {
    t.savedMask = t.mask;
    t.mask = mask & ~UNBLOCKABLE;
  }
  ps.sched.block(t, { what: 'sigsuspend', interrupt: () => ps.abi.complete(t, s.nr, -Errno.EINTR) });
  // A signal may already be pending under the new mask.
  if ((t.pending | t.process.pending) & ~t.mask) ps.abi.complete(t, s.nr, -Errno.EINTR);
  return BLOCKED;
}

export function rtSigsuspend(s: Sys, ps: Ps): Outcome {
  if (s.arg(1) !== 8) return -Errno.EINVAL;
  const m = s.readU64(s.arg(0));
  if (typeof m === 'number') return -Errno.EFAULT;
  return suspend(s, ps, m);
}

export function pause(s: Sys, ps: Ps): Outcome {
  return suspend(s, ps, undefined);
}
