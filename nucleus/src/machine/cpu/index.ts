/**
 * The CPU's public surface (see README.md beside this file):
 *   new Cpu(options).run(state, mmu, budget) -> Exit
 *   CpuState (one per guest thread), Exit
 *   decodeAt(bytes, offset, rip) -> what an encoding is and whether it executes
 */
import { ArraySource, Truncated, decode, formOf, TOO_LONG_FORM } from "./decode/decoder.js";
import { INVALID_FORM, mnemonicFor } from "./decode/forms.js";
import { Insn } from "./decode/insn.js";
import { isImplemented } from "./exec/registry.js";
import "./exec/index.js";
import { Cpu } from "./cpu.js";
import { CpuState, Exit } from "./state.js";

export { Cpu, type CpuOptions, type Engine } from "./cpu.js";
export { invalidateCodeFrame } from "./blocks.js";
export { CpuState, Exit, Reg, Rflag } from "./state.js";
export type { CpuMmu } from "./mmu-surface.js";
export { cpuidLeaf } from "./exec/cpuid.js";

/**
 * The diff harness's view of an engine (tests/src/cpu-diff/emulator-port.ts):
 * "interpreter", or "translator" translating every block before its first run;
 * run() uses the address space already in state.mmu.
 */
export function createEngine(kind: "interpreter" | "translator"): { run(state: CpuState, budget: number): Exit } {
  const cpu = new Cpu(kind === "translator" ? { engine: "translate", threshold: 0 } : { engine: "interpreter" });
  return { run: (state, budget) => cpu.run(state, state.mmu, budget) };
}

export interface DecodedInfo {
  /** False for invalid encodings (and instructions longer than 15 bytes): they raise #UD / #GP. */
  valid: boolean;
  /** Length in bytes (of what was consumed, for invalid encodings). */
  length: number;
  /** Mnemonic as iced-x86 spells it, upper case (e.g. "MOVSQ", "CMPXCHG16B"). */
  mnemonic: string;
  /** The table form, e.g. "ADD Ev,Gv": the key handlers register under. */
  form: string;
  /** A handler is registered: executing it does what the instruction does (else #UD). */
  implemented: boolean;
  /** CPUID features the form is tagged with (e.g. "sse2"). */
  features: readonly string[];
}

/**
 * Decodes the instruction at bytes[offset] as if it were at address `rip`.
 * Returns null when the bytes end before the instruction does.
 */
export function decodeAt(bytes: Uint8Array, offset: number, rip: number): DecodedInfo | null {
  const i = new Insn();
  try {
    decode(new ArraySource(bytes.subarray(offset), rip), rip, i);
  } catch (e) {
    if (e instanceof Truncated) return null;
    throw e;
  }
  const form = formOf(i);
  const valid = form !== INVALID_FORM && form !== TOO_LONG_FORM;
  return {
    valid,
    length: i.len,
    mnemonic: valid ? mnemonicFor(form, i.osz, i.asz) : form.key,
    form: form.key,
    implemented: valid && isImplemented(form),
    features: form.features,
  };
}
