/**
 * vfsd — files, file descriptors and mounts.
 *
 * Responsible for: the guest's filesystem tree (the read-only root image, tmpfs
 * at /tmp, writable /home, /dev and /proc views, /data on storaged's blocks), the
 * per-process descriptor tables, pipes, and the file syscalls the nucleus routes
 * to its endpoint.
 *
 * Never: maps memory itself (it hands file contents to syscalld/loaderd, who map
 * them through their brokers); talks to block hardware (storaged does).
 */
import { main } from '@rustos/platform';

main({ name: 'vfsd' });
