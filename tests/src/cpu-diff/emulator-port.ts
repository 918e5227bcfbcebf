/**
 * The one place that names the emulated CPU's API (nucleus/src/machine/README.md,
 * nucleus/src/machine/cpu/). Everything the harness assumes about it is confined
 * here and checked at load time, so a change on its side is a change to this file
 * only; if it is not built (or its API differs), `loadEmulator()` returns the
 * reason instead, and the differential test says so loudly.
 *
 * Assumed surface:
 *   machine/memory.js  PhysicalMemory(bytes) with .u8, .size
 *   machine/mmu.js     Mmu(ram) with setRoot(cr3)
 *   machine/cpu/state.js  CpuState: lo/hi Int32Array(16), rip, getRflags()/setRflags(v),
 *                      saveFxImage(out, off, rexW) / loadFxImage(img, off, rexW) -> ok (the
 *                      x87 and SSE state as an FXSAVE image), trapVector/trapError/trapAddr, mmu
 *   machine/cpu/cpu.js new Cpu({ engine: 'interpreter' | 'translate', threshold }).run(state, mmu, budget) -> exit
 *   machine/cpu/decode/decoder.js  decode(source, va, insn) -> form, ArraySource(bytes, base)
 *   machine/cpu/decode/insn.js     Insn
 *   machine/cpu/exec/index.js      isImplemented(form) (loading it registers every handler)
 *   run's exit codes are cpu/state.ts's `const enum Exit` (Syscall 1, Fault 2, Budget 3): a const
 *   enum has no runtime object, so the numbers are restated here.
 */
export type EngineKind = 'interpreter' | 'translator';

export interface EmuState {
  lo: Int32Array;
  hi: Int32Array;
  rip: number;
  getRflags(): number;
  setRflags(v: number): void;
  /** The x87/SSE state as a (64-bit) FXSAVE image: bytes [off, off + 416) of out. */
  saveFxImage(out: Uint8Array, off: number, rexW: boolean): void;
  /** Loads an FXSAVE image; false when its MXCSR is invalid. */
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

interface Form { key: string; mnemonics: string[] }
type Decode = (src: unknown, va: number, insn: unknown) => Form;

/** The emulator, or the reason it cannot be used (not built yet, or its API differs). */
export function loadEmulator(): Promise<Emulator | string> {
  return (loaded ??= (async () => {
    try {
      const memory = await load('memory.js');
      const mmu = await load('mmu.js');
      const stateMod = await load('cpu/state.js');
      const cpuMod = await load('cpu/cpu.js');
      const decoder = await load('cpu/decode/decoder.js');
      const insnMod = await load('cpu/decode/insn.js');
      const exec = await load('cpu/exec/index.js');
      const PhysicalMemory = need<new (n: number) => EmuRam>(memory, 'PhysicalMemory', 'machine/memory');
      const Mmu = need<new (ram: EmuRam) => { setRoot(cr3: number): void }>(mmu, 'Mmu', 'machine/mmu');
      const CpuState = need<new () => EmuState>(stateMod, 'CpuState', 'machine/cpu/state');
      for (const method of ['saveFxImage', 'loadFxImage', 'getRflags', 'setRflags']) {
        if (typeof (CpuState.prototype as unknown as Record<string, unknown>)[method] !== 'function') throw new Error(`CpuState has no ${method}()`);
      }
      type CpuEngine = { run(s: EmuState, mmu: unknown, budget: number): number };
      const Cpu = need<new (options: object) => CpuEngine>(cpuMod, 'Cpu', 'machine/cpu/cpu');
      const decode = need<Decode>(decoder, 'decode', 'machine/cpu/decode/decoder');
      const ArraySource = need<new (bytes: Uint8Array, base: number) => unknown>(decoder, 'ArraySource', 'machine/cpu/decode/decoder');
      const Insn = need<new () => unknown>(insnMod, 'Insn', 'machine/cpu/decode/insn');
      const isImplemented = need<(f: Form) => boolean>(exec, 'isImplemented', 'machine/cpu/exec');
      const Exit = { Syscall: 1, Fault: 2, Budget: 3 };
      // threshold 0: the translator translates every block before its first run.
      const engines = {
        interpreter: new Cpu({ engine: 'interpreter' }),
        translator: new Cpu({ engine: 'translate', threshold: 0 }),
      };
      return {
        newRam: (bytes) => new PhysicalMemory(bytes),
        newMmu: (ram, cr3) => {
          const m = new Mmu(ram);
          m.setRoot(cr3);
          return m;
        },
        newState: () => new CpuState(),
        run: (engine, state, budget) => {
          const exit = engines[engine].run(state, state.mmu, budget);
          return exit === Exit.Fault ? 'fault' : exit === Exit.Budget ? 'budget' : 'other';
        },
        decodeAt: (bytes, offset, rip) => {
          const insn = new Insn() as { len: number };
          const form = decode(new ArraySource(bytes.subarray(offset), rip), rip, insn);
          return { mnemonic: form.mnemonics[0] ?? form.key, length: insn.len, implemented: isImplemented(form) };
        },
      } satisfies Emulator;
    } catch (e) {
      return `emulated CPU not usable: ${(e as Error).message}`;
    }
  })());
}
