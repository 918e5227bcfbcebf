/**
 * Data transfer: read, write, their vector and positioned forms, lseek, sendfile
 * and copy_file_range. A read or write that cannot proceed blocks (or fails with
 * EAGAIN under O_NONBLOCK); a write interrupted after some bytes went through
 * answers with that count, as Linux does; a write to a pipe nobody reads fails
 * with EPIPE and asks the nucleus for SIGPIPE.
 */
import { Errno, IOV_MAX, MAX_RW, O, SEEK, SIG } from '../abi.js';
import { getI64, putI64 } from '../bytes.js';
import { Fail, fail } from '../fail.js';
import { DirObject } from '../files/directory.js';
import { DeviceFile } from '../fs/devfs.js';
import type { OpenFile } from '../files/open-file.js';
import { Blocked, EINTR, Wait, isWait, type Answer, type Outcome } from '../wait.js';
import { count, int, readable, writable, ioFile, type Call } from './call.js';
import { settled } from './sync-wait.js';

/** Endless sources are read this much at most per call (a short read is legal and keeps replies small). */
const MAX_TRANSFER = 16 * 1024 * 1024;

/** Read up to `n` bytes from `f` at `at` (< 0: the file position), then `finish` with them. */
export function readFrom(c: Call, f: OpenFile, n: number, at: number, finish: (data: Buffer) => Outcome): Outcome {
  const step = (): Outcome => {
    const seekable = f.obj.seekable();
    const pos = at >= 0 ? at : seekable ? f.pos : 0;
    const r = f.obj.read(f, Math.min(n, MAX_TRANSFER), pos, c.since);
    if (r instanceof Blocked) {
      if (f.nonblocking()) fail(Errno.EAGAIN);
      return new Wait(r.queues, step, undefined, r.deadline, () => {
        const o = finish(Buffer.alloc(0));
        return isWait(o) ? EINTR : o;
      });
    }
    if (at < 0 && seekable && r.length) {
      f.pos = pos + r.length;
      c.v.procs.fileChanged(f);
    }
    return finish(r);
  };
  return step();
}

const asRead = (data: Buffer): Answer => ({ result: data.length, outputs: [data] });

/** Write all of `data` to `f` (at `at`; < 0: the file position, or the end with O_APPEND), blocking as needed. */
export function writeTo(c: Call, f: OpenFile, data: Buffer, at: number, finish: (n: number) => Answer = (n) => ({ result: n })): Outcome {
  if (data.length === 0 && !f.obj.writesEmpty()) return finish(0);
  let done = 0;
  const step = (): Outcome => {
    for (;;) {
      const seekable = f.obj.seekable();
      const pos = !seekable ? 0 : f.flags & O.APPEND ? f.obj.size() : at >= 0 ? at + done : f.pos;
      let r: number | Blocked;
      try {
        r = f.obj.admit(data.length - done);
        if (!(r instanceof Blocked)) r = f.obj.write(f, data.subarray(done, done + r), pos);
      } catch (err) {
        if (!(err instanceof Fail)) throw err;
        if (done > 0) return finish(done);
        if (err.errno === Errno.EPIPE) return { result: -Errno.EPIPE, context: { 'signal.self': String(SIG.PIPE) } };
        throw err;
      }
      if (r instanceof Blocked) {
        if (f.nonblocking() && !r.throttled) return done > 0 ? finish(done) : fail(Errno.EAGAIN);
        return new Wait(r.queues, step, () => (done > 0 ? finish(done) : EINTR), r.deadline);
      }
      done += r;
      if (at < 0 && seekable) {
        f.pos = pos + r;
        c.v.procs.fileChanged(f);
      }
      // Fed until all went in: a stream takes what it has room for, a file what its filesystem can hold unsynced (ext2).
      if (done >= data.length || r === 0) return f.flags & O.DSYNC ? settled([f.obj.sync()], finish(done)) : finish(done);
    }
  };
  return step();
}

/** A positioned transfer's offset: ESPIPE on a stream, EINVAL when negative. */
function offset(f: OpenFile, off: number): number {
  if (!f.obj.seekable()) fail(Errno.ESPIPE);
  if (off < 0) fail(Errno.EINVAL);
  return off;
}

/** The total length of an iovec array (the table sends the array itself as input 0). */
function iovTotal(c: Call, iov: Buffer): number {
  const n = int(c, 2);
  if (n < 0 || n > IOV_MAX) fail(Errno.EINVAL);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const len = getI64(iov, i * 16 + 8);
    if (len < 0) fail(Errno.EINVAL);
    total += len;
  }
  return Math.min(total, MAX_RW);
}

export const read = (c: Call) => readFrom(c, readable(c, 0), count(c, 2), -1, asRead);
export const write = (c: Call) => writeTo(c, writable(c, 0), c.inputs[0]!, -1);
export const pread64 = (c: Call) => {
  const f = readable(c, 0);
  return readFrom(c, f, count(c, 2), offset(f, c.args[3]!), asRead);
};
export const pwrite64 = (c: Call) => {
  const f = writable(c, 0);
  return writeTo(c, f, c.inputs[0]!, offset(f, c.args[3]!));
};
export const readv = (c: Call) => {
  const f = readable(c, 0);
  return readFrom(c, f, iovTotal(c, c.inputs[0]!), -1, asRead);
};
export const writev = (c: Call) => writeTo(c, writable(c, 0), c.inputs[0]!, -1);
export const preadv = (c: Call) => {
  const f = readable(c, 0);
  return readFrom(c, f, iovTotal(c, c.inputs[0]!), offset(f, c.args[3]!), asRead);
};
export const pwritev = (c: Call) => {
  const f = writable(c, 0);
  return writeTo(c, f, c.inputs[0]!, offset(f, c.args[3]!));
};
/** preadv2/pwritev2: offset -1 means the file position; RWF_* flags change nothing here. */
export const preadv2 = (c: Call) => {
  const f = readable(c, 0);
  const at = c.args[3] === -1 ? -1 : offset(f, c.args[3]!);
  return readFrom(c, f, iovTotal(c, c.inputs[0]!), at, asRead);
};
export const pwritev2 = (c: Call) => {
  const f = writable(c, 0);
  return writeTo(c, f, c.inputs[0]!, c.args[3] === -1 ? -1 : offset(f, c.args[3]!));
};

export function lseek(c: Call): Outcome {
  const f = ioFile(c, 0);
  const off = c.args[1]!;
  const whence = int(c, 2);
  if (!f.obj.seekable()) fail(Errno.ESPIPE);
  if (whence < SEEK.SET || whence > SEEK.HOLE) fail(Errno.EINVAL);
  // The endless devices stay at 0 (null_lseek).
  if (f.obj instanceof DeviceFile) return { result: 0 };
  let pos: number;
  if (f.obj instanceof DirObject) {
    if (whence === SEEK.SET) pos = off;
    else if (whence === SEEK.CUR) pos = f.pos + off;
    else return fail(Errno.EINVAL);
    if (pos < 0) fail(Errno.EINVAL);
    if (pos === 0) f.listing = undefined;
  } else {
    const size = whence >= SEEK.END ? f.obj.size() : 0;
    switch (whence) {
      case SEEK.SET: pos = off; break;
      case SEEK.CUR: pos = f.pos + off; break;
      case SEEK.END: pos = size + off; break;
      case SEEK.DATA: pos = off < size ? off : fail(Errno.ENXIO); break;
      default: pos = off < size ? size : fail(Errno.ENXIO); break;
    }
    if (pos < 0) fail(Errno.EINVAL);
  }
  f.pos = pos;
  c.v.procs.fileChanged(f);
  return { result: pos };
}

/** sendfile(out, in, *offset, count): the offset, when given, is read and written back; otherwise in's position moves. */
export function sendfile(c: Call): Outcome {
  const out = writable(c, 0);
  const inp = readable(c, 1);
  if (out.flags & O.APPEND) fail(Errno.EINVAL);
  const given = c.inputs[0]!.length === 8;
  const at = given ? offset(inp, getI64(c.inputs[0]!, 0)) : -1;
  const n = count(c, 3);
  return readFrom(c, inp, n, at >= 0 ? at : inp.obj.seekable() ? inp.pos : -1, (data) =>
    writeTo(c, out, data, -1, (written) => {
      if (given) return { result: written, outputs: [u64(at + written)] };
      if (inp.obj.seekable()) {
        inp.pos += written;
        c.v.procs.fileChanged(inp);
      }
      return { result: written };
    }));
}

function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  putI64(b, 0, v);
  return b;
}

/** copy_file_range(in, *off_in, out, *off_out, len, flags): between regular files. */
export function copyFileRange(c: Call): Outcome {
  if (c.args[5] !== 0) fail(Errno.EINVAL);
  const inp = readable(c, 0);
  const out = writable(c, 2);
  if (out.flags & O.APPEND) fail(Errno.EBADF);
  if (!inp.obj.seekable() || !out.obj.seekable() || inp.obj instanceof DirObject || out.obj instanceof DirObject) fail(Errno.EINVAL);
  const offIn = c.inputs[0]!.length === 8 ? getI64(c.inputs[0]!, 0) : -1;
  const offOut = c.inputs[1]!.length === 8 ? getI64(c.inputs[1]!, 0) : -1;
  if (c.inputs[0]!.length === 8 && offIn < 0) fail(Errno.EINVAL);
  if (c.inputs[1]!.length === 8 && offOut < 0) fail(Errno.EINVAL);
  const from = offIn >= 0 ? offIn : inp.pos;
  const data = inp.obj.read(inp, Math.min(count(c, 4), MAX_TRANSFER), from, c.since);
  if (data instanceof Blocked) return fail(Errno.EINVAL);
  const to = offOut >= 0 ? offOut : out.pos;
  const room = out.obj.admit(data.length);
  if (room instanceof Blocked) return new Wait(room.queues, () => copyFileRange(c));
  const written = data.length ? (out.obj.write(out, data.subarray(0, room), to) as number) : 0;
  if (offIn < 0) inp.pos = from + written;
  if (offOut < 0) out.pos = to + written;
  c.v.procs.fileChanged(inp);
  c.v.procs.fileChanged(out);
  return {
    result: written,
    outputs: [offIn >= 0 ? u64(offIn + written) : Buffer.alloc(0), offOut >= 0 ? u64(offOut + written) : Buffer.alloc(0)],
  };
}
