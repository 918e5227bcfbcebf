/**
 * An in-process transport for the protocol's unit tests: a connection whose
 * "client" end is the test, writing raw request bytes (built word by word from
 * the spec, not with the server's encoder) and parsing the events it gets, and
 * passed files backed by plain memory.
 */
import type { PassedFd, WaylandConnection } from './connection.js';

export class MemoryFile implements PassedFd {
  closed = false;
  /** `unaligned`: reads come back as Buffers at an odd offset of a larger one, as a field of a decoded gRPC message may. */
  constructor(public bytes: Uint8Array, private readonly unaligned = false) {}
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!this.unaligned) return this.bytes.slice(offset, offset + length);
    const big = Buffer.alloc(length + 3);
    big.set(this.bytes.subarray(offset, offset + length), 1);
    return big.subarray(1, 1 + length);
  }
  async size(): Promise<number> { return this.bytes.length; }
  close(): void { this.closed = true; }
}

export interface Event { id: number; opcode: number; words: number[]; body: Uint8Array; fds: PassedFd[] }

export class TestConnection implements WaylandConnection {
  private dataFn?: (b: Uint8Array, fds: PassedFd[]) => void;
  private closeFn?: (why: string) => void;
  readonly events: Event[] = [];
  closed = false;

  onData(fn: (b: Uint8Array, fds: PassedFd[]) => void): void { this.dataFn = fn; }
  onClose(fn: (why: string) => void): void { this.closeFn = fn; }
  close(): void { this.closed = true; }

  send(bytes: Uint8Array, fds: PassedFd[]): void {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < bytes.length;) {
      const size = v.getUint32(at + 4, true) >>> 16;
      const body = bytes.slice(at + 8, at + size);
      const words = [];
      for (let i = 0; i + 4 <= body.length; i += 4) words.push(new DataView(body.buffer).getUint32(i, true));
      this.events.push({ id: v.getUint32(at, true), opcode: v.getUint32(at + 4, true) & 0xffff, words, body, fds });
      at += size;
    }
  }

  /** The client writes (as one sendmsg). */
  write(bytes: Uint8Array, fds: PassedFd[] = []): void { this.dataFn!(bytes, fds); }
  hangup(): void { this.closeFn?.('hung up'); }

  /** Events sent to object `id` (with `opcode`), taken out of the list. */
  take(id: number, opcode?: number): Event[] {
    const out = this.events.filter((e) => e.id === id && (opcode === undefined || e.opcode === opcode));
    for (const e of out) this.events.splice(this.events.indexOf(e), 1);
    return out;
  }
}

/** A request as the spec lays it out: header words, then the argument words as given. */
export function msg(id: number, opcode: number, ...args: (number | string)[]): Uint8Array {
  const words: number[] = [];
  for (const a of args) {
    if (typeof a === 'number') { words.push(a >>> 0); continue; }
    const b = new TextEncoder().encode(`${a}\0`);
    words.push(b.length);
    for (let i = 0; i < b.length; i += 4) words.push(b[i]! | (b[i + 1] ?? 0) << 8 | (b[i + 2] ?? 0) << 16 | (b[i + 3] ?? 0) << 24);
  }
  const out = new Uint8Array(8 + words.length * 4);
  const v = new DataView(out.buffer);
  v.setUint32(0, id, true);
  v.setUint32(4, ((out.length << 16) | opcode) >>> 0, true);
  words.forEach((w, i) => v.setUint32(8 + i * 4, w, true));
  return out;
}

export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

/** The string argument at word `at` of an event body. */
export function stringAt(e: Event, at: number): string {
  const n = e.words[at]!;
  return new TextDecoder().decode(e.body.subarray((at + 1) * 4, (at + 1) * 4 + n - 1));
}
