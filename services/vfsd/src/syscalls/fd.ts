/**
 * Descriptor plumbing: dup, dup2, dup3, fcntl, pipe, pipe2 and ioctl. The
 * generic ioctls (FIONBIO, FIOCLEX, FIONCLEX, FIOASYNC, FIONREAD on files) and
 * the ones about processes (TIOCSCTTY, TIOCNOTTY) are answered here; the rest
 * go to the object (a terminal's termios, a pipe's FIONREAD) or are ENOTTY.
 */
import { Errno, F, FD_CLOEXEC, F_UNLCK, IOCTL, O, SETFL_MASK } from '../abi.js';
import { fail } from '../fail.js';
import { PipeEnd } from '../files/pipe.js';
import { TmpFile } from '../fs/tmpfs.js';
import { HostFile } from '../fs/hostfs.js';
import { NOFILE } from '../procs.js';
import { Tty } from '../tty/tty.js';
import type { Outcome } from '../wait.js';
import { seals } from './memfd.js';
import { file, int, int32, ioFile, u32, type Call } from './call.js';

export function dup(c: Call): Outcome {
  const f = file(c, 0);
  return { result: c.v.procs.install(c.p, f, false) };
}

function dupTo(c: Call, cloexec: boolean): Outcome {
  const f = file(c, 0);
  const to = int(c, 1);
  if (to < 0 || to >= NOFILE) fail(Errno.EBADF);
  c.v.procs.place(c.p.table, to, f, cloexec);
  return { result: to };
}

export function dup2(c: Call): Outcome {
  if (int(c, 1) === int(c, 0)) {
    file(c, 0);
    return { result: int(c, 1) };
  }
  return dupTo(c, false);
}

export function dup3(c: Call): Outcome {
  const flags = u32(c, 2);
  if (flags & ~O.CLOEXEC || int(c, 0) === int(c, 1)) fail(Errno.EINVAL);
  return dupTo(c, flags !== 0);
}

/** struct flock: l_type (short), l_whence (short), l_start, l_len (off_t), l_pid (int). */
function lock(c: Call, cmd: number): Outcome {
  const f = file(c, 0);
  const fl = c.inputs[0]!;
  if (fl.length < 32) fail(Errno.EFAULT);
  const type = fl.readInt16LE(0);
  const whence = fl.readInt16LE(2);
  if (type < 0 || type > 2 || whence < 0 || whence > 2) fail(Errno.EINVAL);
  if (f.flags & O.PATH) fail(Errno.EBADF);
  if (cmd === F.GETLK || cmd === F.OFD_GETLK) {
    // Advisory locks are not kept: nothing ever conflicts.
    const out = Buffer.from(fl);
    out.writeInt16LE(F_UNLCK, 0);
    return { result: 0, outputs: [out] };
  }
  if ((type === 0 && !f.readable()) || (type === 1 && !f.writable())) fail(Errno.EBADF);
  return { result: 0 };
}

export function fcntl(c: Call): Outcome {
  const cmd = int(c, 1);
  const arg = c.args[2]!;
  switch (cmd) {
    case F.DUPFD:
    case F.DUPFD_CLOEXEC: {
      const f = file(c, 0);
      if (arg < 0 || arg >= NOFILE) fail(Errno.EINVAL);
      return { result: c.v.procs.install(c.p, f, cmd === F.DUPFD_CLOEXEC, arg) };
    }
    case F.GETFD:
      return { result: c.v.procs.slot(c.p, int(c, 0)).cloexec ? FD_CLOEXEC : 0 };
    case F.SETFD:
      c.v.procs.slot(c.p, int(c, 0)).cloexec = (arg & FD_CLOEXEC) !== 0;
      c.v.procs.tableChanged(c.p.table);
      return { result: 0 };
    case F.GETFL:
      return { result: file(c, 0).flags };
    case F.SETFL: {
      const f = file(c, 0);
      if (f.flags & O.PATH) fail(Errno.EBADF);
      f.flags = (f.flags & ~SETFL_MASK) | (arg & SETFL_MASK);
      c.v.procs.fileChanged(f);
      return { result: 0 };
    }
    case F.GETLK: case F.SETLK: case F.SETLKW: case F.OFD_GETLK: case F.OFD_SETLK: case F.OFD_SETLKW:
      return lock(c, cmd);
    case F.GETOWN: case F.GETSIG:
      file(c, 0);
      return { result: 0 };
    case F.SETOWN: case F.SETSIG:
      file(c, 0);
      return { result: 0 };
    case F.GETLEASE:
      file(c, 0);
      return { result: F_UNLCK };
    case F.ADD_SEALS:
    case F.GET_SEALS:
      return seals(c, cmd, arg);
    case F.GETPIPE_SZ:
    case F.SETPIPE_SZ: {
      const f = file(c, 0);
      if (!(f.obj instanceof PipeEnd)) fail(Errno.EBADF);
      return { result: cmd === F.GETPIPE_SZ ? f.obj.pipe.capacity : f.obj.pipe.resize(arg) };
    }
    default:
      file(c, 0);
      return fail(Errno.EINVAL);
  }
}

export function pipe2(c: Call): Outcome {
  const flags = u32(c, 1);
  if (flags & ~(O.CLOEXEC | O.NONBLOCK | O.DIRECT)) fail(Errno.EINVAL);
  const p = c.v.pipes.create(c.who);
  const status = flags & (O.NONBLOCK | O.DIRECT);
  const procs = c.v.procs;
  const r = procs.open(O.RDONLY | status, new PipeEnd(p, 'r'), `pipe:[${p.node.ino}]`);
  const w = procs.open(O.WRONLY | status, new PipeEnd(p, 'w'), `pipe:[${p.node.ino}]`);
  const cloexec = (flags & O.CLOEXEC) !== 0;
  let rfd: number;
  try {
    rfd = procs.installNew(c.p, r, cloexec);
  } catch (err) {
    procs.discard(w);
    throw err;
  }
  let wfd: number;
  try {
    wfd = procs.installNew(c.p, w, cloexec);
  } catch (err) {
    procs.close(c.p, rfd);
    throw err;
  }
  const out = Buffer.alloc(8);
  out.writeInt32LE(rfd, 0);
  out.writeInt32LE(wfd, 4);
  return { result: 0, outputs: [out] };
}

export const pipe = (c: Call) => pipe2({ ...c, args: [c.args[0]!, 0] });

export function ioctl(c: Call): Outcome {
  const fd = int(c, 0);
  const f = ioFile(c, 0);
  const req = u32(c, 1);
  const arg = c.args[2]!;
  const input = c.inputs.find((b) => b.length > 0) ?? Buffer.alloc(0);
  const flag = () => (input.length >= 4 ? input.readInt32LE(0) !== 0 : fail(Errno.EFAULT));
  switch (req) {
    case IOCTL.FIONBIO:
      f.flags = flag() ? f.flags | O.NONBLOCK : f.flags & ~O.NONBLOCK;
      c.v.procs.fileChanged(f);
      return { result: 0 };
    case IOCTL.FIOASYNC:
      f.flags = flag() ? f.flags | O.ASYNC : f.flags & ~O.ASYNC;
      c.v.procs.fileChanged(f);
      return { result: 0 };
    case IOCTL.FIOCLEX:
    case IOCTL.FIONCLEX:
      c.v.procs.slot(c.p, fd).cloexec = req === IOCTL.FIOCLEX;
      c.v.procs.tableChanged(c.p.table);
      return { result: 0 };
  }
  if (f.obj instanceof TmpFile || f.obj instanceof HostFile) {
    if (req !== IOCTL.FIONREAD) fail(Errno.ENOTTY);
    return { result: 0, outputs: [int32(Math.max(0, f.obj.size() - f.pos))] };
  }
  if (f.obj instanceof Tty) {
    const session = [...c.v.sessions.byId.values()].find((s) => s.tty === f.obj);
    if (req === IOCTL.TIOCSCTTY) {
      if (session) {
        c.p.ctty = session.id;
        c.v.procs.procChanged(c.p);
        if (!f.obj.sid) f.obj.sid = c.pid;
      }
      return { result: 0 };
    }
    if (req === IOCTL.TIOCNOTTY) {
      if (!session || c.p.ctty !== session.id) fail(Errno.ENOTTY);
      c.p.ctty = 0;
      c.v.procs.procChanged(c.p);
      return { result: 0 };
    }
  }
  return f.obj.ioctl(f, req, arg, input);
}
