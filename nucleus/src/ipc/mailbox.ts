/**
 * Nucleus-held mailboxes: the nucleus delivers work (offloaded syscalls, process
 * events) to the service that owns an endpoint over the stream that service
 * attached with Ipc.Serve, and matches replies by id. A delivery to an endpoint
 * whose owner is restarting waits for the next generation to attach; a delivery in
 * flight when the owner dies fails with EINTR so the caller decides (retry, or
 * report EINTR). Fault point: `ipc.deliver.<endpoint>`.
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

/** The control op that asks an owner to answer a pending call now (docs/LINUX-ABI.md). */
const CANCEL = 1_000_000;

interface Receiver {
  owner: string;
  generation: number;
  write(m: MailboxMessage): void;
  pending: Map<number, { resolve(r: MailboxReply__Output): void; reject(e: DeliveryError): void }>;
}

export interface Sent {
  id: number;
  reply: Promise<MailboxReply__Output>;
}

export class Mailboxes {
  private readonly receivers = new Map<string, Receiver>();
  private readonly attachWaiters = new Map<string, Array<() => void>>();
  private nextId = 1;
  /** Messages delivered, for status. */
  delivered = 0;

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

  /** Resolves when `endpoint` has a receiver (at once if it has), or rejects after the timeout. */
  whenAttached(endpoint: string, timeoutMs: number): Promise<void> {
    if (this.receivers.has(endpoint)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const list = this.attachWaiters.get(endpoint) ?? [];
      this.attachWaiters.set(endpoint, list);
      const timer = setTimeout(() => reject(new DeliveryError(Errno.EIO, false, `${endpoint}: no receiver attached within ${timeoutMs} ms`)), timeoutMs);
      list.push(() => { clearTimeout(timer); resolve(); });
    });
  }

  /** Deliver `m` to `endpoint`; the id is known at once (for CANCEL), the reply later. */
  send(endpoint: string, m: Omit<MailboxMessage, 'id'>, attachTimeoutMs = 10_000): Sent {
    const id = this.nextId++;
    const verdict = this.faults.check(`ipc.deliver.${endpoint}`);
    const rx = this.receivers.get(endpoint);
    if (!verdict && rx) return { id, reply: this.post(rx, id, m) };
    const reply = (async () => {
      if (verdict?.delayMs) await new Promise((r) => setTimeout(r, verdict.delayMs));
      if (verdict?.fail) throw new DeliveryError(Errno.EIO, false, `${endpoint}: delivery failed by fault injection (${verdict.rule})`);
      if (verdict?.drop) throw new DeliveryError(Errno.EAGAIN, true, `${endpoint}: message dropped by fault injection (${verdict.rule})`);
      await this.whenAttached(endpoint, attachTimeoutMs);
      return this.post(this.receivers.get(endpoint)!, id, m);
    })();
    return { id, reply };
  }

  /** Promise form of send, for callers that never cancel. */
  deliver(endpoint: string, m: Omit<MailboxMessage, 'id'>, attachTimeoutMs?: number): Promise<MailboxReply__Output> {
    return this.send(endpoint, m, attachTimeoutMs).reply;
  }

  /** Ask the owner to answer call `id` now (a signal interrupted its caller). */
  cancel(endpoint: string, id: number): void {
    const rx = this.receivers.get(endpoint);
    if (!rx || !rx.pending.has(id)) return;
    const cancelId = this.nextId++;
    void this.post(rx, cancelId, { endpoint, op: CANCEL, args: [id], inputs: [], context: {} }).catch(() => undefined);
  }

  private post(rx: Receiver, id: number, m: Omit<MailboxMessage, 'id'>): Promise<MailboxReply__Output> {
    this.delivered++;
    return new Promise((resolve, reject) => {
      rx.pending.set(id, { resolve, reject });
      rx.write({ ...m, id });
    });
  }
}
