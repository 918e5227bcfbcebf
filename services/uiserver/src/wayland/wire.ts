/**
 * The Wayland wire format: each message is a header of two 32-bit words in the
 * host's byte order (x86-64: little-endian) — the object id, then size << 16 |
 * opcode, the size counting the header — followed by its arguments, each a
 * whole number of 32-bit words. Strings and arrays carry their byte length
 * (a string's with its NUL; 0 is a null string) and are padded to 4 bytes.
 * File descriptors travel beside the bytes (SCM_RIGHTS) and are taken, in
 * order, from the connection's queue of received fds.
 */
import type { Arg, Message } from './protocol.js';

export const HEADER_SIZE = 8;
/** libwayland's limit on one message (its connection buffer); bigger is a malformed request. */
export const MAX_MESSAGE_SIZE = 4096;

export type Value = number | string | null | Uint8Array | FdValue;
/** A received descriptor, opaque to the framing. */
export interface FdValue { readonly fd: unknown }

/** Thrown on a malformed message: the dispatcher turns it into wl_display.error invalid_method. */
export class WireError extends Error {}

export interface Header { id: number; opcode: number; size: number }

export function readHeader(buf: Uint8Array, at: number): Header | undefined {
  if (buf.length - at < HEADER_SIZE) return undefined;
  const v = new DataView(buf.buffer, buf.byteOffset + at);
  const word = v.getUint32(4, true);
  return { id: v.getUint32(0, true), opcode: word & 0xffff, size: word >>> 16 };
}

/** The wire arguments of a message: a new_id with no interface (wl_registry.bind) is sent as interface, version, id. */
export function wireArgs(m: Message): Arg[] {
  return m.args.flatMap((a): Arg[] => a.type === 'new_id' && !a.interface
    ? [{ name: 'interface', type: 'string' }, { name: 'version', type: 'uint' }, a]
    : [a]);
}

/** Decode a message's arguments from `body` (the bytes after the header); fds come from `takeFd`. */
export function decodeArgs(args: readonly Arg[], body: Uint8Array, takeFd: () => unknown): Value[] {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  const word = (what: string): number => {
    if (at + 4 > body.length) throw new WireError(`message too short for argument ${what}`);
    const w = v.getUint32(at, true);
    at += 4;
    return w;
  };
  const bytes = (what: string, n: number): Uint8Array => {
    const padded = (n + 3) & ~3;
    if (at + padded > body.length) throw new WireError(`${what}: ${n} bytes past the end of the message`);
    const out = body.subarray(at, at + n);
    at += padded;
    return out;
  };
  const out: Value[] = [];
  for (const a of args) {
    switch (a.type) {
      case 'int': out.push(word(a.name) | 0); break;
      case 'uint': case 'object': case 'new_id': out.push(word(a.name)); break;
      case 'fixed': out.push((word(a.name) | 0) / 256); break;
      case 'string': {
        const n = word(a.name);
        if (n === 0) { out.push(null); break; }
        const s = bytes(a.name, n);
        if (s[n - 1] !== 0) throw new WireError(`string ${a.name} is not NUL-terminated`);
        out.push(new TextDecoder().decode(s.subarray(0, n - 1)));
        break;
      }
      case 'array': out.push(bytes(a.name, word(a.name)).slice()); break;
      case 'fd': {
        const fd = takeFd();
        if (fd === undefined) throw new WireError(`no file descriptor received for ${a.name}`);
        out.push({ fd });
        break;
      }
    }
    if ((a.type === 'string' && out[out.length - 1] === null || a.type === 'object' && out[out.length - 1] === 0) && !a.nullable) {
      throw new WireError(`${a.name} may not be null`);
    }
  }
  if (at !== body.length) throw new WireError(`${body.length - at} bytes left over after the arguments`);
  return out;
}

/** Encode one message; fd arguments go to `fds` (in order), not into the bytes. */
export function encodeMessage(id: number, opcode: number, args: readonly Arg[], values: readonly Value[], fds: unknown[] = []): Uint8Array {
  const parts: number[] = [];   // 32-bit words after the header
  const pushBytes = (b: Uint8Array) => {
    parts.push(b.length);
    for (let i = 0; i < b.length; i += 4) parts.push(b[i]! | (b[i + 1] ?? 0) << 8 | (b[i + 2] ?? 0) << 16 | (b[i + 3] ?? 0) << 24);
  };
  args.forEach((a, i) => {
    const val = values[i];
    switch (a.type) {
      case 'int': case 'uint': case 'object': case 'new_id': parts.push(Number(val ?? 0) >>> 0); break;
      case 'fixed': parts.push(Math.round(Number(val) * 256) >>> 0); break;
      case 'string':
        if (val === null || val === undefined) parts.push(0);
        else { const s = new TextEncoder().encode(String(val)); const z = new Uint8Array(s.length + 1); z.set(s); pushBytes(z); }
        break;
      case 'array': pushBytes(val as Uint8Array); break;
      case 'fd': fds.push((val as FdValue).fd); break;
    }
  });
  const size = HEADER_SIZE + parts.length * 4;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, id, true);
  v.setUint32(4, (size << 16 | opcode) >>> 0, true);
  parts.forEach((w, i) => v.setUint32(HEADER_SIZE + i * 4, w >>> 0, true));
  return out;
}
