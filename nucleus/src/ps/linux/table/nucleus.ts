/**
 * Rows for the syscalls the nucleus answers itself: mechanisms on threads,
 * processes, futexes, signal masks and frames, and the CPU's TLS registers.
 */
import type { NucleusEntry } from '../table.js';
import type { Sys, Outcome } from '../sys.js';
import type { Ps } from '../../ps.js';
import type { KEEP_RAX } from '../abi.js';
import { nr } from './define.js';
import * as id from '../mech/identity.js';
import { archPrctl } from '../mech/arch.js';
import * as proc from '../mech/process.js';
import * as th from '../mech/threads.js';
import { futex } from '../mech/futex.js';
import * as sig from '../mech/signals.js';
import { prctl } from '../mech/prctl.js';

type Handler = (s: Sys, ps: Ps) => Outcome | typeof KEEP_RAX;

function mech(name: string, handler: Handler, note?: string, support: NucleusEntry['support'] = 'full'): NucleusEntry {
  return { nr: nr(name), name, route: 'nucleus', support, note, handler };
}

export const NUCLEUS: NucleusEntry[] = [
  mech('getpid', id.getpid),
  mech('gettid', id.gettid),
  mech('getppid', id.getppid, 'processes launched by runtimed have parent 0'),
  mech('getpgrp', id.getpgrp),
  mech('getpgid', id.getpgid),
  mech('setpgid', id.setpgid),
  mech('getsid', id.getsid),
  mech('setsid', id.setsid),
  mech('arch_prctl', archPrctl, 'FS/GS bases; CPUID faulting is not offered', 'partial'),
  mech('clone', proc.clone, 'threads and processes; vfork shares nothing (copy-on-write), which programs that only exec or _exit cannot tell', 'partial'),
  mech('fork', proc.fork),
  mech('vfork', proc.vfork, 'copy-on-write child; the parent waits until it execs or exits', 'partial'),
  mech('exit', proc.exit),
  mech('exit_group', proc.exitGroup),
  mech('wait4', proc.wait4, 'rusage is reported as zeros', 'partial'),
  mech('waitid', proc.waitid, 'P_PIDFD is not supported', 'partial'),
  mech('set_tid_address', th.setTidAddress),
  mech('set_robust_list', th.setRobustList, 'the list is recorded; robust futexes are not walked at exit', 'partial'),
  mech('get_robust_list', th.getRobustList),
  mech('sched_yield', th.schedYield),
  mech('sched_getaffinity', th.schedGetaffinity),
  mech('sched_setaffinity', th.schedSetaffinity, 'accepted; every thread may run on every vCPU', 'partial'),
  mech('getcpu', th.getcpu),
  mech('futex', futex, 'WAIT, WAKE, (CMP_)REQUEUE, WAKE_OP, *_BITSET; PI operations are ENOSYS', 'partial'),
  mech('rt_sigprocmask', sig.rtSigprocmask),
  mech('rt_sigpending', sig.rtSigpending),
  mech('rt_sigreturn', sig.rtSigreturn),
  mech('rt_sigsuspend', sig.rtSigsuspend),
  mech('sigaltstack', sig.sigaltstack),
  mech('pause', sig.pause),
  mech('prctl', prctl, 'PR_SET/GET_NAME, PDEATHSIG (recorded), DUMPABLE, CAPBSET_READ, NO_NEW_PRIVS; others EINVAL', 'partial'),
  mech('rseq', () => -38, 'not offered: glibc runs without restartable sequences', 'unimplemented'),
  mech('clone3', () => -38, 'not offered: glibc falls back to clone', 'unimplemented'),
];
