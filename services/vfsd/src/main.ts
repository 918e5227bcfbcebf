/**
 * vfsd — files, file descriptors, mounts, pipes, terminals, /dev and /proc.
 *
 * Responsible for: the guest's filesystem tree (the read-only root image from
 * RUSTOS_ROOTFS, tmpfs at /tmp and /dev/shm, /home kept on the host under
 * RUSTOS_HOME, ext2 at /data on storaged's block service, /dev, /dev/pts, /proc,
 * /run), the per-process descriptor tables, pipes, AF_UNIX sockets and memfds,
 * sessions (a launched program's stdin/stdout/stderr, pipes or a terminal), every
 * fd syscall the nucleus routes to its mailbox (vfsd.files), and the peer API
 * (vfsd.proto) for the loader, the mmap policy, the launcher and services
 * listening on guest sockets (uiserver). What must outlive
 * a generation (descriptor tables, open file descriptions, sessions, pipe and
 * terminal buffers, tmpfs) is journalled to the nucleus StateStore and restored
 * at start.
 *
 * Never: maps memory itself (it hands file contents to syscalld/loaderd, who map
 * them through their brokers; a tmpfs file's shared mappings share a nucleus
 * section, whose bytes vfsd reads and writes through broker.mm.section); delivers signals itself (it asks syscalld); talks
 * to block hardware (storaged does); blocks its event loop on a guest's wait (a
 * blocking call is parked and answered when it can finish).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { home, main, rustos, serveMailbox, unaryCall, ROOT, type Mailbox, type ServiceContext } from '@rustos/platform';
import type { SyscalldClient } from '@rustos/platform/gen/rustos/v1/Syscalld.js';
import type { ProcessInfo__Output } from '@rustos/platform/gen/rustos/v1/ProcessInfo.js';
import type { MachineInfo__Output } from '@rustos/platform/gen/rustos/v1/MachineInfo.js';
import type { StateEntries__Output } from '@rustos/platform/gen/rustos/v1/StateEntries.js';
import type { MmReply__Output } from '@rustos/platform/gen/rustos/v1/MmReply.js';
import type { SectionBroker } from './files/sections.js';
import { Dispatcher } from './dispatch.js';
import { peerHandlers } from './peer.js';
import { StateJournal } from './state-journal.js';
import { DataMount } from './storage.js';
import type { ProcSource } from './proc/view.js';
import { Vfs } from './vfs.js';

let vfs: Vfs | undefined;
let journal: StateJournal | undefined;
let mailbox: Mailbox | undefined;
let data: DataMount | undefined;
let onRestored!: () => void;
const restored = new Promise<void>((resolve) => { onRestored = resolve; });

const deadline = () => ({ deadline: Date.now() + 5000 });

function rootDir(ctx: ServiceContext): string {
  const dir = process.env.RUSTOS_ROOTFS ?? join(ROOT, 'build', 'rootfs');
  if (existsSync(dir)) return dir;
  ctx.log.warn(`no root image at ${dir} (RUSTOS_ROOTFS): the guest's / is an empty directory`);
  const empty = join(home(), 'rootfs-empty');
  mkdirSync(empty, { recursive: true });
  return empty;
}

function procSource(ctx: ServiceContext): ProcSource {
  return {
    list: async (pid, regions) => (await unaryCall<{ processes: ProcessInfo__Output[] }>((cb) =>
      ctx.nucleus.processes.List({ header: ctx.header('procinfo'), pid, regions }, deadline(), cb))).processes,
    machine: () => unaryCall<MachineInfo__Output>((cb) => ctx.nucleus.processes.Machine({ header: ctx.header('procinfo') }, deadline(), cb)),
  };
}

/** The MM broker's section operations (capability broker.mm.section). */
function sectionBroker(ctx: ServiceContext): SectionBroker {
  let id = 0;
  const call = (req: Record<string, unknown>) => unaryCall<MmReply__Output>((cb) =>
    ctx.nucleus.mm.Call({ header: ctx.header('broker.mm.section'), id: ++id, pid: 0, ...req }, deadline(), cb));
  const file = (device: number, inode: number) => ({ path: '', device, inode, offset: 0 });
  return {
    read: async (device, inode, offset, length) => {
      const r = await call({ sectionRead: { file: file(device, inode), offset, length } });
      return { pages: r.pages.map(Number), data: r.data };
    },
    write: async (device, inode, offset, data) => { await call({ sectionWrite: { file: file(device, inode), offset, data } }); },
    drop: async (device, inode) => { await call({ sectionDrop: file(device, inode) }); },
  };
}

/** Terminal signals go through syscalld's policy (Kill). */
function signaller(ctx: ServiceContext) {
  const Syscalld = rustos().Syscalld;
  return (pid: number, signo: number) => {
    ctx.peers.call('syscalld.linux', Syscalld, (client: SyscalldClient, md) => unaryCall<{ result: number }>((cb) =>
      client.Kill({ pid, signo }, md, deadline(), cb)), { idempotent: false })
      .then((r) => { if (r.result < 0) ctx.log.info({ pid, signo, result: r.result }, 'terminal signal refused'); },
        (err: Error) => ctx.log.warn({ pid, signo }, `terminal signal not delivered: ${err.message}`));
  };
}

main({
  name: 'vfsd',
  serve: () => [{ endpoint: 'vfsd.files', definition: rustos().Vfsd.service, handlers: peerHandlers(() => vfs, restored) }],
  async start(ctx) {
    journal = new StateJournal(async (set, del) => {
      await unaryCall((cb) => ctx.nucleus.state.Put({ header: ctx.header('state'), set, delete: del }, deadline(), cb));
    }, 3, (err) => ctx.log.warn(`state store write failed: ${(err as Error).message}`));
    const saved = await unaryCall<StateEntries__Output>((cb) => ctx.nucleus.state.Get({ header: ctx.header('state'), prefix: '' }, deadline(), cb));
    const entries = new Map(Object.entries(saved.entries));
    const v = new Vfs({
      rootDir: rootDir(ctx), homeDir: join(home(), 'home'), journal, procSource: procSource(ctx), signal: signaller(ctx),
      tmpfsBytes: Number(process.env.VFSD_TMPFS_BYTES) || undefined, sections: sectionBroker(ctx),
    });
    // /data on storaged: mounted before the descriptors are restored if they need it (storage.ts), else in
    // the background, guest calls whose path crosses /data waiting for it (fs/mounts.ts). At boot there is
    // nothing to restore, and storaged comes after vfsd in the boot order; at a restart storaged may be
    // restarting too (a few hundred ms), and a descriptor restored without /data would be lost.
    data = new DataMount(ctx);
    if (data.needed(entries) && await data.present(5000)) await data.mount(v, entries);
    else v.mounts.expect('/data', data.mount(v, entries));
    const started = performance.now();
    v.restore(entries);
    vfs = v;
    onRestored();
    const dispatcher = new Dispatcher(v, (err, op) => ctx.log.error({ err, op }, 'vfsd handler failed'));
    mailbox = serveMailbox(ctx, 'vfsd.files', (m) => dispatcher.handle(m));
    await mailbox.attached;
    journal.rideOn(mailbox.store);
    ctx.milestone('vfsd.restored', '', `${entries.size} keys in ${(performance.now() - started).toFixed(1)} ms: `
      + `${v.procs.procs.size} processes, ${v.procs.files.size} open files, ${v.pipes.byId.size} pipes, ${v.sessions.byId.size} sessions`);
  },
  async stop() {
    mailbox?.close();
    await data?.stop();
    await journal?.flush();
  },
});
