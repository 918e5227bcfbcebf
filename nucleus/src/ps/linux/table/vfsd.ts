/**
 * Rows for the syscalls vfsd owns (files, descriptors, pipes, terminals). vfsd's
 * engineer owns this table; the integrator seeded it with the calls every program
 * makes first.
 */
import { offload } from './define.js';
import type { OffloadSpec } from '../spec.js';

export const VFSD: OffloadSpec[] = [
  offload('write', 'vfsd', { in: [{ kind: 'buf', ptr: 1, len: 2 }] }),
  offload('writev', 'vfsd', { in: [{ kind: 'iov', ptr: 1, count: 2 }] }),
  offload('read', 'vfsd', { out: [{ kind: 'buf', ptr: 1, max: 2 }] }),
  offload('readv', 'vfsd', { out: [{ kind: 'iov', ptr: 1, count: 2 }] }),
  offload('close', 'vfsd'),
  offload('fstat', 'vfsd', { out: [{ kind: 'struct', ptr: 1, size: 144 }], idempotent: true }),
  offload('newfstatat', 'vfsd', { in: [{ kind: 'cstr', ptr: 1 }], out: [{ kind: 'struct', ptr: 2, size: 144 }], idempotent: true }),
];
