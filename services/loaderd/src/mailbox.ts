/**
 * The loaderd.exec mailbox: execve and execveat offloaded by the nucleus
 * (inputs: path cstr, argv cstrv, envp cstrv; docs/LINUX-ABI.md). A success has
 * already replaced the caller's image (PROC_COMMIT with replace_pid) when it is
 * answered 0; a failure answers -errno and the caller carries on untouched.
 */
import type { MailboxAnswer, MailboxHandler } from '@rustos/platform';
import { Errno } from '@rustos/platform';
import type { MailboxMessage__Output } from '@rustos/platform/gen/rustos/v1/MailboxMessage.js';
import { isFailed, runExec, type LoaderDeps } from './exec/loader.js';
import type { Credentials } from './exec/prepare.js';

export const NR_EXECVE = 59;
export const NR_EXECVEAT = 322;
const CONTROL_CANCEL = 1_000_000;
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;

const utf8 = new TextEncoder();

/** A cstrv input: each string followed by its NUL. */
export function splitStrings(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0) {
      out.push(buf.subarray(start, i));
      start = i + 1;
    }
  }
  // A last string without its NUL (a malformed input) still counts whole.
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

function credentials(context: Record<string, string>): Credentials {
  const id = (k: string, fallback: number): number => {
    const v = Number(context[k]);
    return Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? v : fallback;
  };
  const uid = id('uid', 0);
  const gid = id('gid', 0);
  return { uid, euid: id('euid', uid), gid, egid: id('egid', gid) };
}

const inputBytes = (b: Buffer | undefined): Uint8Array => (b ? new Uint8Array(b.buffer, b.byteOffset, b.length) : new Uint8Array(0));

/**
 * execveat's file name as Linux forms it (bprm->filename): the path itself when
 * absolute or relative to the cwd, else "/dev/fd/<dirfd>[/<path>]", which vfsd
 * resolves through the caller's descriptor like any path.
 */
function execveatName(dirfd: number, path: Uint8Array, flags: number): Uint8Array | number {
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) return Errno.EINVAL;
  if (path.length === 0 && !(flags & AT_EMPTY_PATH)) return Errno.ENOENT;
  if (dirfd === AT_FDCWD || path[0] === 0x2f) return path;
  if (dirfd < 0) return Errno.EBADF;
  const prefix = utf8.encode(path.length === 0 ? `/dev/fd/${dirfd}` : `/dev/fd/${dirfd}/`);
  const name = new Uint8Array(prefix.length + path.length);
  name.set(prefix);
  name.set(path, prefix.length);
  return name;
}

export function execMailbox(deps: LoaderDeps): MailboxHandler {
  return async (m: MailboxMessage__Output): Promise<MailboxAnswer> => {
    if (m.op === CONTROL_CANCEL) return { result: 0, outputs: [], context: {} }; // an exec runs to its end: its own answer follows
    if (m.op !== NR_EXECVE && m.op !== NR_EXECVEAT) return { result: -Errno.ENOSYS, outputs: [], context: {} };
    const [path, argv, envp] = [0, 1, 2].map((i) => inputBytes(m.inputs[i]));
    let filename: Uint8Array | number = path!;
    if (m.op === NR_EXECVEAT) filename = execveatName(Number(m.args[0] ?? 0) | 0, path!, Number(m.args[4] ?? 0) | 0);
    else if (path!.length === 0) filename = Errno.ENOENT;
    if (typeof filename === 'number') return { result: -filename, outputs: [], context: {} };
    const r = await runExec(deps,
      { pid: m.pid, filename, argv: splitStrings(argv!), envp: splitStrings(envp!), creds: credentials(m.context) },
      { parentPid: 0, replacePid: m.pid });
    return { result: isFailed(r) ? -r.errno : 0, outputs: [], context: {} };
  };
}
