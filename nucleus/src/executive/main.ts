/**
 * The nucleus: the ring0 process. It boots the machine and the kernel's
 * mechanisms, serves the brokers, IPC, control and admin surface over gRPC, and
 * runs until it is shut down. It never holds policy: services do.
 *
 * Never: admit a service itself (rootd does, except the root task), read a
 * service manifest, or block its event loop on a service.
 */
import { createLogger, nucleusAddress, secret, startServer, rustos } from '@rustos/platform';
import { FaultInjector, FaultRuleError } from '../core/faults.js';
import { Kernel } from './kernel.js';
import { initialize, finalize } from './boot.js';
import { controlHandlers } from '../brokers/control.js';
import { supervisionHandlers, capabilitiesHandlers } from '../brokers/supervision.js';
import { milestonesHandlers, adminHandlers } from '../brokers/admin.js';
import { ipcHandlers } from '../brokers/ipc.js';
import { mmHandlers } from '../brokers/mm.js';
import { procHandlers } from '../brokers/proc.js';
import { driverHandlers } from '../brokers/driver.js';
import { stateHandlers } from '../brokers/state.js';
import { processesHandlers } from '../brokers/processes.js';
import { shutdown } from './shutdown.js';

async function main(): Promise<void> {
  process.title = 'rustos:nucleus';
  const log = createLogger('nucleus');
  let faults: FaultInjector;
  try {
    faults = FaultInjector.fromEnvironment();
  } catch (err) {
    if (err instanceof FaultRuleError) {
      log.fatal(err.message);
      process.stderr.write(`nucleus: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const listen = process.env.RUSTOS_NUCLEUS_LISTEN ?? nucleusAddress();
  const k = new Kernel({ listen, secret: secret(), ramMiB: Number(process.env.RUSTOS_RAM_MB ?? 256), vcpus: Number(process.env.RUSTOS_VCPUS ?? 2) }, log, faults);
  if (!k.config.secret) log.warn('no enrollment secret configured (RUSTOS_SECRET or RUSTOS_HOME/secret): any local process may enroll');

  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  const v1 = rustos();
  await initialize(k, {
    machine: {
      paging: () => `${k.config.ramMiB} MiB physical RAM (${k.frames.total} frames, committed on first touch), 4-level paging`,
    },
    serve: async () => {
      server = await startServer(listen, [
        { definition: v1.Control.service, handlers: controlHandlers(k) },
        { definition: v1.Supervision.service, handlers: supervisionHandlers(k) },
        { definition: v1.Capabilities.service, handlers: capabilitiesHandlers(k) },
        { definition: v1.Milestones.service, handlers: milestonesHandlers(k) },
        { definition: v1.Admin.service, handlers: adminHandlers(k) },
        { definition: v1.Ipc.service, handlers: ipcHandlers(k) },
        { definition: v1.MmBroker.service, handlers: mmHandlers(k) },
        { definition: v1.ProcBroker.service, handlers: procHandlers(k) },
        { definition: v1.DriverBroker.service, handlers: driverHandlers(k) },
        { definition: v1.StateStore.service, handlers: stateHandlers(k) },
        { definition: v1.Processes.service, handlers: processesHandlers(k) },
      ]);
      server.health.setStatus('', 'SERVING');
      return `brokers, IPC and control served on ${listen}`;
    },
  });
  await finalize(k, () => 'housekeeping task idle');

  k.onHalt = () => {
    void server?.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1500).unref();
  };
  watchParent(k);
  process.on('SIGTERM', () => void shutdown(k, 'SIGTERM'));
  process.on('SIGINT', () => void shutdown(k, 'SIGINT'));
}

/** Under the local launcher: if the launcher vanishes, power off rather than linger. */
function watchParent(k: Kernel): void {
  const parent = Number(process.env.RUSTOS_PARENT_PID);
  if (!parent) return;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      void shutdown(k, `launcher ${parent} is gone`);
    }
  }, 500).unref();
}

main().catch((err: Error) => {
  process.stderr.write(`nucleus: boot failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
