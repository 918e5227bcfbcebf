/**
 * loaderd — executable loading.
 *
 * Responsible for: execve/execveat (the loaderd.exec mailbox) and Spawn (its
 * peer API, for runtimed): opening the executable through vfsd, "#!" scripts,
 * validating ELF64 images with a precise step and errno for every refusal,
 * PT_INTERP, planning the address space and the initial stack exactly as Linux
 * does (elf/), and building the process through PROC_PREPARE, PROC_MAP and
 * PROC_COMMIT — or PROC_ABORT on any failure, so no half-built process survives.
 *
 * Never: schedules or runs a process (the nucleus does after commit); decides who
 * may launch what (runtimed does); reads files itself (vfsd does, with the
 * caller's view and permissions).
 */
import { main, rustos, serveMailbox, type ServiceContext } from '@rustos/platform';
import type { LoaderDeps } from './exec/loader.js';
import { machineFacts } from './exec/machine.js';
import { procBroker } from './exec/proc-broker.js';
import { vfsdFiles } from './exec/vfsd-files.js';
import { execMailbox } from './mailbox.js';
import { spawnHandlers } from './spawn.js';

const ENDPOINT = 'loaderd.exec';

function deps(ctx: ServiceContext): LoaderDeps {
  return {
    files: vfsdFiles(ctx),
    builder: procBroker(ctx),
    machine: machineFacts(ctx),
    log: (line, detail) => ctx.log.warn({ detail }, line),
  };
}

let loader: LoaderDeps | undefined;

main({
  name: 'loaderd',
  serve: (ctx) => {
    loader = deps(ctx);
    return [{ endpoint: ENDPOINT, definition: rustos().Loaderd.service, handlers: spawnHandlers(loader) }];
  },
  async start(ctx) {
    const mailbox = serveMailbox(ctx, ENDPOINT, execMailbox(loader!));
    await mailbox.attached;
  },
});
