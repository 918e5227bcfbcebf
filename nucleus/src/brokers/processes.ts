/** The read-only view of processes and the machine that /proc and the loader need (right "procinfo"). */
import { unary } from '@rustos/platform';
import type { ProcessesHandlers } from '@rustos/platform/gen/rustos/v1/Processes.js';
import type { ProcessInfo } from '@rustos/platform/gen/rustos/v1/ProcessInfo.js';
import type { Kernel } from '../executive/kernel.js';
import type { Process } from '../ps/processes.js';
import { monoMs } from '../core/clock.js';
import { authorize } from './guard.js';

function info(p: Process, regions: boolean): ProcessInfo {
  return {
    pid: p.pid, ppid: p.ppid, state: p.state, comm: p.name, exe: p.exe, argv: p.argv, abi: p.abi,
    threads: p.threads, residentPages: p.space.residentPages, mappedBytes: p.space.mappedBytes,
    regions: regions ? p.space.regions().map((r) => ({ start: r.start, end: r.end, prot: r.prot, flags: r.flags, name: r.name, file: r.file ?? null })) : [],
    exitStatus: p.exitStatus, startMs: p.startMs,
  };
}

export function processesHandlers(k: Kernel): ProcessesHandlers {
  return {
    List: unary((req) => {
      authorize(k, req.header, 'procinfo', 'Processes.List');
      const list = req.pid ? [k.processes.get(req.pid)].filter((p): p is Process => p !== undefined) : k.processes.all();
      return { processes: list.map((p) => info(p, req.regions)) };
    }),
    Machine: unary((req) => {
      authorize(k, req.header, 'procinfo', 'Processes.Machine');
      const cpu = k.cpuFeatures();
      return {
        vcpus: k.config.vcpus, ramBytes: k.ram.size, framesTotal: k.frames.total, framesFree: k.frames.free,
        hwcap: cpu.hwcap, hwcap2: cpu.hwcap2, platform: 'x86_64', cpuModel: cpu.model, cpuFlags: cpu.flags,
        uptimeMs: monoMs(), pageSize: 4096, clockTicks: 100,
      };
    }),
  };
}
