/**
 * Signal generation and delivery (the mechanism; syscalld holds the policy of
 * who may signal whom and what a disposition may be). A generated signal is
 * pending on a thread or its process; before a thread returns to user mode the
 * lowest-numbered deliverable one is taken: ignored, its default action applied
 * (terminate, dump, stop, continue) or its handler entered through a frame.
 * A blocked thread that must take a signal has its wait interrupted.
 */
import type { Ps } from '../ps.js';
import type { Thread } from '../thread.js';
import type { Process } from '../processes.js';
import { SIG, bit, defaultAction, UNBLOCKABLE, SI } from './numbers.js';
import { SA, SIG_DFL, SIG_IGN } from './dispositions.js';
import { writeFrame, readFrame, type SigInfo } from './frame.js';
import { clearFpstate } from './fpstate.js';

/** Internal restart codes (Linux's): a syscall interrupted before doing anything. */
export const ERESTARTSYS = -512;
export const ERESTARTNOHAND = -514;
const EINTR = -4;

export function info(signo: number, code: number, extra: Partial<SigInfo> = {}): SigInfo {
  return { signo, code, pid: 0, uid: 0, addr: 0, status: 0, trapno: 0, err: 0, ...extra };
}

/** The first real-time signal: from here on every instance queues, below it one is pending at most. */
const SIGRTMIN = 32;

/** Siginfo of pending signals: one per standard signal, a queue per real-time signal (as Linux keeps them). */
const pendingInfo = new WeakMap<Thread | Process, Map<number, SigInfo[]>>();

function remember(target: Thread | Process, i: SigInfo): void {
  let m = pendingInfo.get(target);
  if (!m) pendingInfo.set(target, (m = new Map()));
  const q = m.get(i.signo);
  if (!q) m.set(i.signo, [i]);
  else if (i.signo >= SIGRTMIN) q.push(i);
}

/** The oldest instance of `sig`; the signal stays pending while more are queued. */
function take(target: Thread | Process, sig: number): SigInfo {
  const q = pendingInfo.get(target)?.get(sig);
  const i = q?.shift() ?? info(sig, SI.KERNEL);
  if (q?.length) target.pending |= bit(sig);
  else pendingInfo.get(target)?.delete(sig);
  return i;
}

function ignored(p: Process, sig: number): boolean {
  const d = p.signals.get(sig);
  return d.handler === SIG_IGN || (d.handler === SIG_DFL && defaultAction(sig) === 'ign');
}

/** Make a thread that must now take a signal stop waiting. */
function kick(ps: Ps, t: Thread): void {
  if (t.state === 'blocked' && t.wait) t.wait.interrupt();
  else if (t.state === 'runnable') ps.sched.wake(t);
}

/** A signal for one thread (tgkill, a fault, SIGPIPE). */
export function sendThread(ps: Ps, t: Thread, i: SigInfo): void {
  const p = t.process;
  if (p.state !== 'RUNNING' || t.state === 'dead') return;
  if (i.signo === SIG.CONT || i.signo === SIG.KILL) continueProcess(ps, p, i.signo === SIG.CONT);
  if (ignored(p, i.signo) && !(t.mask & bit(i.signo))) return;
  t.pending |= bit(i.signo);
  remember(t, i);
  if (!(t.mask & bit(i.signo)) || bit(i.signo) & UNBLOCKABLE) kick(ps, t);
}

/** A signal for a process: pending on the process, taken by the first thread that does not block it. */
export function sendProcess(ps: Ps, p: Process, i: SigInfo): void {
  if (p.state !== 'RUNNING') return;
  if (i.signo === SIG.CONT || i.signo === SIG.KILL) continueProcess(ps, p, i.signo === SIG.CONT);
  if (ignored(p, i.signo)) return;
  p.pending |= bit(i.signo);
  remember(p, i);
  const t = p.members.find((m) => m.state !== 'dead' && !(m.mask & bit(i.signo))) ?? (bit(i.signo) & UNBLOCKABLE ? p.members[0] : undefined);
  if (t) kick(ps, t);
}

/** SIGCONT (or SIGKILL) resumes a stopped process; SIGCONT also discards pending stop signals. */
function continueProcess(ps: Ps, p: Process, report: boolean): void {
  const stops = bit(SIG.STOP) | bit(SIG.TSTP) | bit(SIG.TTIN) | bit(SIG.TTOU);
  p.pending &= ~stops;
  let wasStopped = false;
  for (const t of p.members) {
    t.pending &= ~stops;
    if (t.state === 'stopped') {
      wasStopped = true;
      ps.sched.wake(t);
    }
  }
  if (wasStopped && report) ps.life.childStateChanged(p, 'continued');
}

function stopProcess(ps: Ps, p: Process, sig: number): void {
  for (const t of p.members) {
    if (t.state === 'dead') continue;
    if (t.state === 'blocked' && t.wait) t.wait.interrupt();
    t.state = 'stopped';
    ps.sched.remove(t);
  }
  ps.life.childStateChanged(p, 'stopped', sig);
}

/** The next deliverable signal of `t`, or 0. */
function next(t: Thread): { sig: number; from: Thread | Process } | undefined {
  const ready = (t.pending | t.process.pending) & ~(t.mask & ~UNBLOCKABLE);
  if (ready === 0n) return undefined;
  for (let sig = 1; sig <= 64; sig++) {
    const b = bit(sig);
    if (ready & b) return { sig, from: t.pending & b ? t : t.process };
  }
  return undefined;
}

/**
 * Called before `t` returns to user mode. Takes pending signals until one changes
 * the thread's course (a handler entered, the process stopped or ended).
 */
export function deliver(ps: Ps, t: Thread): void {
  for (;;) {
    const n = next(t);
    if (!n) break;
    const { sig, from } = n;
    if (from === t) t.pending &= ~bit(sig); else t.process.pending &= ~bit(sig);
    const i = take(from, sig);
    const p = t.process;
    const d = p.signals.get(sig);
    if (d.handler === SIG_IGN) continue;
    if (d.handler === SIG_DFL) {
      const action = defaultAction(sig);
      if (action === 'ign' || action === 'cont') continue;
      if (action === 'stop') {
        finishInterrupted(t, false);
        stopProcess(ps, p, sig);
        return;
      }
      ps.life.exitGroup(p, action === 'core' ? sig | 0x80 : sig);
      return;
    }
    enterHandler(ps, t, sig, i);
    return;
  }
  // No handler ran: an interrupted call that can restart does so transparently.
  finishInterrupted(t, false);
}

/** Resolve a pending restart code in rax: restart the call, or report EINTR. */
function finishInterrupted(t: Thread, handler: boolean, saRestart = false): void {
  const code = t.restartCode;
  if (code === 0) return;
  t.restartCode = 0;
  const restart = !handler || (code === ERESTARTSYS && saRestart);
  if (restart) {
    t.ctx.rip -= 2;
    t.ctx.set64(0, t.restartNr, 0);
  } else {
    t.ctx.set64(0, EINTR, -1);
  }
}

function enterHandler(ps: Ps, t: Thread, sig: number, i: SigInfo): void {
  const p = t.process;
  const d = p.signals.get(sig);
  finishInterrupted(t, true, (d.flags & SA.RESTART) !== 0);
  const rsp = t.ctx.getNumber(4);
  const onAlt = t.altStack.flags === 0 && rsp > t.altStack.sp && rsp <= t.altStack.sp + t.altStack.size;
  const useAlt = (d.flags & SA.ONSTACK) !== 0 && t.altStack.flags === 0 && !onAlt;
  const top = useAlt ? t.altStack.sp + t.altStack.size : rsp - 128;
  const oldMask = t.savedMask ?? t.mask;
  t.savedMask = undefined;
  const alt = { ...t.altStack, flags: onAlt ? 1 /* SS_ONSTACK */ : t.altStack.flags };
  const placed = writeFrame(p.space, t.ctx, top, i, oldMask, d.restorer, alt);
  if (typeof placed === 'number') {
    // No room for the frame: as Linux does, force SIGSEGV with the default action.
    p.signals.set(SIG.SEGV, { handler: SIG_DFL, flags: 0, mask: 0n, restorer: 0 });
    ps.life.exitGroup(p, SIG.SEGV | 0x80);
    return;
  }
  t.ctx.set64(4, placed.sp | 0, Math.floor(placed.sp / 2 ** 32));
  clearFpstate(t.ctx);
  t.ctx.rip = d.handler;
  t.ctx.set64(7, sig, 0);
  t.ctx.set64(6, placed.info | 0, Math.floor(placed.info / 2 ** 32));
  t.ctx.set64(2, placed.uc | 0, Math.floor(placed.uc / 2 ** 32));
  t.ctx.set64(0, 0, 0);
  t.ctx.setRflags(t.ctx.getRflags() & ~(0x400 | 0x100)); // DF and TF cleared for the handler
  t.mask |= d.mask | ((d.flags & SA.NODEFER) ? 0n : bit(sig));
  t.mask &= ~UNBLOCKABLE;
  if (d.flags & SA.RESETHAND) p.signals.set(sig, { handler: SIG_DFL, flags: 0, mask: 0n, restorer: 0 });
}

/** rt_sigreturn. Returns false if the frame is unreadable (the caller kills with SIGSEGV). */
export function sigreturn(t: Thread): boolean {
  const r = readFrame(t.process.space, t.ctx);
  if (typeof r === 'number') return false;
  t.mask = r.mask & ~UNBLOCKABLE;
  t.altStack = { sp: r.altStack.sp, size: r.altStack.size, flags: r.altStack.flags & ~1 };
  return true;
}
