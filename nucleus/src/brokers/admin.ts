/**
 * Milestones and Admin: the operator's surface (the CLI). Admin is reachable only
 * where the platform publishes the nucleus (a local Unix socket, or 127.0.0.1 in
 * compose), as a container engine's socket is.
 */
import { unary, notFound, failed, invalid } from '@rustos/platform';
import type { MilestonesHandlers } from '@rustos/platform/gen/rustos/v1/Milestones.js';
import type { AdminHandlers } from '@rustos/platform/gen/rustos/v1/Admin.js';
import type { Kernel } from '../executive/kernel.js';
import type { Milestone } from '../core/milestones.js';
import { monoMs } from '../core/clock.js';
import { systemStatus } from '../executive/status.js';
import { shutdown } from '../executive/shutdown.js';
import { runRelay, copyInRelay, copyOutRelay } from './relay.js';
import { tableRows } from '../ps/linux/table.js';
import { stop } from '../object/lifecycle.js';

const wire = (m: Milestone) => ({ ...m });
/** errno for an operation on a service whose lease has FAILED: state not recoverable. */
const ENOTRECOVERABLE = 131;

export function milestonesHandlers(k: Kernel): MilestonesHandlers {
  return {
    List: unary((req) => ({ milestones: k.milestones.since(req.fromSeq).map(wire) })),
    Watch(call) {
      for (const m of k.milestones.since(call.request.fromSeq)) call.write(wire(m));
      const stop = k.milestones.watch((m) => call.write(wire(m)));
      call.on('cancelled', stop);
      call.on('close', stop);
    },
  };
}

export function adminHandlers(k: Kernel): AdminHandlers {
  // The operator's client names the operation; the message says what is wrong with the target.
  const target = (name: string) => {
    const svc = k.services.live(name);
    const failure = k.failure(name);
    if (!svc && failure) throw failed(failure, ENOTRECOVERABLE);
    if (!svc && name === 'nucleus') throw invalid('the nucleus is the machine, not a service: `rustos down` stops the system');
    if (!svc) throw notFound(`no live service named "${name}"`, 3);
    return svc;
  };
  return {
    Status: unary(() => systemStatus(k)),
    Kill: unary((req) => {
      const svc = target(req.name);
      k.milestones.emit({ name: 'admin.kill', subject: svc.name, generation: svc.generation });
      svc.send({ kill: { reason: 'rustos kill' } });
      return { message: `killed ${svc.name} generation ${svc.generation} (pid ${svc.pid})` };
    }),
    Restart: unary((req) => {
      const svc = target(req.name);
      k.milestones.emit({ name: 'admin.restart', subject: svc.name, generation: svc.generation });
      stop(k, svc, 'RESTART', 'rustos restart');
      return { message: `restarting ${svc.name} generation ${svc.generation}` };
    }),
    Shutdown: unary(() => {
      void shutdown(k, 'rustos down');
      return { message: `shutting down (uptime ${Math.round(monoMs())} ms)` };
    }),
    Syscalls: unary(() => ({ rows: tableRows(), enosys: Object.fromEntries(k.enosys()), calls: k.syscallCount() })),
    Run: runRelay(k),
    CopyIn: copyInRelay(k),
    CopyOut: copyOutRelay(k),
    Logs(call) {
      const { service, follow, tail } = call.request;
      const known = !service || k.logs.has(service) || k.services.get(service) !== undefined || k.leases.some((l) => l.name === service);
      if (!known) return call.emit('error', notFound(`no service named "${service}"`, 3));
      const lines = k.logs.tail(service, tail || 200);
      if (lines.length) call.write({ lines });
      if (!follow) return call.end();
      const stop = k.logs.follow((e) => {
        if (!service || e.service === service) call.write({ lines: [e.line] });
      });
      call.on('cancelled', stop);
      call.on('close', stop);
    },
  };
}
