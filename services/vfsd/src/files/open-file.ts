/**
 * An open file description (Linux's struct file): what open(2), pipe(2) or a
 * session creates and dup/fork share — access mode and status flags, the file
 * position, and the object it refers to. Descriptors (fd table slots) reference
 * it; when the last one goes, the object learns it was released.
 */
import { O } from '../abi.js';
import type { DirEntry } from '../fs/node.js';
import type { FileObject } from './file-object.js';

export class OpenFile {
  /** Descriptors (in every fd table) that refer to this description. */
  refs = 0;
  pos = 0;
  /** A directory's entries as getdents64 walks them, listed at the first call after open or rewind. */
  listing: DirEntry[] | undefined;

  constructor(
    readonly id: number,
    /** Access mode and status flags, as F_GETFL shows them. */
    public flags: number,
    readonly obj: FileObject,
    /** The canonical guest path it was opened by (for /proc/<pid>/fd, fchdir, *at). */
    readonly path: string,
  ) {}

  readable(): boolean {
    const acc = this.flags & O.ACCMODE;
    return acc === O.RDONLY || acc === O.RDWR;
  }

  writable(): boolean {
    const acc = this.flags & O.ACCMODE;
    return acc === O.WRONLY || acc === O.RDWR;
  }

  isPath(): boolean {
    return (this.flags & O.PATH) !== 0;
  }

  nonblocking(): boolean {
    return (this.flags & O.NONBLOCK) !== 0;
  }
}
