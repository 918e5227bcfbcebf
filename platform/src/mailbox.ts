/**
 * The receive side of an endpoint's mailbox: the nucleus delivers work (offloaded
 * syscalls, process events) to the service that owns the endpoint over one
 * Ipc.Serve stream. This attaches with the owner's capability, runs the handler
 * for every message (handlers may answer later: a blocking read answers when data
 * comes) and sends each reply with its message's id.
 */
import { grpc } from './grpc.js';
import type { ServiceContext } from './service.js';
import type { MailboxMessage__Output } from './gen/rustos/v1/MailboxMessage.js';
import type { MailboxReply } from './gen/rustos/v1/MailboxReply.js';

/** A StateStore batch: keys to write, keys to delete. */
export interface StateBatch { set: Record<string, Buffer>; del: string[] }
/** A handler's answer; `state` is stored by the nucleus as part of the reply (both or neither). */
export type MailboxAnswer = Pick<MailboxReply, 'result' | 'outputs' | 'context'> & { state?: StateBatch };
export type MailboxHandler = (m: MailboxMessage__Output) => MailboxAnswer | Promise<MailboxAnswer>;

export interface Mailbox {
  /** Resolves once the nucleus acknowledged the attach. */
  attached: Promise<void>;
  /**
   * Store a StateStore batch ahead of every reply sent after it (same stream, so
   * in order): false once the mailbox is closed.
   */
  store(batch: StateBatch): boolean;
  close(): void;
}

export function serveMailbox(ctx: ServiceContext, endpoint: string, handler: MailboxHandler): Mailbox {
  const stream = ctx.nucleus.ipc.Serve();
  let ack!: () => void;
  let fail!: (err: Error) => void;
  const attached = new Promise<void>((resolve, reject) => { ack = resolve; fail = reject; });
  let open = true;
  const state = (b: StateBatch | undefined) => (b ? { header: ctx.header('state'), set: b.set, delete: b.del } : undefined);
  const reply = (id: number, a: MailboxAnswer) => {
    if (open) stream.write({ id, result: a.result, outputs: a.outputs ?? [], context: a.context ?? {}, state: state(a.state) });
  };
  stream.on('data', (m: MailboxMessage__Output) => {
    if (m.id === 0) return ack();
    let answer: MailboxAnswer | Promise<MailboxAnswer>;
    try {
      answer = handler(m);
    } catch (err) {
      ctx.log.error({ err, op: m.op }, `${endpoint}: handler failed`);
      return reply(m.id, { result: -5 });
    }
    if (answer instanceof Promise) {
      answer.then((a) => reply(m.id, a), (err: unknown) => {
        ctx.log.error({ err, op: m.op }, `${endpoint}: handler failed`);
        reply(m.id, { result: -5 });
      });
    } else {
      reply(m.id, answer);
    }
  });
  stream.on('error', (err: grpc.ServiceError) => {
    open = false;
    fail(err);
    if (err.code !== grpc.status.CANCELLED) ctx.log.warn(`${endpoint}: mailbox closed: ${err.details || err.message}`);
  });
  stream.write({ id: 0, header: ctx.header(`endpoint:${endpoint}`), endpoint });
  const store = (batch: StateBatch) => {
    if (open) stream.write({ id: 0, state: state(batch) });
    return open;
  };
  return { attached, store, close: () => { open = false; stream.cancel(); } };
}
