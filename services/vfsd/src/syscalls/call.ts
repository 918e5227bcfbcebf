/**
 * What a syscall handler sees: the caller, its arguments and input buffers as
 * the ABI table marshalled them, and vfsd's state; plus the small decoders every
 * handler shares (a 32-bit int argument, a path, a descriptor of the right kind).
 */
import { Errno, MAX_RW, O } from '../abi.js';
import { fail } from '../fail.js';
import type { OpenFile } from '../files/open-file.js';
import type { Who } from '../fs/node.js';
import type { Proc } from '../procs.js';
import type { Vfs } from '../vfs.js';
import type { Outcome } from '../wait.js';

export interface Call {
  readonly v: Vfs;
  readonly pid: number;
  readonly p: Proc;
  readonly who: Who;
  /** The six argument registers, signed 64-bit. */
  readonly args: readonly number[];
  readonly inputs: readonly Buffer[];
  /** performance.now() when the call arrived (poll timeouts and VTIME count from it). */
  readonly since: number;
}

export type Handler = (c: Call) => Outcome;

/** Argument `i` as the C int it is (the low 32 bits, signed). */
export function int(c: Call, i: number): number {
  return c.args[i]! | 0;
}

/** Argument `i` as an unsigned 32-bit value (flags, modes, ioctl requests). */
export function u32(c: Call, i: number): number {
  return c.args[i]! >>> 0;
}

/** A size_t count, clamped as Linux clamps read/write counts. */
export function count(c: Call, i: number): number {
  const n = c.args[i]!;
  return n < 0 || n > MAX_RW ? MAX_RW : n;
}

/** Input `k` as a path string. */
export function path(c: Call, k: number): string {
  return c.inputs[k]!.toString('utf8');
}

/** An fd argument: the description, EBADF if there is none. */
export function file(c: Call, i: number): OpenFile {
  return c.v.procs.file(c.p, int(c, i));
}

/** A description that may do I/O (not O_PATH). */
export function ioFile(c: Call, i: number): OpenFile {
  const f = file(c, i);
  if (f.flags & O.PATH) fail(Errno.EBADF);
  return f;
}

export function readable(c: Call, i: number): OpenFile {
  const f = ioFile(c, i);
  if (!f.readable()) fail(Errno.EBADF);
  return f;
}

export function writable(c: Call, i: number): OpenFile {
  const f = ioFile(c, i);
  if (!f.writable()) fail(Errno.EBADF);
  return f;
}

export const ok = (result = 0): Outcome => ({ result });

export function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}
