/**
 * syscalld — Linux policy for memory, clocks, signals and identity.
 *
 * Responsible for: answering the offloaded syscalls the nucleus's Linux ABI table
 * routes to it (mmap/brk placement and limits, clock and timer policy, signal
 * disposition, uid/gid/pid views), editing address spaces only through the MM
 * broker.
 *
 * Never: edits page tables or touches guest memory except through the MM broker;
 * holds file state (that is vfsd's).
 */
import { main } from '@rustos/platform';

main({ name: 'syscalld' });
