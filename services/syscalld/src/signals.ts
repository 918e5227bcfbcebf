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

const SI_TKILL = -6;

/**
 * rt_sigqueueinfo / rt_tgsigqueueinfo: the caller supplies the whole siginfo.
 * Another process may not forge a kernel or kill-like code (si_code >= 0, or
 * SI_TKILL): EPERM, as kernel/signal.c's do_rt_sigqueueinfo decides.
 */
export function sigqueue(callerPid: number, tgid: number, tid: number, sig: number, siginfo: Buffer): Answer {
  if (sig < 0 || sig > 64 || tgid <= 0 || (tid !== 0 && tid <= 0)) return { result: -Errno.EINVAL };
  const code = siginfo.readInt32LE(8);
  if ((code >= 0 || code === SI_TKILL) && tgid !== callerPid) return { result: -Errno.EPERM };
  const raw = siginfo.toString('hex');
  if (tid) return { result: 0, context: { 'signal.tgqueue': `${tgid},${tid},${sig},${raw}` } };
  return { result: 0, context: { 'signal.queue': `${tgid},${sig},${raw}` } };
}
