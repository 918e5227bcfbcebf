/** Thread bookkeeping syscalls: set_tid_address, robust lists, yielding, affinity, getcpu. */
import { Errno } from '@rustos/platform';
import type { Ps } from '../../ps.js';
import { BLOCKED, type Outcome, type Sys } from '../sys.js';

export function setTidAddress(s: Sys): number {
  s.t.clearChildTid = s.arg(0);
  return s.t.tid;
}

export function setRobustList(s: Sys): number {
  if (s.arg(1) !== 24) return -Errno.EINVAL;
  s.t.robustList = s.arg(0);
  return 0;
}

export function getRobustList(s: Sys): number {
  const t = s.i32(0) ? s.k.processes.tids.get(s.i32(0)) : s.t;
  if (!t) return -Errno.ESRCH;
  if (s.writeU64(s.arg(1), BigInt(t.robustList)) < 0 || s.writeU64(s.arg(2), 24n) < 0) return -Errno.EFAULT;
  return 0;
}

/** sched_yield: give the rest of the slice to other runnable threads. */
export function schedYield(s: Sys, ps: Ps): Outcome {
  ps.sched.block(s.t, { what: 'yield', interrupt: () => undefined });
  setImmediate(() => ps.abi.complete(s.t, s.nr, 0));
  return BLOCKED;
}

/** The vCPUs a thread may run on: all of them. */
function cpuMask(ps: Ps): Uint8Array {
  const mask = new Uint8Array(8);
  for (let c = 0; c < ps.sched.vcpus; c++) mask[c >> 3]! |= 1 << (c & 7);
  return mask;
}

export function schedGetaffinity(s: Sys, ps: Ps): number {
  const size = s.arg(1);
  if (size < 8 || size % 8 !== 0) return -Errno.EINVAL;
  if (s.copyOut(s.arg(2), cpuMask(ps)) < 0) return -Errno.EFAULT;
  return 8;
}

export function schedSetaffinity(s: Sys, ps: Ps): number {
  const size = Math.min(s.arg(1), 8);
  const want = s.copyIn(s.arg(2), size);
  if (typeof want === 'number') return -Errno.EFAULT;
  const have = cpuMask(ps);
  return want.some((b, i) => (b & have[i]!) !== 0) ? 0 : -Errno.EINVAL;
}

export function getcpu(s: Sys): number {
  if (s.arg(0) && s.writeU32(s.arg(0), s.t.ctx.cpuIndex) < 0) return -Errno.EFAULT;
  if (s.arg(1) && s.writeU32(s.arg(1), 0) < 0) return -Errno.EFAULT;
  return 0;
}
