/**
 * loaderd — executable loading.
 *
 * Responsible for: validating ELF64 and PE32+ images with precise step errors,
 * building the new process through PROC_PREPARE, mapping its segments, stack and
 * interpreter, attaching the Windows runtime when needed, and PROC_COMMIT (or
 * PROC_ABORT on any failure, so no half-built process survives).
 *
 * Never: schedules or runs a process (the nucleus does after commit); decides who
 * may launch what (runtimed does).
 */
import { main } from '@rustos/platform';

main({ name: 'loaderd' });
