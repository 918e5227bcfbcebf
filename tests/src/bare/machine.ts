/**
 * Binds the bare-machine tests to the nucleus: each engine makes a fresh Machine (a
 * CPU state over a new mm address space in new RAM) per program run. This is the
 * only file that names the nucleus's CPU and mm. The CPU is loaded at run time and
 * what is assumed about it is checked, so until it is on main (or if its API
 * differs) `engines` is empty and `unavailable` says why, instead of the build
 * breaking.
 *
 * Assumed CPU surface (nucleus/src/machine/cpu/cpu.ts and state.ts):
 *   machine/cpu/cpu.js      new Cpu({ engine: 'interpreter' | 'translate' }).run(state, mmu, budget) -> exit,
 *                           lastInternalError after an internal error (reported as vector 18)
 *   machine/cpu/state.js    CpuState: lo/hi, rip, fsBase, gsBase, trapVector/trapError/trapAddr
 *   machine/cpu/exec/cpuid.js  cpuidLeaf(leaf, sub, cpu, vcpus) -> [eax, ebx, ecx, edx] (optional: AT_HWCAP)
 *   exit numbers: cpu/state.ts's const enum Exit (Syscall 1, Fault 2, Budget 3), restated here
 *   because a const enum has no runtime object
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
/** Test name -> Cpu options: the interpreter alone, and the translator as the product runs it. */
const ENGINE_OPTIONS = { interpreter: { engine: 'interpreter' }, translator: { engine: 'translate' } } as const;
/** What the benches compare besides: the translator with JS regions instead of WebAssembly ones. */
const BENCH_OPTIONS = { ...ENGINE_OPTIONS, 'translator-js': { engine: 'translate', wasm: false } } as const;
const CPU_EXIT = { Syscall: 1, Fault: 2, Budget: 3 } as const;

type Module = Record<string, unknown>;
type CpuState = Regs & { trapVector: number; trapError: number; trapAddr: number };
interface CpuEngine {
  run(state: CpuState, mmu: unknown, budget: number): number;
  lastInternalError: unknown;
}

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

async function loadEngines(): Promise<{ engines: Engine[]; benchEngines: Engine[]; unavailable: string }> {
  try {
    const CpuState = need<new () => CpuState>(await load('machine/cpu/state.js'), 'CpuState', 'machine/cpu/state');
    const Cpu = need<new (options: object) => CpuEngine>(await load('machine/cpu/cpu.js'), 'Cpu', 'machine/cpu/cpu');
    // Linux's AT_HWCAP on x86 is CPUID.1:EDX of the CPU the program runs on.
    const cpuid = await load('machine/cpu/exec/cpuid.js').catch(() => ({}) as Module);
    const leaf = cpuid.cpuidLeaf as ((leaf: number, sub: number, cpu: number, vcpus: number) => Int32Array) | undefined;
    const hwcap = leaf ? leaf(1, 0, 0, 1)[3]! >>> 0 : undefined;
    const engine = ([name, options]: [string, object]): Engine => ({
      name,
      create(): Machine {
        const engine = new Cpu(options);
        const mm = createSpace();
        const state = new CpuState();
        const bare: BareCpu = {
          regs: state,
          run(budget: number): Exit {
            const exit = engine.run(state, mm.mmu, budget);
            return exit === CPU_EXIT.Syscall ? Exit.Syscall : exit === CPU_EXIT.Budget ? Exit.Budget : Exit.Fault;
          },
          get trapVector() { return state.trapVector; },
          get trapError() { return state.trapError; },
          get trapAddr() { return state.trapAddr; },
          get internalError() { return engine.lastInternalError; },
        };
        return { cpu: bare, space: new MmSpace(mm), engine: name, ...(hwcap === undefined ? {} : { hwcap }) };
      },
    });
    return { engines: Object.entries(ENGINE_OPTIONS).map(engine), benchEngines: Object.entries(BENCH_OPTIONS).map(engine), unavailable: '' };
  } catch (e) {
    return { engines: [], benchEngines: [], unavailable: `the emulated machine is not usable yet: ${(e as Error).message}` };
  }
}

export const { engines, benchEngines, unavailable } = await loadEngines();
