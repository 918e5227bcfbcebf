/**
 * The process brokers (PROC_PREPARE / PROC_COMMIT / PROC_ABORT, and
 * PROC_SET_WINDOWS_RUNTIME) through which loaderd builds a process: prepare an
 * empty one, map its image into it, attach Windows runtime metadata if needed,
 * then commit it (it becomes runnable) or abort it (nothing of it remains).
 */
import { invalid, notFound, failed, unary } from '@rustos/platform';
import type { ProcBrokerHandlers } from '@rustos/platform/gen/rustos/v1/ProcBroker.js';
import type { Kernel } from '../executive/kernel.js';
import type { Capability } from '../object/capabilities.js';
import { AddressSpace } from '../mm/address-space.js';
import { monoMs } from '../core/clock.js';
import { authorize, injectFaults, requireString } from './guard.js';
import { mapInto } from './mm.js';
import { MAX_ARGV_BYTES, MAX_USER_ADDRESS } from './limits.js';

const builder = (cap: Capability) => `${cap.holder}#${cap.generation}`;

export function procHandlers(k: Kernel): ProcBrokerHandlers {
  /** The prepared process `pid`, which must have been prepared by this caller's generation. */
  const prepared = (pid: number, cap: Capability, what: string) => {
    const p = k.processes.get(pid);
    if (!p) throw notFound(`${what}: no process ${pid}`, 3);
    if (p.state !== 'PREPARED') throw failed(`${what}: process ${pid} is ${p.state}, not PREPARED`, 22);
    if (p.preparedBy !== builder(cap)) throw failed(`${what}: process ${pid} was prepared by ${p.preparedBy}`, 1);
    return p;
  };
  return {
    Prepare: unary(async (req) => {
      const cap = authorize(k, req.header, 'broker.proc', 'ProcBroker.Prepare');
      await injectFaults(k, 'broker.proc.prepare');
      requireString(req.name, 'name', 'ProcBroker.Prepare', 255);
      if (req.argv.reduce((n, a) => n + a.length + 1, 0) > MAX_ARGV_BYTES) throw invalid(`ProcBroker.Prepare: argv exceeds ${MAX_ARGV_BYTES} bytes`, 7);
      if (req.replacePid && k.processes.get(req.replacePid)?.state !== 'RUNNING') throw notFound(`ProcBroker.Prepare: no running process ${req.replacePid} to replace`, 3);
      const space = AddressSpace.create(k.frames);
      if (typeof space === 'number') throw failed('ProcBroker.Prepare: out of memory for a new address space', 12);
      const pid = req.replacePid || k.processes.allocatePid();
      if (pid < 0) {
        space.destroy();
        throw failed('ProcBroker.Prepare: no free pid', 11);
      }
      // An execve's new image is prepared under a temporary pid and takes the old pid at commit.
      const slot = req.replacePid ? k.processes.allocatePid() : pid;
      k.processes.add({
        pid: slot, ppid: req.parentPid, name: req.name, exe: req.exe, argv: req.argv, state: 'PREPARED', space,
        abi: 'linux', preparedBy: builder(cap), replaces: req.replacePid, windows: undefined, exitStatus: 0, threads: 0, startMs: monoMs(),
      });
      k.count('proc.prepared');
      return { pid: slot };
    }),
    Map: unary(async (req) => {
      const cap = authorize(k, req.header, 'broker.proc', 'ProcBroker.Map');
      await injectFaults(k, 'broker.proc.map');
      if (!req.map) throw invalid('ProcBroker.Map: missing field "map"');
      const p = prepared(req.pid, cap, 'ProcBroker.Map');
      const r = mapInto(p.space, req.map, 'ProcBroker.Map');
      return r < 0 ? { errno: -r, message: 'ProcBroker.Map failed' } : { errno: 0, addr: req.map.addr };
    }),
    Commit: unary(async (req) => {
      const cap = authorize(k, req.header, 'broker.proc', 'ProcBroker.Commit');
      await injectFaults(k, 'broker.proc.commit');
      const p = prepared(req.pid, cap, 'ProcBroker.Commit');
      if (!(req.entry > 0 && req.entry < MAX_USER_ADDRESS)) throw invalid(`ProcBroker.Commit: entry 0x${req.entry.toString(16)} is not a user address`);
      if (!(req.stackPointer > 0 && req.stackPointer < MAX_USER_ADDRESS)) throw invalid(`ProcBroker.Commit: stack pointer 0x${req.stackPointer.toString(16)} is not a user address`);
      if (req.abi && req.abi !== 'linux' && req.abi !== 'windows') throw invalid(`ProcBroker.Commit: abi "${req.abi}" is neither linux nor windows`);
      if (req.registers.length && req.registers.length !== 16) throw invalid('ProcBroker.Commit: registers must be empty or all 16 general registers');
      if (!k.scheduler) throw failed('ProcBroker.Commit: this nucleus has no CPU to run processes on', 38);
      p.abi = req.abi === 'windows' ? 'windows' : 'linux';
      const committed = k.scheduler.commit(p, { entry: req.entry, stackPointer: req.stackPointer, fsBase: req.fsBase, registers: req.registers });
      k.count('proc.committed');
      return committed;
    }),
    Abort: unary(async (req) => {
      const cap = authorize(k, req.header, 'broker.proc', 'ProcBroker.Abort');
      await injectFaults(k, 'broker.proc.abort');
      const p = prepared(req.pid, cap, 'ProcBroker.Abort');
      p.space.destroy();
      k.processes.remove(p.pid);
      k.count('proc.aborted');
      return {};
    }),
    SetWindowsRuntime: unary(async (req) => {
      const cap = authorize(k, req.header, 'broker.proc.windows_runtime', 'ProcBroker.SetWindowsRuntime');
      await injectFaults(k, 'broker.proc.windows_runtime');
      const p = prepared(req.pid, cap, 'ProcBroker.SetWindowsRuntime');
      p.windows = { imageBase: req.imageBase, teb: req.teb, peb: req.peb, exports: req.exports };
      return {};
    }),
  };
}
