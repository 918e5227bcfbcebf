/**
 * One decoded instruction. Every Insn has the same shape (all fields set in the
 * constructor) so handler code that reads them stays monomorphic.
 *
 * Operand fields, as the form's operand pattern interprets them:
 *   reg   ModRM.reg (+REX.R), or the register in the opcode's low bits (+REX.B) for
 *         `Z` operands. Byte registers use the byte naming: 0..15 low bytes
 *         (spl..dil with REX), 16..19 = ah, ch, dh, bh.
 *   rm    ModRM.rm (+REX.B) as a register when mod = 3 (byte naming for byte
 *         operands), or -1 for a memory operand.
 *   base, index, scale, disp   the memory operand: base/index -1 for none,
 *         scale = 1, 2, 4 or 8. RIP-relative and moffs operands have neither base
 *         nor index: disp holds the absolute address (instructions are decoded
 *         for one virtual address).
 *   imm, immHi  first immediate (sign- or zero-extended per the form, see
 *         decoder.ts); immHi is the high half of an imm64 or moffs64.
 *   imm2  second immediate (enter's nesting level).
 *   target  absolute destination of a relative branch.
 */
import type { CpuState } from "../state.js";
import { widenFields } from "../../wide-fields.js";

export type Handler = (s: CpuState, i: Insn) => void;

export const enum Seg { None = 0, FS = 1, GS = 2 }

export const enum RepPrefix { None = 0, F2 = 2, F3 = 3 }

export class Insn {
  /** Form id (forms.ts). */
  form = 0;
  /** Handler chosen at decode time. */
  h: Handler = null as unknown as Handler;
  /** Guest virtual address of the instruction. */
  va = 0;
  len = 0;
  /** Opcode byte (the last one for 0F/0F38/0F3A maps); cc = opcode & 15 for jcc/setcc/cmovcc. */
  opcode = 0;
  /** Operand size in bytes: 1, 2, 4 or 8. */
  osz = 4;
  /** Address size in bytes: 4 (0x67 prefix) or 8. */
  asz = 8;
  rep = RepPrefix.None as number;
  lock = false;
  /** REX.W was set. */
  rexW = false;
  /** A 0x66 prefix was present (whether it changed operand size or selected the form). */
  p66 = false;
  seg = Seg.None as number;
  modrm = -1;
  reg = 0;
  rm = -1;
  base = -1;
  index = -1;
  scale = 1;
  disp = 0;
  imm = 0;
  immHi = 0;
  imm2 = 0;
  target = 0;

  reset(): void {
    this.form = 0; this.h = null as unknown as Handler; this.va = 0; this.len = 0; this.opcode = 0;
    this.osz = 4; this.asz = 8; this.rep = RepPrefix.None; this.lock = false; this.rexW = false; this.p66 = false;
    this.seg = Seg.None; this.modrm = -1; this.reg = 0; this.rm = -1; this.base = -1; this.index = -1;
    this.scale = 1; this.disp = 0; this.imm = 0; this.immHi = 0; this.imm2 = 0; this.target = 0;
  }
}

// Addresses, displacements and immediates exceed V8's small integers (wide-fields.ts).
widenFields(new Insn(), ["va", "target", "disp", "imm", "immHi", "imm2"]);
