/**
 * The nucleus: the ring0 process. It boots the machine and the kernel's
 * mechanisms, serves the brokers, IPC, control and admin surface over gRPC, and
 * runs until it is shut down. It never holds policy: services do.
 *
 * Never: admit a service itself (rootd does, except the root task), read a
 * service manifest, or block its event loop on a service.
 */
import { createLogger, nucleusAddress, secret, startServer, rustos, watchLauncher } from '@rustos/platform';
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
import { deviceHandlers } from '../brokers/devices.js';
import { MachineDevices, deviceConfigFromEnv } from '../hal/devices.js';
import { provideBridges } from '../io/bridges.js';
import { stateHandlers } from '../brokers/state.js';
import { processesHandlers } from '../brokers/processes.js';
import { shutdown } from './shutdown.js';
import { LogRing } from '../core/log-ring.js';
import { Ps } from '../ps/ps.js';
import { cpuFeatures } from '../hal/cpu-features.js';
import { LINUX_TABLE } from '../ps/linux/table.js';
import { info, sendProcess } from '../ps/signals/delivery.js';

async function main(): Promise<void> {
  process.title = 'rustos:nucleus';
  const logs = new LogRing();
  const log = createLogger('nucleus', logs.stream('nucleus'));
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
  const k = new Kernel({ listen, secret: secret(), ramMiB: Number(process.env.RUSTOS_RAM_MB ?? 256), vcpus: Number(process.env.RUSTOS_VCPUS ?? 2) }, log, faults, logs);
  if (!k.config.secret) log.warn('no enrollment secret configured (RUSTOS_SECRET or RUSTOS_HOME/secret): any local process may enroll');

  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  const v1 = rustos();
  let ps: Ps | undefined;
  await initialize(k, {
    machine: {
      idt: () => 'traps: #DE #UD #GP #SS #PF #MF #XM #AC #BP become signals for the faulting process; syscall enters the Linux ABI',
      paging: () => `${k.config.ramMiB} MiB physical RAM (${k.frames.total} frames, committed on first touch), 4-level paging`,
      acpi: () => {
        const f = cpuFeatures(k.config.vcpus);
        k.cpuFeatures = () => f;
        return `${k.config.vcpus} vCPUs: ${f.model}`;
      },
      framebuffer: () => {
        const { width, height } = deviceConfigFromEnv(k.config.vcpus).display;
        return `display adapter ${width}x${height} XRGB8888 (attached to the PCI bus at the pci step)`;
      },
      pci: () => {
        const d = new MachineDevices(deviceConfigFromEnv(k.config.vcpus), (point) => k.faults.check(point));
        k.devices = d;
        provideBridges(k.modules, d);
        const t = d.acpi.tables;
        return `ACPI RSDP at 0x${t.get('RSD PTR ')!.toString(16)} (XSDT, MADT: ${k.config.vcpus} local APICs + IOAPIC, MCFG ECAM); PCI bus 0: ${d.bus.list().map(({ bdf, device }) => `${bdf} ${device.description}`).join(', ')}; disk ${d.config.diskPath} (${d.nvme.blocks} blocks)`;
      },
      input: () => `keyboard at ${k.devices!.bus.list().find((f) => f.device === k.devices!.keyboard)!.bdf}, absolute pointer at ${k.devices!.bus.list().find((f) => f.device === k.devices!.pointer)!.bdf}, evdev records into driver rings`,
      rtc: () => `real-time clock ${new Date().toISOString()} (MMIO), entropy source (host CSPRNG)`,
      syscall: () => {
        ps = new Ps(k);
        k.scheduler = ps;
        k.enosys = () => ps!.abi.enosys;
        k.syscallCount = () => ps!.abi.calls;
        k.signals = (pid, signo, code, sender) => {
          const targets = pid > 0 ? [k.processes.get(pid)].filter((p) => p?.state === 'RUNNING') : k.processes.group(-pid);
          for (const p of targets) if (signo > 0) sendProcess(ps!, p!, info(signo, code, { pid: sender }));
          return targets.length;
        };
        const routes = new Map<string, number>();
        for (const e of LINUX_TABLE.values()) routes.set(e.route, (routes.get(e.route) ?? 0) + 1);
        return `Linux ABI table: ${[...routes].map(([r, n]) => `${n} ${r}`).join(', ')}; ${k.config.vcpus} vCPUs scheduled`;
      },
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
        { definition: v1.DeviceBroker.service, handlers: deviceHandlers(k) },
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
  watchLauncher((why) => void shutdown(k, why));
  process.on('SIGTERM', () => void shutdown(k, 'SIGTERM'));
  process.on('SIGINT', () => void shutdown(k, 'SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`nucleus: boot failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
