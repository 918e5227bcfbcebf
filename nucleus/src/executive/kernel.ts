/**
 * The nucleus's state, shared by its parts: what a kernel keeps in its globals.
 * Brokers receive this object; nothing here holds policy.
 */
import type { Logger } from '@rustos/platform';
import type { Lease__Output as Lease } from '@rustos/platform/gen/rustos/v1/Lease.js';
import { MilestoneLog } from '../core/milestones.js';
import { FaultInjector } from '../core/faults.js';
import { LogRing } from '../core/log-ring.js';
import { CapabilityTable } from '../object/capabilities.js';
import { ServiceTable } from '../object/services.js';
import { EndpointRegistry } from '../ipc/endpoints.js';
import { Mailboxes } from '../ipc/mailbox.js';
import { PhysicalMemory } from '../machine/memory.js';
import { FrameAllocator } from '../mm/frames.js';
import { Sections } from '../mm/sections.js';
import { ProcessTable, type Scheduler } from '../ps/processes.js';
import { ModuleLoader } from '../io/modules.js';
import { StateStore } from '../object/state-store.js';
import { DeviceBindings } from '../io/bindings.js';
import { DeviceSessions } from '../brokers/device-session.js';
import type { MachineDevices } from '../hal/devices.js';

export interface NucleusConfig {
  /** Where the nucleus serves its gRPC surface (control, brokers, IPC, admin). */
  listen: string;
  /** The enrollment secret every service must present. */
  secret: string;
  /** Emulated physical RAM, in MiB. */
  ramMiB: number;
  /** Virtual CPUs of the machine. */
  vcpus: number;
}

/** What the CPU reports of itself (CPUID), for the loader's auxv and /proc/cpuinfo. */
export interface CpuFeatures {
  hwcap: number;
  hwcap2: number;
  model: string;
  flags: string[];
}

export class Kernel {
  readonly milestones: MilestoneLog;
  readonly caps = new CapabilityTable();
  readonly services = new ServiceTable();
  readonly endpoints = new EndpointRegistry();
  readonly mailboxes: Mailboxes;
  readonly ram: PhysicalMemory;
  readonly frames: FrameAllocator;
  /** The frames behind files' shared mappings (mm/sections.ts). */
  readonly sections: Sections;
  readonly processes = new ProcessTable();
  readonly modules = new ModuleLoader();
  readonly state = new StateStore();
  /** The emulated PCI devices, once the pci boot step has run. */
  devices: MachineDevices | undefined;
  readonly bindings = new DeviceBindings();
  readonly deviceSessions = new DeviceSessions();
  /** The CPU's scheduler, once the machine's CPUs are up. */
  scheduler: Scheduler | undefined;
  /** ENOSYS answers by syscall name, and syscalls made, once the Linux ABI runs. */
  enosys: () => Map<string, number> = () => new Map();
  syscallCount: () => number = () => 0;
  /** Post a signal to a process (pid > 0) or group (pid < 0); returns how many processes it reached. */
  signals: ((pid: number, signo: number, code: number, sender: number) => number) | undefined;
  /** CPUID's view of the CPU, once the CPUs are up. */
  cpuFeatures: () => CpuFeatures = () => ({ hwcap: 0, hwcap2: 0, model: '', flags: [] });
  /** rootd's lease table as last reported (status survives a rootd restart). */
  leases: Lease[] = [];
  /** Counters shown by `rustos status` (broker calls, denials, ENOSYS, ...). */
  readonly counters = new Map<string, number>();
  /** Set once finalize has run the init bootstrap task: enrollment opens. */
  accepting = false;
  shuttingDown = false;
  /** Called when shutdown has finished: the executive closes the server and exits. */
  onHalt: (() => void) | undefined;

  /** `logs`: what `rustos logs` serves, the nucleus's own lines included when its logger writes there too (main.ts). */
  constructor(readonly config: NucleusConfig, readonly log: Logger, readonly faults: FaultInjector, readonly logs = new LogRing()) {
    this.milestones = new MilestoneLog(log);
    faults.attach(this.milestones);
    // Every registration is a milestone, whoever made it (Ipc.Register, or the admission).
    this.endpoints.watch((e) => {
      if (e.live) this.milestones.emit({ name: 'ipc.register', subject: e.name, detail: e.address, generation: e.generation });
    });
    this.mailboxes = new Mailboxes(faults);
    this.ram = new PhysicalMemory(config.ramMiB * 1024 * 1024);
    this.frames = new FrameAllocator(this.ram);
    this.sections = new Sections(this.frames);
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  /**
   * Why service `name` will not come back, when its lease has FAILED (its restart
   * budget is spent: rootd admits no new generation until the system restarts).
   */
  failure(name: string): string | undefined {
    const l = this.leases.find((x) => x.name === name && x.state === 'FAILED');
    return l && `${name} has FAILED (${l.restarts} unexpected exits spent its restart budget); it stays down until the system restarts`;
  }
}
