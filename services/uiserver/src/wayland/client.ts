/**
 * One Wayland client: reassembles messages from its connection's byte stream,
 * dispatches them in order (a handler may wait, e.g. to read shared memory, and
 * the next message waits for it), sends events, and ends the client on a
 * protocol error with wl_display.error — the error code the spec names, the
 * object it concerns, and a message saying what was wrong. Other clients are
 * not affected.
 */
import type { PassedFd, WaylandConnection } from './connection.js';
import { ObjectMap, isClientId } from './objects.js';
import { interfaces } from './protocol.js';
import { Resource, ProtocolError, type Implementation } from './resource.js';
import { decodeArgs, encodeMessage, readHeader, wireArgs, HEADER_SIZE, MAX_MESSAGE_SIZE, WireError, type Value } from './wire.js';

export interface ClientHost {
  /** The handlers of an interface (undefined: the server does not implement it). */
  implementation(iface: string): Implementation | undefined;
  log(message: string): void;
  gone(client: Client): void;
}

export class Client {
  readonly objects = new ObjectMap<Resource>();
  readonly display: Resource;
  private inbox = new Uint8Array(0);
  private readonly fds: PassedFd[] = [];
  private queue: Promise<void> = Promise.resolve();
  closed = false;

  constructor(readonly conn: WaylandConnection, private readonly host: ClientHost, readonly name: string) {
    this.display = this.create(1, 'wl_display', 1);
    conn.onData((bytes, fds) => {
      if (this.closed) { for (const fd of fds) fd.close(); return; }
      this.fds.push(...fds);
      const next = new Uint8Array(this.inbox.length + bytes.length);
      next.set(this.inbox);
      next.set(bytes, this.inbox.length);
      this.inbox = next;
      this.queue = this.queue.then(() => this.drain());
    });
    conn.onClose((why) => this.teardown(why));
  }

  /** Resolves once everything received so far has been dispatched (tests). */
  idle(): Promise<void> { return this.queue; }

  /** A new object at a client-chosen id (validated by the dispatcher). */
  create(id: number, ifaceName: string, version: number): Resource {
    const iface = interfaces[ifaceName];
    if (!iface) throw new Error(`unknown interface ${ifaceName}`);
    const r = new Resource(this, id, iface, version, this.host.implementation(ifaceName) ?? {});
    this.objects.insert(id, r);
    return r;
  }

  /** Remove an object; a client-allocated id is handed back with wl_display.delete_id. */
  destroy(r: Resource): void {
    if (r.destroyed) return;
    r.runDestroy();
    this.objects.delete(r.id);
    if (isClientId(r.id) && r !== this.display) this.display.send('delete_id', r.id);
  }

  sendEvent(r: Resource, opcode: number, values: readonly Value[]): void {
    if (this.closed) return;
    const fds: unknown[] = [];
    const bytes = encodeMessage(r.id, opcode, wireArgs(r.iface.events[opcode]!), values, fds);
    this.conn.send(bytes, fds as PassedFd[]);
  }

  /** Fatal protocol error: tell the client, then cut it off. */
  fail(e: ProtocolError): void {
    if (this.closed) return;
    this.host.log(`client ${this.name}: protocol error on ${e.object}: code ${e.code}: ${e.message}`);
    this.display.send('error', e.object.id, e.code, e.message);
    this.conn.close();
    this.teardown(`protocol error: ${e.message}`);
  }

  private async drain(): Promise<void> {
    while (!this.closed) {
      const h = readHeader(this.inbox, 0);
      if (!h) return;
      if (h.size < HEADER_SIZE || h.size % 4 !== 0 || h.size > MAX_MESSAGE_SIZE) {
        return this.fail(this.display.error('invalid_method', `message to object ${h.id} opcode ${h.opcode} has bad size ${h.size}`));
      }
      if (this.inbox.length < h.size) return;
      const body = this.inbox.subarray(HEADER_SIZE, h.size);
      this.inbox = this.inbox.subarray(h.size);
      try {
        await this.dispatch(h.id, h.opcode, body);
      } catch (err) {
        if (err instanceof ProtocolError) return this.fail(err);
        this.host.log(`client ${this.name}: ${(err as Error).stack ?? err}`);
        return this.fail(this.display.error('implementation', `compositor failed on a request to object ${h.id}: ${(err as Error).message}`));
      }
    }
  }

  private async dispatch(id: number, opcode: number, body: Uint8Array): Promise<void> {
    const target = this.objects.get(id);
    if (!target) throw this.display.error('invalid_object', `invalid object ${id}`);
    const req = target.iface.requests[opcode];
    if (!req || req.since > target.version) throw this.display.error('invalid_method', `invalid method ${opcode} (since ${req?.since ?? '-'}), object ${target}`);
    const args = wireArgs(req);
    let values: Value[];
    const taken: PassedFd[] = [];
    try {
      values = decodeArgs(args, body, () => { const fd = this.fds.shift(); if (fd) taken.push(fd); return fd; });
    } catch (err) {
      for (const fd of taken) fd.close();   // a malformed message's fds are ours to drop
      if (err instanceof WireError) throw this.display.error('invalid_method', `invalid arguments for ${target}.${req.name}: ${err.message}`);
      throw err;
    }
    // Object arguments become their objects; typed new ids become new objects of the parent's version.
    const passed: unknown[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!, v = values[i];
      if (a.type === 'object') {
        if (v === 0) { passed.push(null); continue; }
        const o = this.objects.get(v as number);
        if (!o) throw this.display.error('invalid_object', `invalid object ${v} as ${a.name} of ${target}.${req.name}`);
        if (a.interface && o.iface.name !== a.interface) throw this.display.error('invalid_object', `${o} is not a ${a.interface} (${a.name} of ${target}.${req.name})`);
        passed.push(o);
      } else if (a.type === 'new_id') {
        const why = this.objects.checkNew(v as number);
        if (why) throw this.display.error('invalid_object', `${why} (${target}.${req.name})`);
        passed.push(a.interface ? this.create(v as number, a.interface, Math.min(target.version, interfaces[a.interface]!.version)) : v);
      } else passed.push(v);
    }
    const handler = target.impl[req.name];
    if (handler) await handler(target, ...passed);
    if (req.destructor) this.destroy(target);
  }

  private teardown(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of [...this.objects.values()]) r.runDestroy();
    for (const fd of this.fds.splice(0)) fd.close();
    this.host.log(`client ${this.name} gone: ${why}`);
    this.host.gone(this);
  }
}
