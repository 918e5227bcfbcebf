/**
 * syscalld — Linux policy for memory, clocks, signals and identity.
 *
 * Responsible for: answering the offloaded syscalls the nucleus's Linux ABI table
 * routes to it (mmap/brk placement and limits, clock and timer policy, signal
 * dispositions and who may signal whom, uid/gid/pid views, limits, uname), keeping
 * each process's policy state across fork and exec, and keeping that state in
 * the nucleus's state store so a restart loses nothing.
 *
 * Never: edits page tables or touches guest memory except through the MM broker;
 * holds file state (that is vfsd's); delivers a signal itself (the nucleus does).
 */
import { Errno, main, rustos, serveMailbox, unaryCall, type ServiceContext } from '@rustos/platform';
import type { MailboxMessage__Output } from '@rustos/platform/gen/rustos/v1/MailboxMessage.js';
import type { SyscalldHandlers } from '@rustos/platform/gen/rustos/v1/Syscalld.js';
import { Processes } from './state.js';
import { Memory, MmClient } from './memory.js';
import { Alarms, cancelSleep } from './clock.js';
import { syscallHandlers } from './calls.js';
import { vfsdFiles } from './files.js';

const CANCEL = 1_000_000, PROC_FORK = 1_000_001, PROC_EXEC = 1_000_002, PROC_EXIT = 1_000_003;
const SIG_IGN = '0100000000000000';

let procs: Processes;
let alarms: Alarms;

function processEvent(m: MailboxMessage__Output): number {
  const [a, b] = m.args as [number, number];
  switch (m.op) {
    case PROC_FORK: {
      const parent = procs.get(a);
      procs.set({ ...structuredClone(parent), pid: b, startNs: process.hrtime.bigint() });
      return 0;
    }
    case PROC_EXEC: {
      const p = procs.get(a);
      p.brkStart = b;
      p.brk = b;
      // Caught signals return to their default; ignored ones stay ignored.
      for (const [sig, hex] of Object.entries(p.actions)) if (!hex.startsWith(SIG_IGN)) delete p.actions[Number(sig)];
      procs.changed(a);
      return 0;
    }
    case PROC_EXIT:
      alarms.clear(a);
      procs.delete(a);
      return 0;
    case CANCEL:
      cancelSleep(a);
      return 0;
  }
  return -Errno.ENOSYS;
}

main({
  name: 'syscalld',
  serve: (ctx) => [{
    endpoint: 'syscalld.linux',
    definition: rustos().Syscalld.service,
    handlers: {
      // A terminal's ^C (vfsd) or a launcher stopping what it started: every guest process is root's, so allowed.
      Kill: (call, cb) => {
        const { pid, signo } = call.request;
        if (signo < 0 || signo > 64 || pid === 0) return cb(null, { result: -Errno.EINVAL });
        unaryCall((done) => ctx.nucleus.proc.Signal({ header: ctx.header('broker.signal'), pid, signo, code: 0, senderPid: 0 }, done))
          .then(() => cb(null, { result: 0 }), () => cb(null, { result: -Errno.ESRCH }));
      },
    } satisfies SyscalldHandlers,
  }],
  async start(ctx: ServiceContext) {
    procs = new Processes(ctx);
    alarms = new Alarms(ctx);
    const restored = await procs.restore();
    const handlers = syscallHandlers(ctx, procs, new Memory(new MmClient(ctx), procs, vfsdFiles(ctx)), alarms);
    const mailbox = serveMailbox(ctx, 'syscalld.linux', (m) => {
      if (m.op >= CANCEL) return { result: processEvent(m) };
      const h = handlers.get(m.op);
      if (!h) return { result: -Errno.ENOSYS };
      return h(m);
    });
    await mailbox.attached;
    ctx.log.info(`syscalld answers ${handlers.size} syscalls; ${restored} processes restored from the state store`);
  },
  async stop() {
    await procs?.flush();
  },
});
