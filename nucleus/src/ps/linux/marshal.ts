/**
 * Moves the guest memory an offloaded syscall needs across the wire, as its table
 * entry says (spec.ts): inputs are copied in before delivery, outputs copied back
 * after the reply. A copy that faults makes the call fail with -EFAULT, as Linux's
 * copy_from_user / copy_to_user do.
 */
import { Errno } from '@rustos/platform';
import type { InSpec, Len, OutSpec, When } from './spec.js';
import type { Sys } from './sys.js';

const MAX_STRING = 4096;
const MAX_VECTOR = 32768;
const MAX_IN_BYTES = 64 * 1024 * 1024;
const IOV_MAX = 1024;
const EFAULT = -Errno.EFAULT;

export function length(s: Sys, len: Len): number {
  if (typeof len === 'number') return s.arg(len);
  if ('const' in len) return len.const;
  return s.arg(len.arg) * len.times;
}

/** The (base, length) pairs of an iovec array, or -errno. */
export function iovecs(s: Sys, ptr: number, count: number): Array<[number, number]> | number {
  if (count < 0 || count > IOV_MAX) return -Errno.EINVAL;
  if (count === 0) return [];
  const raw = s.copyIn(ptr, count * 16);
  if (typeof raw === 'number') return EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: Array<[number, number]> = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = Number(v.getBigUint64(i * 16, true));
    const len = Number(v.getBigInt64(i * 16 + 8, true));
    if (len < 0 || (total += len) > 0x7ffff000) return -Errno.EINVAL;
    out.push([base, len]);
  }
  return out;
}

/** struct msghdr: msg_name, msg_namelen, msg_iov, msg_iovlen, msg_control, msg_controllen, msg_flags. */
const MSGHDR = 56;
/** Largest sockaddr (sockaddr_storage) and control buffer (net.core.optmem_max) a call may carry. */
const MAX_NAME = 128;
const MAX_CONTROL = 20480;

interface MsgHdr { raw: Uint8Array; name: number; namelen: number; iov: Array<[number, number]>; control: number; controllen: number }

function msghdr(s: Sys, ptr: number): MsgHdr | number {
  const raw = s.copyIn(ptr, MSGHDR);
  if (typeof raw === 'number') return EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const iov = iovecs(s, Number(v.getBigUint64(16, true)), Number(v.getBigUint64(24, true)));
  if (typeof iov === 'number') return iov;
  const controllen = Number(v.getBigUint64(40, true));
  return { raw, name: Number(v.getBigUint64(0, true)), namelen: v.getUint32(8, true), iov, control: Number(v.getBigUint64(32, true)), controllen };
}

/** Scatter `data` over the iovecs in order (as far as it goes); 0 or EFAULT. */
function scatter(s: Sys, vecs: Array<[number, number]>, data: Uint8Array): number {
  let at = 0;
  for (const [base, len] of vecs) {
    if (at >= data.length) break;
    const chunk = data.subarray(at, at + len);
    if (s.copyOut(base, chunk) < 0) return EFAULT;
    at += chunk.length;
  }
  return 0;
}

function header(a: number, b: number, c: number, d: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(a, 0); h.writeUInt32LE(b, 4); h.writeUInt32LE(c >>> 0, 8); h.writeUInt32LE(d >>> 0, 12);
  return h;
}

/** A msghdr's buffers as one input (spec.ts, kind 'msghdr'). */
function msghdrIn(s: Sys, ptr: number, send: boolean): Buffer | number {
  const m = msghdr(s, ptr);
  if (typeof m === 'number') return m;
  const name = m.name ? Math.min(m.namelen, MAX_NAME) : 0;
  const control = m.control ? m.controllen : 0;
  const data = m.iov.reduce((n, [, len]) => n + len, 0);
  if (!send) return header(name, Math.min(control, MAX_CONTROL), data, 0);
  if (m.name && m.namelen > MAX_NAME) return -Errno.EINVAL;
  if (control > MAX_CONTROL) return -Errno.ENOBUFS;
  const parts = [header(name, control, data, 0)];
  for (const [at, len] of [[m.name, name], [m.control, control], ...m.iov] as Array<[number, number]>) {
    if (len === 0) continue;
    const b = s.copyIn(at, len);
    if (typeof b === 'number') return EFAULT;
    parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  return Buffer.concat(parts);
}

/** recvmsg's answer (spec.ts, out kind 'msghdr') written into the caller's msghdr. */
function msghdrOut(s: Sys, ptr: number, out: Uint8Array): number {
  const m = msghdr(s, ptr);
  if (typeof m === 'number') return m;
  if (out.length < 16) return -Errno.EINVAL;
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const namelen = v.getUint32(0, true), controllen = v.getUint32(4, true), datalen = v.getUint32(8, true), flags = v.getUint32(12, true);
  let at = 16;
  const name = out.subarray(at, (at += namelen));
  const control = out.subarray(at, (at += controllen));
  const data = out.subarray(at, at + datalen);
  if (m.name && name.length && s.copyOut(m.name, name.subarray(0, m.namelen)) < 0) return EFAULT;
  if (m.control && control.length && s.copyOut(m.control, control.subarray(0, m.controllen)) < 0) return EFAULT;
  if (scatter(s, m.iov, data) < 0) return EFAULT;
  const fields = Buffer.alloc(MSGHDR);
  fields.set(m.raw);
  fields.writeUInt32LE(m.name ? namelen : 0, 8);
  fields.writeBigUInt64LE(BigInt(m.control ? controllen : 0), 40);
  fields.writeInt32LE(flags | 0, 48);
  return s.copyOut(ptr, fields) < 0 ? EFAULT : 0;
}

function cstring(s: Sys, ptr: number): Buffer | number {
  const r = s.p.space.readCString(ptr, MAX_STRING);
  return typeof r === 'number' ? r : Buffer.from(r.buffer, r.byteOffset, r.byteLength);
}

function cstringVector(s: Sys, ptr: number): Buffer | number {
  const parts: Buffer[] = [];
  let total = 0;
  for (let i = 0; ; i++) {
    if (i >= MAX_VECTOR) return -Errno.E2BIG;
    const p = s.readU64(ptr + i * 8);
    if (typeof p === 'number') return EFAULT;
    if (p === 0n) break;
    const str = cstring(s, Number(p));
    if (typeof str === 'number') return str;
    parts.push(str, Buffer.alloc(1));
    if ((total += str.length + 1) > MAX_IN_BYTES) return -Errno.E2BIG;
  }
  return Buffer.concat(parts);
}

/** False when a spec's `when` names command values this call's argument is not one of. */
function applies(s: Sys, when: When | undefined): boolean {
  return when === undefined || when.is.includes(s.arg(when.arg) | 0) || when.is.includes(s.arg(when.arg) >>> 0);
}

function one(s: Sys, spec: InSpec): Buffer | number {
  if (!applies(s, spec.when)) return Buffer.alloc(0);
  const ptr = s.arg(spec.ptr);
  if ('optional' in spec && spec.optional && ptr === 0) return Buffer.alloc(0);
  switch (spec.kind) {
    case 'cstr': return cstring(s, ptr);
    case 'cstrv': return cstringVector(s, ptr);
    case 'msghdr': return msghdrIn(s, ptr, spec.send);
    case 'buf':
    case 'struct': {
      const n = spec.kind === 'buf' ? length(s, spec.len) : spec.size;
      if (n < 0 || n > MAX_IN_BYTES) return -Errno.EINVAL;
      if (n === 0) return Buffer.alloc(0);
      const b = s.copyIn(ptr, n);
      return typeof b === 'number' ? EFAULT : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    }
    case 'iov': {
      const vecs = iovecs(s, ptr, s.arg(spec.count));
      if (typeof vecs === 'number') return vecs;
      const parts: Buffer[] = [];
      for (const [base, len] of vecs) {
        if (len === 0) continue;
        const b = s.copyIn(base, len);
        if (typeof b === 'number') return EFAULT;
        parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      }
      return Buffer.concat(parts);
    }
  }
}

export function marshalInputs(s: Sys, specs: InSpec[] | undefined): Buffer[] | number {
  const out: Buffer[] = [];
  for (const spec of specs ?? []) {
    const b = one(s, spec);
    if (typeof b === 'number') return b;
    out.push(b);
  }
  return out;
}

/**
 * Before the call leaves: an output that cannot land is -EFAULT now, while the
 * owner has done nothing (Linux's read from a pipe into a bad buffer fails without
 * consuming the data). A struct must be writable whole; a buffer at its first
 * byte, since a short answer may need no more.
 */
export function checkOutputs(s: Sys, specs: OutSpec[] | undefined): number {
  for (const spec of specs ?? []) {
    if (spec.kind === 'iov' || spec.kind === 'msghdr' || !applies(s, spec.when)) continue;
    const ptr = s.arg(spec.ptr);
    if ('optional' in spec && spec.optional && ptr === 0) continue;
    const n = spec.kind === 'struct' ? spec.size : Math.min(1, length(s, spec.max));
    if (n > 0 && s.p.space.probeWrite(ptr, n) < 0) return EFAULT;
  }
  return 0;
}

/** Copy each reply output to where its spec points; returns 0 or -EFAULT/-EINVAL. */
export function unmarshalOutputs(s: Sys, specs: OutSpec[] | undefined, outputs: Buffer[]): number {
  for (const [i, spec] of (specs ?? []).entries()) {
    const data = outputs[i];
    if (!data || data.length === 0 || !applies(s, spec.when)) continue;
    const ptr = s.arg(spec.ptr);
    if ('optional' in spec && spec.optional && ptr === 0) continue;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (spec.kind === 'msghdr') {
      const r = msghdrOut(s, ptr, bytes);
      if (r < 0) return r;
      continue;
    }
    if (spec.kind === 'iov') {
      const vecs = iovecs(s, ptr, s.arg(spec.count));
      if (typeof vecs === 'number') return vecs;
      if (scatter(s, vecs, bytes) < 0) return EFAULT;
      continue;
    }
    const max = spec.kind === 'buf' ? length(s, spec.max) : spec.size;
    if (bytes.length > max) return -Errno.EINVAL;
    if (s.copyOut(ptr, bytes) < 0) return EFAULT;
  }
  return 0;
}
