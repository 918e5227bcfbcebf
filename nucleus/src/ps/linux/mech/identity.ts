/** Process and thread identity the nucleus keeps: pids, tids, process groups and sessions. */
import { Errno } from '@rustos/platform';
import type { Sys } from '../sys.js';

export const getpid = (s: Sys) => s.p.pid;
export const gettid = (s: Sys) => s.t.tid;
export const getppid = (s: Sys) => s.p.ppid;
export const getpgrp = (s: Sys) => s.p.pgid;

function target(s: Sys, pid: number) {
  return pid === 0 ? s.p : s.k.processes.get(pid);
}

export function getpgid(s: Sys): number {
  const p = target(s, s.i32(0));
  return p && p.state === 'RUNNING' ? p.pgid : -Errno.ESRCH;
}

export function getsid(s: Sys): number {
  const p = target(s, s.i32(0));
  return p && p.state === 'RUNNING' ? p.sid : -Errno.ESRCH;
}

/** setpgid(pid, pgid): the caller or one of its children, within the caller's session. */
export function setpgid(s: Sys): number {
  const pid = s.i32(0) || s.p.pid;
  const pgid = s.i32(1) || pid;
  if (pgid < 0) return -Errno.EINVAL;
  const p = s.k.processes.get(pid);
  if (!p || p.state !== 'RUNNING' || (p !== s.p && p.ppid !== s.p.pid)) return -Errno.ESRCH;
  if (p.sid !== s.p.sid) return -Errno.EPERM;
  if (p.pid === p.sid) return -Errno.EPERM;
  if (pgid !== pid && !s.k.processes.all().some((x) => x.pgid === pgid && x.sid === s.p.sid && x.state === 'RUNNING')) return -Errno.EPERM;
  p.pgid = pgid;
  return 0;
}

export function setsid(s: Sys): number {
  const p = s.p;
  if (s.k.processes.all().some((x) => x.pgid === p.pid && x.state === 'RUNNING')) return -Errno.EPERM;
  p.sid = p.pid;
  p.pgid = p.pid;
  return p.sid;
}
