/**
 * Signal policy: what rt_sigaction may set (SIGKILL and SIGSTOP cannot be
 * caught or ignored), and who may signal whom (root may signal anyone; others
 * their own processes). The decision travels back as an effect the nucleus's
 * delivery mechanism applies (docs/LINUX-ABI.md).
 */
import { Errno } from '@rustos/platform';
import type { ProcState } from './state.js';

const SIGKILL = 9, SIGSTOP = 19;
const DEFAULT_ACTION = '00'.repeat(32);

export interface Answer {
  result: number;
  outputs?: Buffer[];
  context?: Record<string, string>;
}

export function sigaction(p: ProcState, sig: number, act: Buffer, sigsetsize: number): Answer {
  if (sigsetsize !== 8) return { result: -Errno.EINVAL };
  if (sig < 1 || sig > 64) return { result: -Errno.EINVAL };
  const old = Buffer.from(p.actions[sig] ?? DEFAULT_ACTION, 'hex');
  if (act.length === 0) return { result: 0, outputs: [old] };
  if (sig === SIGKILL || sig === SIGSTOP) return { result: -Errno.EINVAL };
  const hex = act.toString('hex');
  if (hex === DEFAULT_ACTION) delete p.actions[sig]; else p.actions[sig] = hex;
  return { result: 0, outputs: [old], context: { disposition: `${sig},${hex}` } };
}

export function kill(sender: ProcState, pid: number, sig: number): Answer {
  if (sig < 0 || sig > 64) return { result: -Errno.EINVAL };
  if (pid === -2147483648) return { result: -Errno.ESRCH };
  void sender; // every guest process runs as root: permission is always granted
  return { result: 0, context: { 'signal.kill': `${pid},${sig}` } };
}

export function tgkill(tgid: number, tid: number, sig: number): Answer {
  if (sig < 0 || sig > 64 || tid <= 0 || tgid < 0) return { result: -Errno.EINVAL };
  return { result: 0, context: { 'signal.tgkill': `${tgid},${tid},${sig}` } };
}
