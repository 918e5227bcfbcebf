/**
 * The candidate instruction forms: every iced-x86 `Code` that is a legacy-encoded
 * instruction valid in 64-bit user mode on the host (an Intel CPU) and belongs to
 * the ISA extensions a Linux userland uses. The emulator then narrows this to the
 * forms it reports as implemented (see emulator.ts).
 */
import iced from 'iced-x86';

const { Code, CodeExt, CpuidFeature, EncodingKind, Mnemonic, OpCodeOperandKind: K, MemorySizeExt } = iced;

/** Extensions a static/dynamic glibc or busybox binary may use, all present on the host. */
const FEATURES = new Set<number>([
  CpuidFeature.INTEL8086, CpuidFeature.INTEL186, CpuidFeature.INTEL286, CpuidFeature.INTEL386, CpuidFeature.INTEL486,
  CpuidFeature.X64, CpuidFeature.CMOV, CpuidFeature.CX8, CpuidFeature.CMPXCHG16B, CpuidFeature.MULTIBYTENOP,
  CpuidFeature.PAUSE, CpuidFeature.FPU, CpuidFeature.FPU287, CpuidFeature.FPU387, CpuidFeature.FXSR, CpuidFeature.MMX,
  CpuidFeature.SSE, CpuidFeature.SSE2, CpuidFeature.SSE3, CpuidFeature.SSSE3, CpuidFeature.SSE4_1, CpuidFeature.SSE4_2,
  CpuidFeature.POPCNT, CpuidFeature.LZCNT, CpuidFeature.BMI1, CpuidFeature.MOVBE, CpuidFeature.CLFSH,
  CpuidFeature.ADX, CpuidFeature.AES, CpuidFeature.PCLMULQDQ, CpuidFeature.SHA,
]);

/**
 * Mnemonics never generated, with the reason. Either the result is not a function
 * of the test state (time, randomness, host identity), or the instruction changes
 * state the harness cannot restore or compare (segments, fs/gs base, interrupts),
 * or it is a system instruction that user programs do not use.
 */
const EXCLUDED: ReadonlyMap<number, string> = new Map([
  [Mnemonic.Cpuid, 'host identity, the emulator reports its own'],
  [Mnemonic.Rdtsc, 'time'], [Mnemonic.Rdtscp, 'time'], [Mnemonic.Rdpid, 'host identity'], [Mnemonic.Rdpmc, 'privileged counter'],
  [Mnemonic.Int, 'system call gate'], [Mnemonic.Int1, 'debug trap'], [Mnemonic.Int3, 'the end marker itself'],
  [Mnemonic.Syscall, 'enters the kernel'], [Mnemonic.Hlt, 'privileged'],
    [Mnemonic.Cli, 'IOPL'], [Mnemonic.Sti, 'IOPL'], [Mnemonic.Iret, 'far return'], [Mnemonic.Iretq, 'far return'],
  [Mnemonic.Retf, 'far return'], [Mnemonic.Lar, 'descriptor tables'], [Mnemonic.Lsl, 'descriptor tables'],
  [Mnemonic.Verr, 'descriptor tables'], [Mnemonic.Verw, 'descriptor tables'], [Mnemonic.Sldt, 'UMIP'], [Mnemonic.Str, 'UMIP'],
  [Mnemonic.Smsw, 'UMIP'], [Mnemonic.Sgdt, 'UMIP'], [Mnemonic.Sidt, 'UMIP'], [Mnemonic.Swapgs, 'privileged'],
  [Mnemonic.Iretd, 'far return'], [Mnemonic.Lss, 'segment load'], [Mnemonic.Lfs, 'segment load: would replace the fs base'],
  [Mnemonic.Lgs, 'segment load'],
  [Mnemonic.Tzcnt, 'the emulated CPU reports no BMI1, so F3 0F BC runs as BSF there (as on such a CPU); the host runs TZCNT'],
  [Mnemonic.Lzcnt, 'the emulated CPU reports no LZCNT (ABM), so F3 0F BD runs as BSR there; the host runs LZCNT'],
]);

export interface Form {
  code: number;
  name: string;
  mnemonic: number;
  /** OpCodeOperandKind of each operand. */
  operands: number[];
  /** Memory operand size in bytes (0 when the form has no memory operand or does not access it). */
  memSize: number;
}

/** Operand kinds the generator knows how to fill (see generate.ts). */
export const SUPPORTED_OPERANDS = new Set<number>([
  K.r8_reg, K.r8_or_mem, K.r8_opcode, K.r16_reg, K.r16_rm, K.r16_or_mem, K.r16_opcode, K.r32_reg, K.r32_rm,
  K.r32_or_mem, K.r32_opcode, K.r64_reg, K.r64_rm, K.r64_or_mem, K.r64_opcode, K.xmm_reg, K.xmm_rm, K.xmm_or_mem,
  K.mm_reg, K.mm_rm, K.mm_or_mem,
  K.mem, K.mem_offs, K.imm8, K.imm16, K.imm32, K.imm64, K.imm8sex16, K.imm8sex32, K.imm8sex64, K.imm32sex64,
  K.imm8_const_1, K.st0, K.sti_opcode, K.al, K.cl, K.ax, K.dx, K.eax, K.rax, K.es_rDI, K.seg_rSI, K.seg_rDI,
  K.seg_rBX_al, K.br64_1, K.br64_4,
]);

function isCandidate(code: number): boolean {
  const oc = CodeExt.opCode(code);
  try {
    if (!oc.isInstruction || oc.encoding !== EncodingKind.Legacy || !oc.mode64 || !oc.cpl3 || oc.mustBeCpl0) return false;
    if (!oc.intelDecoder64 || oc.isPrivileged || oc.isInputOutput || EXCLUDED.has(oc.mnemonic)) return false;
    if (/^(Call|Jmp)_m16/.test(Code[code])) return false; // far indirect: loads CS
    for (let i = 0; i < oc.opCount; i++) if (!SUPPORTED_OPERANDS.has(oc.opKind(i))) return false;
  } finally {
    oc.free();
  }
  const ins = iced.Instruction.create(code);
  try {
    return [...ins.cpuidFeatures()].every((f) => FEATURES.has(f));
  } finally {
    ins.free();
  }
}

let cached: Form[] | undefined;

export function candidateForms(): Form[] {
  if (cached) return cached;
  const count = Object.keys(Code).filter((k) => Number.isNaN(Number(k))).length;
  const forms: Form[] = [];
  for (let code = 0; code < count; code++) {
    if (!isCandidate(code)) continue;
    const oc = CodeExt.opCode(code);
    const operands: number[] = [];
    for (let i = 0; i < oc.opCount; i++) operands.push(oc.opKind(i));
    forms.push({ code, name: Code[code], mnemonic: oc.mnemonic, operands, memSize: MemorySizeExt.size(oc.memorySize) });
    oc.free();
  }
  return (cached = forms);
}

export function formByName(name: string): Form | undefined {
  return candidateForms().find((f) => f.name === name);
}
