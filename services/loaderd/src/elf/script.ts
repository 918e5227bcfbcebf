/**
 * "#!" scripts, as fs/binfmt_script.c reads them: the first line of at most
 * BINPRM_BUF_SIZE bytes names the interpreter and at most one argument (the
 * rest of the line, spaces and tabs trimmed at both ends, kept whole). An
 * interpreter path that may have been cut off by the buffer is refused rather
 * than guessed.
 */
import { Errno } from '@rustos/platform';
import { fail } from './failure.js';

export const BINPRM_BUF_SIZE = 256;
/** exec_binprm allows this many interpreter rewrites; the file reached after one more is ELOOP. */
export const MAX_INTERPRETER_DEPTH = 5;

export interface Shebang {
  interpreter: Uint8Array;
  /** The optional argument, as one string. */
  arg: Uint8Array | undefined;
}

const isSpaceTab = (c: number): boolean => c === 0x20 || c === 0x09;
const isTerminator = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0;

/** The first index in [first, last] (inclusive, as the kernel's helpers) that passes, or -1. */
function find(buf: Uint8Array, first: number, last: number, test: (c: number) => boolean): number {
  for (let i = first; i <= last; i++) if (test(buf[i]!)) return i;
  return -1;
}

/** undefined when the file does not start with "#!". */
export function parseShebang(file: Uint8Array): Shebang | undefined {
  if (file[0] !== 0x23 || file[1] !== 0x21) return undefined;
  // The kernel's buffer: the file's first bytes, zero-padded.
  const buf = new Uint8Array(BINPRM_BUF_SIZE);
  buf.set(file.subarray(0, BINPRM_BUF_SIZE));
  const bufEnd = BINPRM_BUF_SIZE - 1;
  // strnchr: the newline counts only before the first NUL.
  let end = find(buf, 0, bufEnd, (c) => c === 0x0a || c === 0);
  if (end < 0 || buf[end] === 0) {
    const name = find(buf, 2, bufEnd, (c) => !isSpaceTab(c));
    if (name < 0) fail('script', Errno.ENOEXEC, 'the "#!" line is nothing but spaces');
    // Without a terminator after the name, it may have been cut off by the buffer.
    if (find(buf, name, bufEnd, isTerminator) < 0) fail('script', Errno.ENOEXEC, `the "#!" interpreter path is longer than ${BINPRM_BUF_SIZE} bytes`);
    end = bufEnd;
  }
  while (isSpaceTab(buf[end - 1]!)) end--;
  const name = find(buf, 2, end, (c) => !isSpaceTab(c));
  if (name < 0 || name === end) fail('script', Errno.ENOEXEC, 'the "#!" line names no interpreter');
  const sep = find(buf, name, end, isTerminator);
  let arg: Uint8Array | undefined;
  if (sep >= 0 && buf[sep] !== 0) {
    const a = find(buf, sep, end, (c) => !isSpaceTab(c));
    // The line ends at `end` (the kernel writes a NUL there).
    if (a >= 0 && a < end) arg = cstr(buf.subarray(a, end));
  }
  return { interpreter: cstr(buf.subarray(name, sep >= 0 && sep < end ? sep : end)), arg };
}

/** The kernel copies these as C strings: a NUL inside ends them. */
function cstr(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  return (nul < 0 ? b : b.subarray(0, nul)).slice();
}
