/**
 * The Linux ABI table entries loaderd owns: the exec family. The new image is
 * built by loaderd and swapped in by PROC_COMMIT (replace_pid = the caller); a
 * failed exec answers -errno and leaves the caller as it was.
 */
import type { OffloadSpec } from '../spec.js';

export const LOADERD: OffloadSpec[] = [
  {
    nr: 59, name: 'execve', route: 'loaderd', support: 'full',
    note: 'ELF64 x86-64 (static, static-pie, dynamic with PT_INTERP) and "#!" scripts; no setuid/setgid',
    // argv and envp may be NULL (an empty list, as Linux takes it).
    in: [{ kind: 'cstr', ptr: 0 }, { kind: 'cstrv', ptr: 1, optional: true }, { kind: 'cstrv', ptr: 2, optional: true }],
  },
  {
    nr: 322, name: 'execveat', route: 'loaderd', support: 'partial',
    note: 'dirfd-relative paths and AT_EMPTY_PATH resolve through /dev/fd/<dirfd>; AT_SYMLINK_NOFOLLOW is not honoured',
    in: [{ kind: 'cstr', ptr: 1 }, { kind: 'cstrv', ptr: 2, optional: true }, { kind: 'cstrv', ptr: 3, optional: true }],
  },
];
