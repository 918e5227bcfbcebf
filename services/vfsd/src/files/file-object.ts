/**
 * What an open file description refers to: a regular file's bytes, a directory, a
 * pipe end, a terminal, a device, a /proc snapshot. Each kind overrides what it
 * supports; the defaults are Linux's answers for an object that does not (EINVAL
 * for a read it cannot do, ENOTTY for an ioctl, always ready for poll).
 */
import { Errno, POLL } from '../abi.js';
import { fail } from '../fail.js';
import type { Node } from '../fs/node.js';
import type { Answer, Blocked, WaitQueue } from '../wait.js';

/** A sync under way on a device: done (with an errno, 0 for success) once its queue wakes with done set. */
export interface SyncPending {
  readonly queue: WaitQueue;
  done: boolean;
  errno: number;
}
import type { OpenFile } from './open-file.js';

/** How an object is written into the state store, to be rebuilt by a new generation. */
export interface Persisted {
  kind: string;
  [key: string]: unknown;
}

export abstract class FileObject {
  abstract readonly node: Node;

  /** A write of nothing still does something (an empty datagram); otherwise it is answered 0 at once. */
  writesEmpty(): boolean { return false; }
  /** Has a file position (lseek works; pread/pwrite allowed). */
  seekable(): boolean { return false; }
  /**
   * Read up to `n` bytes at `at` (seekable objects) or from the stream; Blocked
   * when there is nothing yet. `since` is when the call began (performance.now()),
   * for timers that count from it.
   */
  read(_f: OpenFile, _n: number, _at: number, _since: number): Buffer | Blocked { return fail(Errno.EINVAL); }
  /** Write what can be written now of `data` (at `at`, for seekable objects): a count > 0, or Blocked. */
  write(_f: OpenFile, _data: Buffer, _at: number): number | Blocked { return fail(Errno.EINVAL); }
  /**
   * How many of `n` bytes a guest's write may hand over now, or Blocked until it may hand over
   * some: a filesystem bounding what it holds unsynced (ext2). Writes vfsd makes itself (a shared
   * mapping's pages coming back) do not ask.
   */
  admit(n: number): number | Blocked { return n; }
  /** The size SEEK_END counts from. */
  size(): number { return 0; }
  /** Ready events now (POLLIN, POLLOUT, POLLHUP, POLLERR). */
  poll(_f: OpenFile): number { return POLL.IN | POLL.OUT | POLL.RDNORM | POLL.WRNORM; }
  /** Where a poll on this object waits for a change. */
  queues(_f: OpenFile): WaitQueue[] { return []; }
  ioctl(_f: OpenFile, _req: number, _arg: number, _input: Buffer): Answer { return fail(Errno.ENOTTY); }
  /** A new open file description refers to this object (pipes count their ends). */
  opened(_f: OpenFile): void {}
  /** The last descriptor of `f` was closed. */
  released(_f: OpenFile): void {}
  /** readlink of /proc/<pid>/fd/N: the path it was opened by, or pipe:[ino] and the like. */
  describe(f: OpenFile): string { return f.path; }
  /** Data to a stable store (fsync): nothing for objects with none, a pending sync for a device that answers later. */
  sync(): SyncPending | void {}
  /** Enough to rebuild this object after a vfsd restart, besides the description's path. */
  abstract persist(): Persisted;
}
