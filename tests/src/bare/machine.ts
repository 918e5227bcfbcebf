/**
 * Binds the bare-machine tests to the nucleus: each engine makes a fresh Machine (a
 * CPU state over a new mm address space in new RAM) per program run. This is the
 * only file that names the nucleus's CPU and mm. The CPU is loaded at run time and
 * what is assumed about it is checked, so until it is on main (or if its API
 * differs) `engines` is empty and `unavailable` says why, instead of the build
 * breaking.
 *
 * Assumed CPU surface (machine/README.md, and the CPU API as the cpu-diff port uses it):
 *   machine/cpu/state.js    CpuState: lo/hi, rip, fsBase, gsBase, trapVector/trapError/trapAddr, mmu
 *   machine/cpu/index.js    createEngine(kind) -> { run(state, budget) or run(state, mmu, budget) -> exit },
 *                           kind 'interpreter' | 'translator';
 *                           exit numbers from an exported `Exit` object, else Syscall 1, Fault 2, Budget 3
 */
import { PhysicalMemory } from '@rustos/nucleus/dist/machine/memory.js';
import { AddressSpace } from '@rustos/nucleus/dist/mm/address-space.js';
import { FrameAllocator } from '@rustos/nucleus/dist/mm/frames.js';
import { MmSpace } from './mm-space.js';
import { type BareCpu, Exit, type Machine, type Regs } from './ports.js';

export interface Engine {
  name: string;
  create(): Machine;
}

/** Emulated RAM per run: the host commits pages only when the guest touches them. */
const RAM_BYTES = 512 * 1024 * 1024;
const ENGINE_KINDS = ['interpreter', 'translator'] as const;

type Module = Record<string, unknown>;
type CpuState = Regs & { trapVector: number; trapError: number; trapAddr: number; mmu: unknown };

async function load(path: string): Promise<Module> {
  return (await import(`@rustos/nucleus/dist/${path}`)) as Module;
}

/** A fresh address space in fresh RAM. */
export function createSpace(): AddressSpace {
  const mm = AddressSpace.create(new FrameAllocator(new PhysicalMemory(RAM_BYTES)));
  if (typeof mm === 'number') throw new Error(`AddressSpace.create failed: errno ${-mm}`);
  return mm;
}

function need<T>(m: Module, name: string, where: string): T {
  if (!(name in m)) throw new Error(`${where} does not export ${name}`);
  return m[name] as T;
}

async function loadEngines(): Promise<{ engines: Engine[]; unavailable: string }> {
  try {
    const CpuState = need<new () => CpuState>(await load('machine/cpu/state.js'), 'CpuState', 'machine/cpu/state');
    const cpu = await load('machine/cpu/index.js');
    type Run = ((state: CpuState, budget: number) => number) | ((state: CpuState, mmu: unknown, budget: number) => number);
    const createEngine = need<(kind: string) => { run: Run }>(cpu, 'createEngine', 'machine/cpu');
    const codes = (cpu.Exit as Record<string, number> | undefined) ?? { Syscall: 1, Fault: 2, Budget: 3 };
    const engines = ENGINE_KINDS.map((kind): Engine => {
      const engine = createEngine(kind);
      return {
        name: kind,
        create(): Machine {
          const mm = createSpace();
          const state = new CpuState();
          state.mmu = mm.mmu;
          // The engine may take the address space per call (state.mmu "is set by the engine for each run").
          const run = engine.run.length >= 3
            ? (budget: number) => (engine.run as (s: CpuState, m: unknown, b: number) => number)(state, mm.mmu, budget)
            : (budget: number) => (engine.run as (s: CpuState, b: number) => number)(state, budget);
          const bare: BareCpu = {
            regs: state,
            run(budget: number): Exit {
              const exit = run(budget);
              return exit === codes.Syscall ? Exit.Syscall : exit === codes.Budget ? Exit.Budget : Exit.Fault;
            },
            get trapVector() { return state.trapVector; },
            get trapError() { return state.trapError; },
            get trapAddr() { return state.trapAddr; },
          };
          return { cpu: bare, space: new MmSpace(mm), engine: kind };
        },
      };
    });
    return { engines, unavailable: '' };
  } catch (e) {
    return { engines: [], unavailable: `the emulated machine is not usable yet: ${(e as Error).message}` };
  }
}

export const { engines, unavailable } = await loadEngines();
