/**
 * Effects an owner's reply asks the nucleus mechanism to apply together with the
 * result (docs/LINUX-ABI.md): syscalld decides a disposition or who a kill reaches
 * (its policy), the nucleus records and delivers (its mechanism); vfsd asks for
 * SIGPIPE on a broken pipe.
 *
 *   signal.self     "<sig>"                  to the calling thread
 *   signal.kill     "<pid>,<sig>"            kill(2) semantics from the caller
 *   signal.tgkill   "<tgid>,<tid>,<sig>"     one thread (tgid 0: any group)
 *   signal.queue    "<pid>,<sig>,<siginfo hex>"        sigqueue: the caller's siginfo to a process
 *   signal.tgqueue  "<tgid>,<tid>,<sig>,<siginfo hex>" the same to one thread
 *   disposition     "<signo>,<32 bytes hex>" the new struct sigaction
 *   cred            "<uid>,<euid>,<gid>,<egid>" the caller's identity changed: every
 *                   later offloaded call carries it for its owner's checks
 */
import type { Ps } from '../ps.js';
import type { Thread } from '../thread.js';
import { info, sendProcess, sendThread } from '../signals/delivery.js';
import { decodeSigaction } from '../signals/dispositions.js';
import { SI } from '../signals/numbers.js';

/** Apply a reply's effects; returns an errno that replaces the result (a kill that reached nobody), or 0. */
export function applyEffects(ps: Ps, t: Thread, context: Record<string, string>): number {
  if (!context) return 0;
  let override = 0;
  const p = t.process;
  if (context.disposition) {
    const [signo, hex] = context.disposition.split(',');
    p.signals.set(Number(signo), decodeSigaction(Buffer.from(hex!, 'hex')));
  }
  if (context.cred) {
    const [uid, euid, gid, egid] = context.cred.split(',');
    p.cred = context.cred === '0,0,0,0' ? undefined : { uid: uid!, euid: euid!, gid: gid!, egid: egid! };
  }
  if (context['signal.self']) sendThread(ps, t, info(Number(context['signal.self']), SI.KERNEL));
  if (context['signal.kill']) {
    const [pid, sig] = context['signal.kill'].split(',').map(Number) as [number, number];
    if (killFrom(ps, t, pid, sig) === 0) override = -3; // ESRCH
  }
  if (context['signal.tgkill']) {
    const [tgid, tid, sig] = context['signal.tgkill'].split(',').map(Number) as [number, number, number];
    const target = ps.k.processes.tids.get(tid);
    if (!target || target.state === 'dead' || (tgid !== 0 && target.process.pid !== tgid)) override = -3; // ESRCH
    else if (sig > 0) sendThread(ps, target, info(sig, SI.TKILL, { pid: p.pid }));
  }
  if (context['signal.queue']) {
    const [pid, sig, hex] = context['signal.queue'].split(',') as [string, string, string];
    const target = ps.k.processes.all().find((x) => x.pid === Number(pid) && x.state === 'RUNNING');
    if (!target) override = -3; // ESRCH
    else if (Number(sig) > 0) sendProcess(ps, target, queued(Number(sig), hex));
  }
  if (context['signal.tgqueue']) {
    const [tgid, tid, sig, hex] = context['signal.tgqueue'].split(',') as [string, string, string, string];
    const target = ps.k.processes.tids.get(Number(tid));
    if (!target || target.state === 'dead' || target.process.pid !== Number(tgid)) override = -3; // ESRCH
    else if (Number(sig) > 0) sendThread(ps, target, queued(Number(sig), hex));
  }
  return override;
}

/** A caller-supplied siginfo, delivered as given except for its signal number. */
function queued(sig: number, hex: string) {
  const raw = Uint8Array.from(Buffer.from(hex, 'hex'));
  const v = new DataView(raw.buffer);
  return info(sig, v.getInt32(8, true), { pid: v.getInt32(16, true), uid: v.getUint32(20, true), raw });
}

/** kill(2)'s targets: pid > 0 one process, 0 the caller's group, -1 everyone else, < -1 the group -pid. */
export function killFrom(ps: Ps, t: Thread, pid: number, sig: number): number {
  const p = t.process;
  const all = ps.k.processes.all().filter((x) => x.state === 'RUNNING');
  const targets = pid > 0 ? all.filter((x) => x.pid === pid)
    : pid === 0 ? all.filter((x) => x.pgid === p.pgid)
      : pid === -1 ? all.filter((x) => x.pid !== p.pid)
        : all.filter((x) => x.pgid === -pid);
  if (sig !== 0) for (const x of targets) sendProcess(ps, x, info(sig, SI.USER, { pid: p.pid }));
  return targets.length;
}
