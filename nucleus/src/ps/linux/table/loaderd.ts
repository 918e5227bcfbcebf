/** Rows for the syscalls loaderd owns (execve). loaderd's engineer owns this table. */
import { offload } from './define.js';
import type { OffloadSpec } from '../spec.js';

export const LOADERD: OffloadSpec[] = [
  offload('execve', 'loaderd', { in: [{ kind: 'cstr', ptr: 0 }, { kind: 'cstrv', ptr: 1 }, { kind: 'cstrv', ptr: 2, optional: true }] }),
];
