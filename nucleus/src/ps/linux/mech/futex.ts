/** futex(2): the operations glibc's threads, mutexes, condvars and joins use. */
import { Errno, monotonicNs, realtimeNs } from '@rustos/platform';
import type { Ps } from '../../ps.js';
import { BLOCKED, type Outcome, type Sys } from '../sys.js';

const WAIT = 0, WAKE = 1, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5, WAIT_BITSET = 9, WAKE_BITSET = 10;
const PRIVATE = 128, CLOCK_REALTIME = 256;

/** A relative or absolute timespec at `ptr`, as milliseconds to wait; undefined for no timeout. */
function timeout(s: Sys, ptr: number, absolute: boolean, realtime: boolean): number | undefined | -14 {
  if (ptr === 0) return undefined;
  const b = s.copyIn(ptr, 16);
  if (typeof b === 'number') return -14;
  const v = new DataView(b.buffer, b.byteOffset);
  const ns = v.getBigInt64(0, true) * 1_000_000_000n + v.getBigInt64(8, true);
  if (!absolute) return Number(ns) / 1e6;
  return Number(ns - (realtime ? realtimeNs() : monotonicNs())) / 1e6;
}

export function futex(s: Sys, ps: Ps): Outcome {
  const addr = s.arg(0);
  const op = s.i32(1);
  const cmd = op & ~(PRIVATE | CLOCK_REALTIME);
  const shared = (op & PRIVATE) === 0;
  const val = s.u32(2);
  const p = s.p;
  switch (cmd) {
    case WAIT:
    case WAIT_BITSET: {
      const bitset = cmd === WAIT ? 0xffffffff : s.u32(5);
      if (bitset === 0) return -Errno.EINVAL;
      const ms = timeout(s, s.arg(3), cmd === WAIT_BITSET, (op & CLOCK_REALTIME) !== 0);
      if (ms === -14) return -Errno.EFAULT;
      const t = s.t;
      const r = ps.futex.wait(t, addr, val, bitset, shared, ms, (result) => ps.abi.complete(t, s.nr, result, result === -Errno.EINTR));
      return r < 0 ? r : BLOCKED;
    }
    case WAKE:
    case WAKE_BITSET: {
      const bitset = cmd === WAKE ? 0xffffffff : s.u32(5);
      if (bitset === 0) return -Errno.EINVAL;
      return ps.futex.wake(p, addr, val, bitset, shared);
    }
    case REQUEUE:
    case CMP_REQUEUE:
      return ps.futex.requeue(p, addr, val, s.u32(3), s.arg(4), cmd === CMP_REQUEUE ? s.u32(5) : undefined, shared);
    case WAKE_OP: {
      // Atomically: oldval = *uaddr2; *uaddr2 = oldval OP oparg; wake val on uaddr;
      // if (oldval CMP cmparg) also wake val2 on uaddr2.
      const uaddr2 = s.arg(4);
      const enc = s.u32(5);
      const opcode = (enc >>> 28) & 0x7, cmp = (enc >>> 24) & 0xf;
      let oparg = (enc << 8) >> 20, cmparg = (enc << 20) >> 20;
      if (enc & 0x80000000) oparg = 1 << (oparg & 31);
      const old = s.readU32(uaddr2);
      if (old < 0) return -Errno.EFAULT;
      if (opcode > 4 || cmp > 5) return -Errno.ENOSYS;
      const nv = [oparg, old + oparg, old | oparg, old & ~oparg, old ^ oparg][opcode]!;
      if (s.writeU32(uaddr2, nv) < 0) return -Errno.EFAULT;
      let woken = ps.futex.wake(p, addr, val, 0xffffffff, shared);
      const o = old | 0;
      const hit = [o === cmparg, o !== cmparg, o < cmparg, o <= cmparg, o > cmparg, o >= cmparg][cmp] ?? false;
      if (hit) woken += ps.futex.wake(p, uaddr2, s.u32(3), 0xffffffff, shared);
      return woken;
    }
    default:
      return -Errno.ENOSYS;
  }
}
