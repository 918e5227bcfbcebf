/** An open directory: getdents64 lists it (syscalls/dirents.ts); reading it as bytes is EISDIR. */
import { Errno } from '../abi.js';
import { fail } from '../fail.js';
import type { Node } from '../fs/node.js';
import { FileObject, type Persisted } from './file-object.js';

export class DirObject extends FileObject {
  constructor(readonly node: Node) {
    super();
  }

  override seekable(): boolean { return true; }
  override read(): Buffer { return fail(Errno.EISDIR); }
  override write(): number { return fail(Errno.EISDIR); }
  persist(): Persisted { return { kind: 'dir' }; }
}

/** An O_PATH descriptor: names a file for *at() and fstat, does no I/O (EBADF, checked by the handlers). */
export class PathObject extends FileObject {
  constructor(readonly node: Node) {
    super();
  }

  persist(): Persisted { return { kind: 'path' }; }
}
