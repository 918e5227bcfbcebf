/**
 * What both region compilers (translator.ts, wasm/region.ts) ask of a form or a
 * block's shape.
 */
import { formOf } from "../decode/decoder.js";
import type { Block } from "../blocks.js";

/**
 * Forms whose handlers touch no general register except to address memory:
 * SSE forms whose operands are xmm registers, memory and immediates only (not
 * the string compares and MASKMOVDQU, which use implicit registers), and x87
 * forms (with FXSAVE/FXRSTOR) on ST registers and memory (not FNSTSW AX).
 */
export function gprFree(key: string): boolean {
  const [mnemonic, operands = ""] = key.split(" ");
  if (/^PCMP[EI]STR|^MASKMOV/.test(mnemonic)) return false;
  const list = operands.split(",");
  if (mnemonic.startsWith("F")) return list.every((o) => /^(-|ST|STi|M[a-z]?)$/.test(o));
  return list.some((o) => /^[VWU][a-z0-9]*$/.test(o)) && list.every((o) => /^([VWUMI][a-z0-9]*|XMM0)$/.test(o));
}

/** A conditional jump to a relative target (not JMP, not JRCXZ). */
export function isJcc(key: string): boolean {
  return /^J(?!MP|RCXZ)[A-Z]+ J[bz]$/.test(key);
}

/** The block ends in a direct jump (or jcc) to its own start. */
export function selfLoop(b: Block): boolean {
  const last = b.insns[b.insns.length - 1];
  const key = formOf(last).key;
  return (isJcc(key) || key === "JMP Jb" || key === "JMP Jz") && last.target === b.va;
}
