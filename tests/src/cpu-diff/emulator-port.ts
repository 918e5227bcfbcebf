/**
 * The one place that names the emulated CPU's API. The CPU (nucleus/src/machine/cpu/)
 * and the MMU (nucleus/src/machine/mmu.ts) are being written in parallel with this
 * harness, against nucleus/src/machine/README.md; everything the harness assumes
 * about them is confined here and checked at load time, so a change on their side
 * is a change to this file only. Until they are in the build, `loadEmulator()`
 * returns the reason instead, and the differential test says so loudly.
 *
 * Assumed surface (from the machine README and the CPU's contract):
 *   machine/memory.js  PhysicalMemory(bytes) with .u8, .size
 *   machine/mmu.js     Mmu(ram) with setRoot(cr3)
 *   machine/cpu/state.js  CpuState: lo/hi Int32Array(16), rip, getRflags()/setRflags(v),
 *                      saveFxImage(out, off, rexW) / loadFxImage(img, off, rexW) -> ok (the whole
 *                      x87 + SSE state as an FXSAVE image), trapVector/trapError/trapAddr, mmu
 *   machine/cpu/index.js  createEngine(kind: 'interpreter' | 'translator') -> { run(state, budget): exit }
 *                      decodeAt(bytes, offset, rip) -> { mnemonic, length, implemented }
 *   run's exit codes are cpu/state.ts's `const enum Exit` (Syscall 1, Fault 2, Budget 3): a const
 *   enum has no runtime object, so the numbers are restated here (a module-level `Exit`
 *   object, if the CPU exports one, takes precedence).
 */
export type EngineKind = 'interpreter' | 'translator';

export interface EmuState {
  lo: Int32Array;
  hi: Int32Array;
  rip: number;
  getRflags(): number;
  setRflags(v: number): void;
  /** The x87/SSE state as an FXSAVE image (64-bit layout with rexW): bytes [off, off + 416) of out. */
  saveFxImage(out: Uint8Array, off: number, rexW: boolean): void;
  /** Loads an FXSAVE image; false (nothing loaded) when its MXCSR sets a reserved bit. */
  loadFxImage(img: Uint8Array, off: number, rexW: boolean): boolean;
  trapVector: number;
  trapError: number;
  trapAddr: number;
  mmu: unknown;
}

export interface EmuRam {
  u8: Uint8Array;
  size: number;
}

export interface Emulator {
  newRam(bytes: number): EmuRam;
  newMmu(ram: EmuRam, cr3: number): unknown;
  newState(): EmuState;
  /** Runs until a trap or the budget; returns 'fault' | 'budget' | 'other'. */
  run(engine: EngineKind, state: EmuState, budget: number): 'fault' | 'budget' | 'other';
  decodeAt(bytes: Uint8Array, offset: number, rip: number): { mnemonic: string; length: number; implemented: boolean };
}

const machine = '@rustos/nucleus/dist/machine/';

type Module = Record<string, unknown>;

async function load(path: string): Promise<Module> {
  return (await import(machine + path)) as Module;
}

function need<T>(m: Module, name: string, what: string): T {
  if (!(name in m)) throw new Error(`${what} does not export ${name}`);
  return m[name] as T;
}

let loaded: Promise<Emulator | string> | undefined;

/** The emulator, or the reason it cannot be used (not built yet, or its API differs). */
export function loadEmulator(): Promise<Emulator | string> {
  return (loaded ??= (async () => {
    try {
      const memory = await load('memory.js');
      const mmu = await load('mmu.js');
      const stateMod = await load('cpu/state.js');
      const cpu = await load('cpu/index.js');
      const PhysicalMemory = need<new (n: number) => EmuRam>(memory, 'PhysicalMemory', 'machine/memory');
      const Mmu = need<new (ram: EmuRam) => { setRoot(cr3: number): void }>(mmu, 'Mmu', 'machine/mmu');
      const CpuState = need<new () => EmuState>(stateMod, 'CpuState', 'machine/cpu/state');
      for (const method of ['saveFxImage', 'loadFxImage']) {
        if (typeof (CpuState.prototype as unknown as Record<string, unknown>)[method] !== 'function') throw new Error(`CpuState has no ${method}()`);
      }
      const createEngine = need<(k: EngineKind) => { run(s: EmuState, budget: number): number }>(cpu, 'createEngine', 'machine/cpu');
      const decodeAt = need<Emulator['decodeAt']>(cpu, 'decodeAt', 'machine/cpu');
      const Exit = (cpu.Exit as Record<string, number> | undefined) ?? { Syscall: 1, Fault: 2, Budget: 3 };
      const engines = { interpreter: createEngine('interpreter'), translator: createEngine('translator') };
      return {
        newRam: (bytes) => new PhysicalMemory(bytes),
        newMmu: (ram, cr3) => {
          const m = new Mmu(ram);
          m.setRoot(cr3);
          return m;
        },
        newState: () => new CpuState(),
        run: (engine, state, budget) => {
          const exit = engines[engine].run(state, budget);
          return exit === Exit.Fault ? 'fault' : exit === Exit.Budget ? 'budget' : 'other';
        },
        decodeAt,
      } satisfies Emulator;
    } catch (e) {
      return `emulated CPU not usable: ${(e as Error).message}`;
    }
  })());
}
