/**
 * The shape of the canonical Linux ABI table (gVisor's syscall table as data):
 * for each x86-64 syscall number, its name, who handles it (a nucleus mechanism
 * or the owning service's mailbox), how well it is supported, and — for
 * offloads — which guest memory travels with the call and where the answer's
 * bytes go. docs/LINUX-ABI.md describes the wire contract.
 */

/** Index of an argument register: 0 = rdi, 1 = rsi, 2 = rdx, 3 = r10, 4 = r8, 5 = r9. */
export type Arg = 0 | 1 | 2 | 3 | 4 | 5;

/** A length: an argument register, a constant, or an argument times a constant (nfds * 8). */
export type Len = Arg | { const: number } | { arg: Arg; times: number };

/**
 * A spec that applies only for some values of a command argument: ioctl's third
 * argument is a termios pointer for TCGETS but an int for TIOCSCTTY, fcntl's is a
 * struct flock pointer only for the lock commands. When the argument's low 32 bits
 * are not in `is`, an input is sent empty and an output is not copied.
 */
export interface When {
  arg: Arg;
  is: readonly number[];
}

export type InSpec = (
  | { kind: 'buf'; ptr: Arg; len: Len; optional?: boolean }
  | { kind: 'cstr'; ptr: Arg; optional?: boolean }
  | { kind: 'cstrv'; ptr: Arg; optional?: boolean }
  | { kind: 'iov'; ptr: Arg; count: Arg }
  | { kind: 'struct'; ptr: Arg; size: number; optional?: boolean }
  /**
   * A struct msghdr (sendmsg/recvmsg): its name, control and iovec buffers travel
   * as one buffer, a 16-byte header of u32 lengths (name, control, data, 0) then
   * the bytes. For `send` the bytes are the caller's; for a receive only the
   * header goes, giving the capacities of the three buffers.
   */
  | { kind: 'msghdr'; ptr: Arg; send: boolean }
) & { when?: When };

export type OutSpec = (
  | { kind: 'buf'; ptr: Arg; max: Len; optional?: boolean }
  | { kind: 'iov'; ptr: Arg; count: Arg }
  | { kind: 'struct'; ptr: Arg; size: number; optional?: boolean }
  /**
   * recvmsg's answer into a struct msghdr: a header of u32 name length, control
   * length, data length and msg_flags, then the name, control and data bytes;
   * the data is scattered over the iovecs, msg_namelen, msg_controllen and
   * msg_flags are written.
   */
  | { kind: 'msghdr'; ptr: Arg }
) & { when?: When };

export type Owner = 'syscalld' | 'vfsd' | 'loaderd';
export type Support = 'full' | 'partial' | 'unimplemented';

export interface OffloadSpec {
  nr: number;
  name: string;
  route: Owner;
  support: Support;
  note?: string;
  in?: InSpec[];
  out?: OutSpec[];
  /** Safe to send again to a restarted owner (no side effect, or the same one twice). */
  idempotent?: boolean;
}

/** The endpoint each owner serves its mailbox on. */
export const ENDPOINT: Record<Owner, string> = {
  syscalld: 'syscalld.linux',
  vfsd: 'vfsd.files',
  loaderd: 'loaderd.exec',
};

/** Control ops carried in MailboxMessage.op, above every syscall number. */
export const enum ControlOp {
  Cancel = 1_000_000,
  ProcFork = 1_000_001,
  ProcExec = 1_000_002,
  ProcExit = 1_000_003,
}
