/**
 * The Linux syscall path: trap entry → the canonical table → a nucleus mechanism,
 * or an offload to the owning service's mailbox carrying the guest memory the
 * call reads; the thread blocks (the others run) until the reply, whose outputs
 * are copied back and whose effects (a signal to send, a disposition) the
 * mechanism applies. Unknown numbers return -ENOSYS and are counted by name.
 */
import { Errno, errnoName } from '@rustos/platform';
import type { MailboxReply__Output } from '@rustos/platform/gen/rustos/v1/MailboxReply.js';
import type { Ps } from '../ps.js';
import type { Thread } from '../thread.js';
import { DeliveryError } from '../../ipc/mailbox.js';
import { BLOCKED, Sys, type Outcome } from './sys.js';
import { ENDPOINT, type OffloadSpec } from './spec.js';
import { LINUX_TABLE, type NucleusEntry } from './table.js';
import { checkOutputs, marshalInputs, unmarshalOutputs } from './marshal.js';
import { applyEffects } from './effects.js';
import { ERESTARTNOHAND, ERESTARTSYS } from '../signals/delivery.js';
import { SYSCALL_NAMES } from '@rustos/platform';
import { tracing, traceEnter, traceExit } from './strace.js';

/** A handler's answer that leaves rax alone (rt_sigreturn restored it). */
export const KEEP_RAX = Symbol('keep');

/** Calls a signal interrupts that Linux does not restart after a handler (ERESTARTNOHAND). */
const NO_RESTART_AFTER_HANDLER = new Set(['nanosleep', 'clock_nanosleep', 'poll', 'ppoll', 'select', 'pselect6', 'epoll_wait', 'epoll_pwait', 'pause', 'rt_sigsuspend', 'rt_sigtimedwait']);

export class LinuxAbi {
  /** ENOSYS answers by syscall name (shown by `rustos status`). */
  readonly enosys = new Map<string, number>();
  calls = 0;
  /** Traced calls still blocked, with their entry text (RUSTOS_STRACE). */
  private readonly traced = new Map<Thread, string>();

  constructor(private readonly ps: Ps) {}

  /** Handle the syscall `t` trapped on; true if `t` keeps running now. */
  syscall(t: Thread): boolean {
    const s = t.ctx;
    // rax as an unsigned long: values beyond the table are -ENOSYS, as in Linux.
    const nr = s.hi[0] === 0 ? s.lo[0]! >>> 0 : -1;
    this.calls++;
    if (tracing) return this.traceSyscall(t, nr);
    return this.dispatch(t, nr);
  }

  private traceSyscall(t: Thread, nr: number): boolean {
    const call = traceEnter(t, nr);
    const runs = this.dispatch(t, nr);
    if (call === undefined) return runs;
    if (t.state === 'blocked') this.traced.set(t, call);
    else traceExit(t, call, t.ctx.getNumber(0)); // rax as a signed number
    return runs;
  }

  private dispatch(t: Thread, nr: number): boolean {
    const s = t.ctx;
    const entry = nr >= 0 ? LINUX_TABLE.get(nr) : undefined;
    if (!entry || entry.support === 'unimplemented') {
      const name = SYSCALL_NAMES[nr] ?? `#${s.getNumber(0)}`;
      this.enosys.set(name, (this.enosys.get(name) ?? 0) + 1);
      this.ps.k.count(`syscall.enosys.${name}`);
      return this.result(t, -Errno.ENOSYS);
    }
    const sys = new Sys(this.ps.k, t, nr);
    const outcome = entry.route === 'nucleus' ? (entry as NucleusEntry).handler(sys, this.ps) : this.offload(sys, entry as OffloadSpec);
    if (outcome === BLOCKED) return false;
    if (outcome === KEEP_RAX) return true;
    return this.result(t, outcome as number);
  }

  private result(t: Thread, r: number): boolean {
    t.ctx.set64(0, r | 0, r < 0 ? -1 : Math.floor(r / 2 ** 32));
    return true;
  }

  /**
   * Finish a call that blocked: set its result and make the thread runnable. A
   * call interrupted by a signal before it did anything comes back as -EINTR from
   * its owner; it becomes a restart code that delivery resolves (restart, or EINTR).
   */
  complete(t: Thread, nr: number, r: number, interrupted = false): void {
    if (tracing) {
      traceExit(t, this.traced.get(t), r);
      this.traced.delete(t);
    }
    if (t.state === 'dead' || t.execed) {
      t.execed = false;
      return;
    }
    if (interrupted && r === -Errno.EINTR) {
      t.restartCode = NO_RESTART_AFTER_HANDLER.has(SYSCALL_NAMES[nr] ?? '') ? ERESTARTNOHAND : ERESTARTSYS;
      t.restartNr = nr;
    }
    if (t.state === 'stopped') {
      this.result(t, r);
      return;
    }
    this.result(t, r);
    this.ps.sched.wake(t);
  }

  /** Send the call to its owner's mailbox; the thread waits for the reply. */
  private offload(sys: Sys, spec: OffloadSpec): Outcome {
    const inputs = marshalInputs(sys, spec.in);
    if (typeof inputs === 'number') return inputs;
    const writable = checkOutputs(sys, spec.out);
    if (writable < 0) return writable;
    const t = sys.t;
    const p = sys.p;
    const endpoint = ENDPOINT[spec.route];
    // The hot path: only what the owner reads (its stream already names the endpoint;
    // the identity only when it is not root's).
    const message = { pid: p.pid, tid: t.tid, op: sys.nr, args: sys.args(), inputs, ...(p.cred ? { context: p.cred } : {}) };
    let interrupted = false;
    const attempt = (retries: number) => {
      const sent = this.ps.k.mailboxes.send(endpoint, message);
      this.ps.sched.block(t, {
        what: spec.name,
        interrupt: () => {
          interrupted = true;
          this.ps.k.mailboxes.cancel(endpoint, sent.id);
        },
      });
      sent.reply.then((reply) => this.finish(sys, spec, reply, interrupted), (err: unknown) => {
        // The owner died with the call in flight. Idempotent calls go to its next
        // generation; others fail with the error the owner's death means (EINTR, or EIO).
        const e = err instanceof DeliveryError ? err : new DeliveryError(Errno.EIO, false, String(err));
        if ((spec.idempotent || e.dropped) && retries > 0 && !interrupted && t.state === 'blocked') return attempt(retries - 1);
        this.ps.k.log.warn({ pid: p.pid, call: spec.name }, `${spec.name} from pid ${p.pid} failed: ${e.message}`);
        this.complete(t, sys.nr, -e.errno, interrupted || e.errno === Errno.EINTR);
      });
    };
    attempt(3);
    return BLOCKED;
  }

  private finish(sys: Sys, spec: OffloadSpec, reply: MailboxReply__Output, interrupted: boolean): void {
    const t = sys.t;
    if (t.state === 'dead' || t.execed) {
      t.execed = false;
      return;
    }
    let r = reply.result;
    if (r >= 0 || reply.outputs.length) {
      const copied = unmarshalOutputs(sys, spec.out, reply.outputs);
      if (copied < 0) r = copied;
    }
    const override = applyEffects(this.ps, t, reply.context);
    if (override < 0 && r >= 0) r = override;
    if (r < -4095 || r > Number.MAX_SAFE_INTEGER) {
      this.ps.k.log.warn({ call: spec.name, r }, `${spec.name}: owner answered an impossible result ${r} (${errnoName(-r)})`);
      r = -Errno.EIO;
    }
    this.complete(t, sys.nr, r, interrupted);
  }
}
