/**
 * Test-side helpers around iced-x86 (the reference decoder): decode bytes, map
 * its registers onto our numbering, and compare one decoded instruction with
 * ours. Only tests import this file.
 */
import * as iced from "iced-x86";
import { formOf } from "../decode/decoder.js";
import { mnemonicFor, type Form } from "../decode/forms.js";
import type { Insn } from "../decode/insn.js";

export const { Decoder, DecoderOptions, Mnemonic, Code, CpuidFeature, EncodingKind } = iced;

export interface IcedInfo {
  valid: boolean;
  length: number;
  mnemonic: string;
  code: string;
  encodingLegacy: boolean;
  features: string[];
  /** Operand descriptions, see describe(). */
  ops: IcedOp[];
  segment: number;
}

export type IcedOp =
  | { kind: "reg"; cls: string; num: number }
  | { kind: "mem"; base: number; index: number; scale: number; disp: bigint; ripRel: boolean }
  | { kind: "imm"; value: bigint }
  | { kind: "branch"; target: bigint }
  | { kind: "implicit" };

/** Our (class, number) for an iced Register value. */
export function mapRegister(r: number): { cls: string; num: number } {
  if (r >= 1 && r <= 4) return { cls: "gpr", num: r - 1 };
  if (r >= 5 && r <= 8) return { cls: "gpr", num: 16 + r - 5 };
  if (r >= 9 && r <= 20) return { cls: "gpr", num: r - 9 + 4 };
  if (r >= 21 && r <= 68) return { cls: "gpr", num: (r - 21) % 16 };
  if (r === 69 || r === 70) return { cls: "rip", num: 0 };
  if (r >= 71 && r <= 76) return { cls: "seg", num: r - 71 };
  if (r >= 77 && r <= 108) return { cls: "xmm", num: r - 77 };
  if (r >= 185 && r <= 200) return { cls: "cr", num: r - 185 };
  if (r >= 201 && r <= 216) return { cls: "dr", num: r - 201 };
  if (r >= 217 && r <= 224) return { cls: "st", num: r - 217 };
  if (r >= 225 && r <= 232) return { cls: "mm", num: r - 225 };
  return { cls: `other${r}`, num: -1 };
}

export function icedDecode(bytes: Uint8Array, ip: number): IcedInfo {
  const d = new Decoder(64, bytes, DecoderOptions.None);
  d.ip = BigInt(ip);
  const ins = d.decode();
  const ops: IcedOp[] = [];
  for (let k = 0; k < ins.opCount; k++) {
    const kind = ins.opKind(k);
    if (kind === 0) ops.push({ kind: "reg", ...mapRegister(ins.opRegister(k)) });
    else if (kind >= 1 && kind <= 3) ops.push({ kind: "branch", target: ins.nearBranch64 });
    else if (kind >= 6 && kind <= 14) ops.push({ kind: "imm", value: ins.immediate(k) });
    else if (kind === 24) {
      const base = ins.memoryBase;
      const rip = base === 69 || base === 70;
      ops.push({
        kind: "mem",
        base: base === 0 || rip ? -1 : mapRegister(base).num,
        index: ins.memoryIndex === 0 ? -1 : mapRegister(ins.memoryIndex).num,
        scale: ins.memoryIndexScale,
        disp: ins.memoryDisplacement,
        ripRel: rip,
      });
    } else ops.push({ kind: "implicit" });
  }
  const seg = ins.segmentPrefix;
  const info: IcedInfo = {
    valid: !ins.isInvalid,
    length: ins.length,
    mnemonic: Mnemonic[ins.mnemonic].toUpperCase(),
    code: Code[ins.code],
    encodingLegacy: ins.encoding === EncodingKind.Legacy,
    features: Array.from(ins.cpuidFeatures()).map((f) => CpuidFeature[f]),
    ops,
    segment: seg === 75 ? 1 : seg === 76 ? 2 : 0,
  };
  ins.free();
  d.free();
  return info;
}

/** The iced mnemonic our form should produce. */
export function expectedMnemonic(form: Form, i: Insn): string {
  return mnemonicFor(form, i.osz, i.asz);
}

function regClass(token: string): string {
  if (token === "ST" || token === "STi") return "st";
  if (token === "XMM0") return "xmm";
  if (token === "FS" || token === "GS") return "seg";
  if (["AL", "CL", "DX", "AX", "eAX", "rAX"].includes(token)) return "gpr";
  const f = token[0];
  if ("VUW".includes(f)) return "xmm";
  if ("PNQ".includes(f)) return "mm";
  if (f === "S") return "seg";
  if (f === "C") return "cr";
  if (f === "D" && token !== "DX") return "dr";
  return "gpr";
}

function expectedRegister(token: string, i: Insn): number {
  switch (token) {
    case "AL": case "AX": case "eAX": case "rAX": case "ST": case "XMM0": return 0;
    case "CL": return 1;
    case "DX": return 2;
    case "FS": return 4;
    case "GS": return 5;
    case "STi": return i.rm & 7;
  }
  const f = token[0];
  const cls = regClass(token);
  const v = "GVPSCDZ".includes(f) ? i.reg : i.rm;
  return cls === "mm" || cls === "seg" ? v & 7 : v;
}

function immMask(token: string, i: Insn): bigint {
  switch (token) {
    case "Ib": case "1": return 0xffn;
    case "Iw": return 0xffffn;
    case "Iz": return i.osz === 2 ? 0xffffn : 0xffffffffn;
    case "Iv": return i.osz === 8 ? 0xffffffffffffffffn : i.osz === 4 ? 0xffffffffn : 0xffffn;
  }
  return 0xffffffffffffffffn;
}

/** Compares operands; returns a description of the first mismatch or null. */
export function compareOperands(info: IcedInfo, i: Insn): string | null {
  const form = formOf(i);
  // String operands (X/Y) are implicit on both sides.
  const toks = form.operands.map((o) => o.token).filter((t) => t[0] !== "X" && t[0] !== "Y");
  // XLATB's table operand is implicit in our form.
  if (form.key === "XLATB -") return null;
  let imms = 0;
  let t = 0;
  for (let k = 0; k < info.ops.length; k++) {
    const op = info.ops[k];
    if (op.kind === "implicit") continue;
    const tok = toks[t++];
    if (tok === undefined) return `iced operand ${k} (${op.kind}) has no token`;
    if (op.kind === "reg") {
      const want = expectedRegister(tok, i);
      const cls = regClass(tok);
      if (op.cls !== cls || op.num !== want) return `op${k} ${tok}: iced ${op.cls}${op.num}, ours ${cls}${want}`;
    } else if (op.kind === "mem") {
      if (i.rm >= 0 && !(tok[0] === "O")) return `op${k} ${tok}: iced memory, ours register`;
      if (op.base !== i.base) return `op${k} base iced ${op.base} ours ${i.base}`;
      if (op.index !== i.index) return `op${k} index iced ${op.index} ours ${i.index}`;
      if (op.index >= 0 && op.scale !== i.scale) return `op${k} scale iced ${op.scale} ours ${i.scale}`;
      // Displacements are numbers: compare after the same rounding (moffs64 beyond 2^53).
      const theirs = i.asz === 4 ? Number(op.disp & 0xffffffffn) : Number(BigInt.asIntN(64, op.disp));
      const mine = i.asz === 4 ? i.disp >>> 0 : i.disp;
      if (mine !== theirs) return `op${k} disp iced ${theirs} ours ${mine}`;
      if (info.segment !== i.seg) return `segment iced ${info.segment} ours ${i.seg}`;
    } else if (op.kind === "imm") {
      const m = immMask(tok, i);
      const v = imms === 0
        ? (BigInt(i.immHi >>> 0) << 32n) | BigInt(i.imm >>> 0)
        : BigInt.asUintN(64, BigInt(i.imm2));
      const ours = tok === "1" ? 1n : v;
      imms++;
      if ((ours & m) !== (op.value & m)) return `op${k} ${tok}: iced imm ${op.value} ours ${ours}`;
    } else if (op.kind === "branch") {
      if (BigInt.asUintN(64, BigInt(i.target)) !== op.target) return `branch iced ${op.target} ours ${i.target}`;
    }
  }
  return null;
}
