/**
 * Control messages (struct cmsghdr: u64 cmsg_len, i32 level, i32 type, data
 * padded to 8 bytes) as net/core/scm.c reads and writes them: SCM_RIGHTS
 * carries descriptors (at most SCM_MAX_FD, each must be open: EBADF),
 * SCM_CREDENTIALS the sender's pid/uid/gid (a process may only claim its own
 * unless root: EPERM).
 */
import { Errno } from '../abi.js';
import { fail } from '../fail.js';
import type { Cred } from './unix-socket.js';

export const SOL_SOCKET = 1;
export const SCM_RIGHTS = 1;
export const SCM_CREDENTIALS = 2;
export const SCM_MAX_FD = 253;
const HDR = 16;
export const MSG = {
  OOB: 1, PEEK: 2, CTRUNC: 8, TRUNC: 0x20, DONTWAIT: 0x40, EOR: 0x80, WAITALL: 0x100, NOSIGNAL: 0x4000,
  CMSG_CLOEXEC: 0x40000000,
} as const;

const align = (n: number) => (n + 7) & ~7;

export interface Control {
  fds: number[];
  cred: Cred | undefined;
}

/** Parse a sendmsg control buffer. */
export function parseControl(b: Buffer, self: Cred): Control {
  const out: Control = { fds: [], cred: undefined };
  let at = 0;
  while (at + HDR <= b.length) {
    const len = Number(b.readBigUInt64LE(at));
    const level = b.readInt32LE(at + 8), type = b.readInt32LE(at + 12);
    if (len < HDR || at + len > b.length) fail(Errno.EINVAL);
    const data = b.subarray(at + HDR, at + len);
    if (level !== SOL_SOCKET) fail(Errno.EINVAL);
    if (type === SCM_RIGHTS) {
      const n = Math.floor(data.length / 4);
      if (out.fds.length + n > SCM_MAX_FD) fail(Errno.EINVAL);
      for (let i = 0; i < n; i++) out.fds.push(data.readInt32LE(i * 4));
    } else if (type === SCM_CREDENTIALS) {
      if (data.length !== 12) fail(Errno.EINVAL);
      const cred = { pid: data.readInt32LE(0), uid: data.readUInt32LE(4), gid: data.readUInt32LE(8) };
      if (self.uid !== 0 && (cred.pid !== self.pid || cred.uid !== self.uid || cred.gid !== self.gid)) fail(Errno.EPERM);
      out.cred = cred;
    } else {
      fail(Errno.EINVAL);
    }
    at += align(len);
  }
  return out;
}

function cmsg(type: number, data: Buffer): Buffer {
  const b = Buffer.alloc(align(HDR + data.length));
  b.writeBigUInt64LE(BigInt(HDR + data.length), 0);
  b.writeInt32LE(SOL_SOCKET, 8);
  b.writeInt32LE(type, 12);
  data.copy(b, HDR);
  return b;
}

/**
 * A recvmsg control buffer of at most `cap` bytes: credentials (when asked
 * for), then as many received descriptors as fit — `install` puts each in the
 * receiver's table; those that do not fit are for the caller to close, and
 * MSG_CTRUNC says so. Returns the bytes, the flags and how many fds it took.
 */
export function buildControl(cap: number, cred: Cred | undefined, nfds: number, install: (i: number) => number): { bytes: Buffer; flags: number; taken: number } {
  const parts: Buffer[] = [];
  let used = 0, flags = 0, taken = 0;
  if (cred) {
    const d = Buffer.alloc(12);
    d.writeInt32LE(cred.pid, 0); d.writeUInt32LE(cred.uid, 4); d.writeUInt32LE(cred.gid, 8);
    const c = cmsg(SCM_CREDENTIALS, d);
    if (cap - used < HDR) flags |= MSG.CTRUNC;
    else {
      if (c.length > cap - used) flags |= MSG.CTRUNC;
      const k = Math.min(c.length, cap - used);
      parts.push(c.subarray(0, k));
      used += k;
    }
  }
  if (nfds > 0) {
    const fit = cap - used > HDR ? Math.min(nfds, Math.floor((cap - used - HDR) / 4)) : 0;
    const fds = Buffer.alloc(fit * 4);
    for (; taken < fit; taken++) fds.writeInt32LE(install(taken), taken * 4);
    if (fit > 0) {
      const c = cmsg(SCM_RIGHTS, fds);
      const k = Math.min(c.length, cap - used);
      parts.push(c.subarray(0, k));
      used += k;
    }
    if (taken < nfds) flags |= MSG.CTRUNC;
  }
  return { bytes: Buffer.concat(parts), flags, taken };
}
