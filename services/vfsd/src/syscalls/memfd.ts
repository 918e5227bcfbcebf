/**
 * memfd_create and memfd seals (mm/memfd.c): an anonymous regular file in an
 * unmounted tmpfs, open read-write, "/memfd:<name> (deleted)" in /proc/<pid>/fd;
 * it lives while a description refers to it (a passed fd keeps it alive).
 * Without MFD_ALLOW_SEALING it is born sealed with F_SEAL_SEAL.
 */
import { Errno, F, O, S } from '../abi.js';
import { fail } from '../fail.js';
import { TmpFile } from '../fs/tmpfs.js';
import type { Outcome } from '../wait.js';
import { file, path, u32, type Call } from './call.js';

const MFD = { CLOEXEC: 1, ALLOW_SEALING: 2, HUGETLB: 4, NOEXEC_SEAL: 8, EXEC: 0x10 } as const;
const SEAL = { SEAL: 1, SHRINK: 2, GROW: 4, WRITE: 8, FUTURE_WRITE: 0x10 } as const;
const ALL_SEALS = SEAL.SEAL | SEAL.SHRINK | SEAL.GROW | SEAL.WRITE | SEAL.FUTURE_WRITE;
/** NAME_MAX less the "memfd:" prefix. */
const MFD_NAME_MAX = 249;

export function memfdCreate(c: Call): Outcome {
  const flags = u32(c, 1);
  if (flags & ~(MFD.CLOEXEC | MFD.ALLOW_SEALING | MFD.HUGETLB | MFD.NOEXEC_SEAL | MFD.EXEC)) fail(Errno.EINVAL);
  if (flags & MFD.HUGETLB || (flags & MFD.NOEXEC_SEAL && flags & MFD.EXEC)) fail(Errno.EINVAL);
  const name = path(c, 0);
  if (Buffer.byteLength(name) > MFD_NAME_MAX) fail(Errno.EINVAL);
  const node = c.v.memfd.allocate(S.IFREG | (flags & MFD.NOEXEC_SEAL ? 0o666 : 0o777), c.who);
  node.nlink = 0;
  node.seals = flags & MFD.ALLOW_SEALING ? 0 : SEAL.SEAL;
  const f = c.v.procs.open(O.RDWR | O.LARGEFILE, new TmpFile(node), `/memfd:${name} (deleted)`);
  return { result: c.v.procs.installNew(c.p, f, (flags & MFD.CLOEXEC) !== 0) };
}

/** fcntl F_ADD_SEALS / F_GET_SEALS: EINVAL on anything but a memfd. */
export function seals(c: Call, cmd: number, arg: number): Outcome {
  const f = file(c, 0);
  if (!(f.obj instanceof TmpFile) || f.obj.node.fs !== c.v.memfd) fail(Errno.EINVAL);
  const node = f.obj.node;
  if (cmd === F.GET_SEALS) return { result: node.seals };
  if (arg & ~ALL_SEALS) fail(Errno.EINVAL);
  if (!f.writable()) fail(Errno.EPERM);
  if (node.seals & SEAL.SEAL) fail(Errno.EPERM);
  node.seals |= arg;
  c.v.memfd.changed(node);
  return { result: 0 };
}
