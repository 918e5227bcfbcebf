/**
 * Nucleus-held mailboxes: the nucleus delivers work (offloaded syscalls) to the
 * service that owns an endpoint over the stream that service attached with
 * Ipc.Serve, and matches replies by id. A delivery to an endpoint whose owner is
 * restarting waits for the next generation to attach; a delivery in flight when
 * the owner dies fails with EINTR so the caller decides (retry, or report EINTR).
 */
import { Errno } from '@rustos/platform';
import type { MailboxMessage } from '@rustos/platform/gen/rustos/v1/MailboxMessage.js';
import type { MailboxReply__Output } from '@rustos/platform/gen/rustos/v1/MailboxReply.js';
import type { FaultInjector } from '../core/faults.js';

export class DeliveryError extends Error {
  constructor(readonly errno: number, readonly dropped: boolean, message: string) {
    super(message);
  }
}

interface Receiver {
  owner: string;
  generation: number;
  write(m: MailboxMessage): void;
  pending: Map<number, { resolve(r: MailboxReply__Output): void; reject(e: DeliveryError): void }>;
}

export class Mailboxes {
  private readonly receivers = new Map<string, Receiver>();
  private readonly attachWaiters = new Map<string, Array<() => void>>();
  private nextId = 1;

  constructor(private readonly faults: FaultInjector) {}

  attach(endpoint: string, owner: string, generation: number, write: (m: MailboxMessage) => void): Receiver {
    const old = this.receivers.get(endpoint);
    if (old) this.detach(endpoint, old, 'replaced by a new generation');
    const rx: Receiver = { owner, generation, write, pending: new Map() };
    this.receivers.set(endpoint, rx);
    for (const wake of this.attachWaiters.get(endpoint) ?? []) wake();
    this.attachWaiters.delete(endpoint);
    return rx;
  }

  /** The receiver's stream ended: fail what it had in flight. */
  detach(endpoint: string, rx: Receiver, why: string): void {
    if (this.receivers.get(endpoint) === rx) this.receivers.delete(endpoint);
    for (const p of rx.pending.values()) p.reject(new DeliveryError(Errno.EINTR, false, `${endpoint}: ${why}`));
    rx.pending.clear();
  }

  reply(rx: Receiver, r: MailboxReply__Output): void {
    const p = rx.pending.get(r.id);
    if (!p) return;
    rx.pending.delete(r.id);
    p.resolve(r);
  }

  isAttached(endpoint: string): boolean {
    return this.receivers.has(endpoint);
  }

  /** Deliver `m` to `endpoint`, waiting up to `attachTimeoutMs` for a receiver. */
  async deliver(endpoint: string, m: Omit<MailboxMessage, 'id'>, attachTimeoutMs = 5000): Promise<MailboxReply__Output> {
    const verdict = this.faults.check(`ipc.deliver.${endpoint}`);
    if (verdict) {
      if (verdict.delayMs) await new Promise((r) => setTimeout(r, verdict.delayMs));
      if (verdict.fail) throw new DeliveryError(Errno.EIO, false, `${endpoint}: delivery failed by fault injection (${verdict.rule})`);
      if (verdict.drop) throw new DeliveryError(Errno.EAGAIN, true, `${endpoint}: message dropped by fault injection (${verdict.rule})`);
    }
    let rx = this.receivers.get(endpoint);
    if (!rx) {
      await new Promise<void>((resolve, reject) => {
        const list = this.attachWaiters.get(endpoint) ?? [];
        this.attachWaiters.set(endpoint, list);
        const timer = setTimeout(() => reject(new DeliveryError(Errno.EIO, false, `${endpoint}: no receiver attached within ${attachTimeoutMs} ms`)), attachTimeoutMs);
        list.push(() => { clearTimeout(timer); resolve(); });
      });
      rx = this.receivers.get(endpoint)!;
    }
    const id = this.nextId++;
    const target = rx;
    return new Promise((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.write({ ...m, id });
    });
  }
}
