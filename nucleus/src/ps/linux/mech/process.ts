/** clone, fork, vfork, exit, exit_group, wait4, waitid: process and thread life as syscalls. */
import { Errno } from '@rustos/platform';
import type { Ps } from '../../ps.js';
import type { Process } from '../../processes.js';
import { BLOCKED, type Outcome, type Sys } from '../sys.js';
import { SIG } from '../../signals/numbers.js';

const CLONE_VFORK = 0x4000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
const WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, WEXITED = 4, WNOWAIT = 0x1000000;
const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

function doClone(s: Sys, ps: Ps, flags: number, stack: number, parentTid: number, childTid: number, tls: number): Outcome {
  // The low byte is the signal sent to the parent when the child exits; only SIGCHLD is kept apart.
  const made = ps.life.clone(s.t, flags & ~0xff, stack, tls);
  if (typeof made === 'number') return made;
  const { child, ready } = made;
  if (flags & CLONE_PARENT_SETTID && s.writeU32(parentTid, child.tid) < 0) return -Errno.EFAULT;
  if (flags & CLONE_CHILD_SETTID) child.process.space.copyOut(childTid, new Uint8Array(new Uint32Array([child.tid]).buffer));
  if (flags & CLONE_CHILD_CLEARTID) child.clearChildTid = childTid;
  const parent = s.t;
  const vfork = (flags & CLONE_VFORK) !== 0;
  ps.sched.block(parent, { what: vfork ? 'vfork' : 'clone', interrupt: () => undefined });
  // vfork: the parent resumes when the child execs or exits.
  if (vfork) ps.life.whenExecOrExit(child.process, () => ps.abi.complete(parent, s.nr, child.tid));
  ready.then(() => {
    ps.sched.wake(child);
    if (!vfork) ps.abi.complete(parent, s.nr, child.tid);
  });
  return BLOCKED;
}

export function clone(s: Sys, ps: Ps): Outcome {
  // x86-64 argument order: flags, newsp, parent_tid, child_tid, tls.
  return doClone(s, ps, s.u32(0), s.arg(1), s.arg(2), s.arg(3), s.arg(4));
}

export function fork(s: Sys, ps: Ps): Outcome {
  return doClone(s, ps, SIG.CHLD, 0, 0, 0, 0);
}

export function vfork(s: Sys, ps: Ps): Outcome {
  return doClone(s, ps, CLONE_VFORK | 0x100 | SIG.CHLD, 0, 0, 0, 0);
}

export function exit(s: Sys, ps: Ps): Outcome {
  ps.life.exitThread(s.t, s.i32(0));
  return BLOCKED;
}

export function exitGroup(s: Sys, ps: Ps): Outcome {
  ps.life.exitGroup(s.p, (s.i32(0) & 0xff) << 8);
  return BLOCKED;
}

interface Found {
  child: Process;
  status: number;
  kind: 'exited' | 'stopped' | 'continued';
}

/** The first child matching `match` with something to report under `options`. */
function findChild(s: Sys, match: (c: Process) => boolean, options: number): Found | 'none' | 'wait' {
  const children = s.k.processes.children(s.p.pid).filter(match);
  if (children.length === 0) return 'none';
  for (const c of children) {
    if (c.state === 'EXITED' && (options & WEXITED)) return { child: c, status: c.exitStatus, kind: 'exited' };
    if (c.stopReport && ((c.stopReport & 0xff) === 0x7f ? options & WUNTRACED : options & WCONTINUED)) {
      return { child: c, status: c.stopReport, kind: (c.stopReport & 0xff) === 0x7f ? 'stopped' : 'continued' };
    }
  }
  return 'wait';
}

function waitFor(s: Sys, ps: Ps, match: (c: Process) => boolean, options: number, report: (f: Found) => number): Outcome {
  const found = findChild(s, match, options);
  if (found === 'none') return -Errno.ECHILD;
  if (found !== 'wait') return report(found);
  if (options & WNOHANG) return 0;
  const t = s.t;
  let cancel: () => void = () => undefined;
  const retry = () => {
    const f = findChild(s, match, options);
    if (f === 'wait') {
      cancel = ps.life.onChild(s.p.pid, retry);
      return;
    }
    ps.abi.complete(t, s.nr, f === 'none' ? -Errno.ECHILD : report(f));
  };
  cancel = ps.life.onChild(s.p.pid, retry);
  ps.sched.block(t, { what: 'wait', interrupt: () => { cancel(); ps.abi.complete(t, s.nr, -Errno.EINTR, true); } });
  return BLOCKED;
}

function matcher(s: Sys, pid: number): (c: Process) => boolean {
  if (pid > 0) return (c) => c.pid === pid;
  if (pid === 0) return (c) => c.pgid === s.p.pgid;
  if (pid === -1) return () => true;
  return (c) => c.pgid === -pid;
}

export function wait4(s: Sys, ps: Ps): Outcome {
  const pid = s.i32(0);
  const statusPtr = s.arg(1);
  const options = s.i32(2);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | 0x40000000 | 0x80000000 | 0x20000000)) return -Errno.EINVAL;
  return waitFor(s, ps, matcher(s, pid), options | WEXITED, (f) => {
    if (statusPtr && s.writeU32(statusPtr, f.status) < 0) return -Errno.EFAULT;
    if (s.arg(3)) s.copyOut(s.arg(3), new Uint8Array(144));
    if (f.kind === 'exited') s.k.processes.remove(f.child.pid); else f.child.stopReport = 0;
    return f.child.pid;
  });
}

export function waitid(s: Sys, ps: Ps): Outcome {
  const idtype = s.i32(0);
  const id = s.i32(1);
  const infop = s.arg(2);
  const options = s.i32(3);
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return -Errno.EINVAL;
  const match = idtype === P_ALL ? () => true : idtype === P_PID ? (c: Process) => c.pid === id
    : idtype === P_PGID ? (c: Process) => c.pgid === (id || s.p.pgid) : undefined;
  if (!match || idtype === P_PIDFD) return -Errno.EINVAL;
  return waitFor(s, ps, match, options, (f) => {
    if (infop) {
      const b = new Uint8Array(128);
      const v = new DataView(b.buffer);
      const signalled = f.kind === 'exited' && (f.status & 0x7f) !== 0;
      v.setInt32(0, SIG.CHLD, true);
      v.setInt32(8, f.kind === 'stopped' ? 5 : f.kind === 'continued' ? 6 : signalled ? ((f.status & 0x80) ? 3 : 2) : 1, true);
      v.setInt32(16, f.child.pid, true);
      v.setInt32(24, f.kind === 'exited' ? (signalled ? f.status & 0x7f : (f.status >> 8) & 0xff) : f.kind === 'stopped' ? (f.status >> 8) & 0xff : SIG.CONT, true);
      if (s.copyOut(infop, b) < 0) return -Errno.EFAULT;
    }
    if (!(options & WNOWAIT)) {
      if (f.kind === 'exited') s.k.processes.remove(f.child.pid); else f.child.stopReport = 0;
    }
    return 0;
  });
}
