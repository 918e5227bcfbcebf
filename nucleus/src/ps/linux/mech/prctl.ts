/** prctl(2): the process-attribute operations programs use at start-up. */
import { Errno } from '@rustos/platform';
import type { Sys } from '../sys.js';

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15, PR_GET_NAME = 16;
const PR_CAPBSET_READ = 23, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;
const CAP_LAST_CAP = 40;

const deathSignals = new WeakMap<object, number>();

export function prctl(s: Sys): number {
  const option = s.i32(0);
  switch (option) {
    case PR_SET_NAME: {
      const name = s.p.space.readCString(s.arg(1), 4096);
      if (typeof name === 'number') return -Errno.EFAULT;
      s.p.name = Buffer.from(name.subarray(0, 15)).toString('latin1');
      return 0;
    }
    case PR_GET_NAME: {
      const b = new Uint8Array(16);
      b.set(Buffer.from(s.p.name, 'latin1').subarray(0, 15));
      return s.copyOut(s.arg(1), b) < 0 ? -Errno.EFAULT : 0;
    }
    case PR_SET_PDEATHSIG:
      if (s.i32(1) < 0 || s.i32(1) > 64) return -Errno.EINVAL;
      deathSignals.set(s.t, s.i32(1));
      return 0;
    case PR_GET_PDEATHSIG:
      return s.writeU32(s.arg(1), deathSignals.get(s.t) ?? 0) < 0 ? -Errno.EFAULT : 0;
    case PR_GET_DUMPABLE:
      return 1;
    case PR_SET_DUMPABLE:
      return s.i32(1) === 0 || s.i32(1) === 1 ? 0 : -Errno.EINVAL;
    case PR_CAPBSET_READ:
      return s.i32(1) >= 0 && s.i32(1) <= CAP_LAST_CAP ? 1 : -Errno.EINVAL;
    case PR_SET_NO_NEW_PRIVS:
      return s.i32(1) === 1 ? 0 : -Errno.EINVAL;
    case PR_GET_NO_NEW_PRIVS:
      return 0;
    default:
      return -Errno.EINVAL;
  }
}
