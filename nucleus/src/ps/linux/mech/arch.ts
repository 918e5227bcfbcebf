/** arch_prctl: the FS and GS base registers (TLS), and CPUID faulting (not offered). */
import { Errno } from '@rustos/platform';
import type { Sys } from '../sys.js';

const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
const ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012;
const USER_LIMIT = 2 ** 47;

export function archPrctl(s: Sys): number {
  const code = s.i32(0);
  const addr = s.arg(1);
  const ctx = s.t.ctx;
  switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
      if (addr < 0 || addr >= USER_LIMIT) return -Errno.EPERM;
      if (code === ARCH_SET_FS) ctx.fsBase = addr; else ctx.gsBase = addr;
      return 0;
    case ARCH_GET_FS:
    case ARCH_GET_GS:
      return s.writeU64(addr, BigInt(code === ARCH_GET_FS ? ctx.fsBase : ctx.gsBase)) < 0 ? -Errno.EFAULT : 0;
    case ARCH_GET_CPUID:
      return 1;
    case ARCH_SET_CPUID:
      return -Errno.ENODEV;
    default:
      return -Errno.EINVAL;
  }
}
