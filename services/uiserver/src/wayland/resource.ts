/**
 * A protocol object of one client: its id, interface and version, the handlers
 * of its requests, and the events it sends. ProtocolError is how a handler
 * reports a fatal client error (wl_display.error, then the client is cut off).
 */
import { interfaces, type Interface } from './protocol.js';
import type { Value } from './wire.js';
import type { Client } from './client.js';

export type Handler = (r: Resource, ...args: any[]) => void | Promise<void>;
/** An interface's request handlers by request name. Missing ones are accepted and ignored (their effects are not modelled). */
export type Implementation = Readonly<Record<string, Handler>>;

export class ProtocolError extends Error {
  constructor(readonly object: Resource, readonly code: number, message: string) { super(message); }
}

export class Resource {
  destroyed = false;
  /** Per-interface state (a surface's pending state, a pool's fd, ...). */
  data: any;
  private readonly destroyHooks: (() => void)[] = [];

  constructor(readonly client: Client, readonly id: number, readonly iface: Interface, readonly version: number, readonly impl: Implementation) {}

  /** Send an event by name (dropped when the object's version predates it, or the object is gone). */
  send(event: string, ...values: Value[]): void {
    const opcode = this.iface.events.findIndex((e) => e.name === event);
    if (opcode < 0) throw new Error(`${this.iface.name} has no event ${event}`);
    if (this.destroyed || this.iface.events[opcode]!.since > this.version) return;
    this.client.sendEvent(this, opcode, values);
  }

  /**
   * A protocol error on this object, with the code named in the "error" enum of
   * its interface (or of `enumOf`, as wl_shm's for a pool), else wl_display's.
   */
  error(code: string, message: string, enumOf = this.iface.name): ProtocolError {
    const value = interfaces[enumOf]?.enums.error?.[code] ?? interfaces.wl_display!.enums.error![code];
    if (value === undefined) throw new Error(`${enumOf} has no error ${code}`);
    return new ProtocolError(this, value, message);
  }

  onDestroy(fn: () => void): void { this.destroyHooks.push(fn); }

  /** Run the destroy hooks once (the client destroyed it, or disconnected). */
  runDestroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const fn of this.destroyHooks.splice(0)) fn();
  }

  toString(): string { return `${this.iface.name}@${this.id}`; }
}
