/**
 * Everything else a CPL-3 thread can execute: NOP and hint forms, fences,
 * prefetch, CLFLUSH, flag instructions (CLC STC CMC CLD STD LAHF SAHF), CPUID,
 * RDTSC/RDTSCP, SYSCALL, software interrupts, UD0/UD1/UD2, and the privileged
 * forms (#GP(0) at CPL 3).
 *
 * Software interrupts follow the IDT Linux x86-64 installs: vectors 3 (int3),
 * 4 (into/int 4) and 0x80 (ia32 syscalls) have DPL 3 and trap with rip after the
 * instruction; `int n` for any other n raises #GP with error code n*8+2 (IDT,
 * EXT=0) and rip at the instruction. INT1 (F1) traps as #DB after the
 * instruction. Far transfers (RETF, IRET, far CALL/JMP, LSS/LFS/LGS) are #GP(0):
 * this CPU has one user code segment and no compatibility mode.
 */
import { raise, Vector } from "../../fault.js";
import { materialize, writeFlagBits } from "../flags.js";
import type { Handler } from "../decode/insn.js";
import { forms } from "../decode/forms.js";
import { Exit, Rflag, type CpuState } from "../state.js";
import { Access } from "../mmu-surface.js";
import { executeCpuid } from "./cpuid.js";
import { ea, setReg } from "./operands.js";
import { isImplemented, register, registerAll } from "./registry.js";

const ENDS = { ends: true };
const nop: Handler = () => {};

registerAll([
  "NOP -", "NOP Ev", "RESERVEDNOP Ev,Gv", "PAUSE -", "ENDBR64 -", "ENDBR32 -",
  "LFENCE -", "MFENCE -", "SFENCE -",
  "PREFETCH Mb", "PREFETCHW Mb", "PREFETCHWT1 Mb",
  "PREFETCHNTA Mb", "PREFETCHT0 Mb", "PREFETCHT1 Mb", "PREFETCHT2 Mb",
], nop);

// CLFLUSH checks the address like a read (it can #PF), then does nothing here.
register("CLFLUSH Mb", (s, i) => { s.mmu.translate(ea(s, i), Access.Read); });

// ---- flags ---------------------------------------------------------------------

register("CLC -", (s) => writeFlagBits(s, Rflag.CF, 0));
register("STC -", (s) => writeFlagBits(s, Rflag.CF, Rflag.CF));
register("CMC -", (s) => writeFlagBits(s, Rflag.CF, ~materialize(s)));
register("CLD -", (s) => { s.df = 0; });
register("STD -", (s) => { s.df = 1; });
register("LAHF -", (s) => setReg(s, 16, 1, (materialize(s) & 0xd5) | 2));
register("SAHF -", (s) => writeFlagBits(s, 0xd5, (s.lo[0] >> 8) & 0xd5));

// ---- CPUID, time stamp counter ---------------------------------------------------

register("CPUID -", executeCpuid);

/** Nominal TSC frequency of the modelled part (2.67 GHz). */
const TSC_PER_MS = 2.67e6;
let lastTsc = 0;

/** A monotonic TSC from the host clock; strictly increasing between reads. */
export function readTsc(): number {
  let t = Math.floor(performance.now() * TSC_PER_MS);
  if (t <= lastTsc) t = lastTsc + 1;
  lastTsc = t;
  return t;
}

function loadTsc(s: CpuState): void {
  const t = readTsc();
  setReg(s, 0, 4, t | 0);
  setReg(s, 2, 4, Math.floor(t / 4294967296) | 0);
}

register("RDTSC -", loadTsc);
register("RDTSCP -", (s) => {
  loadTsc(s);
  // TSC_AUX as Linux programs it: cpu number (node 0).
  setReg(s, 1, 4, s.cpuIndex);
});

// ---- SYSCALL and software interrupts -----------------------------------------------

register("SYSCALL -", (s, i) => {
  const next = i.va + i.len;
  s.lo[1] = next | 0;
  s.hi[1] = Math.floor(next / 4294967296) | 0;
  s.lo[11] = s.getRflags() & ~0x10000;
  s.hi[11] = 0;
  s.rip = next;
  s.exit = Exit.Syscall;
}, ENDS);

/** A trap-class software interrupt: reported as a fault with rip after the instruction. */
function trap(s: CpuState, vector: number): void {
  s.trapVector = vector;
  s.trapError = 0;
  s.trapAddr = 0;
  s.exit = Exit.Fault;
}

register("INT3 -", (s) => trap(s, Vector.BP), ENDS);
register("INT1 -", (s) => trap(s, Vector.DB), ENDS);
register("INT Ib", (s, i) => {
  const n = i.imm & 0xff;
  if (n === 3 || n === 4 || n === 0x80) trap(s, n);
  else raise(Vector.GP, n * 8 + 2);
}, ENDS);

const ud: Handler = () => raise(Vector.UD);
register("UD2 -", ud, ENDS);
register("UD0 Gv,Ev", ud, ENDS);
register("UD1 Gv,Ev", ud, ENDS);

// ---- privileged and far forms: #GP(0) -------------------------------------------------

// Registers that do not exist (CR1, CR5-7, CR9-15, DR8-15) are #UD, checked before privilege.
const movCr: Handler = (_s, i) => raise(i.reg === 0 || (i.reg >= 2 && i.reg <= 4) || i.reg === 8 ? Vector.GP : Vector.UD, 0);
const movDr: Handler = (_s, i) => raise(i.reg < 8 ? Vector.GP : Vector.UD, 0);
register("MOV Rq,Cq", movCr, ENDS);
register("MOV Cq,Rq", movCr, ENDS);
register("MOV Rq,Dq", movDr, ENDS);
register("MOV Dq,Rq", movDr, ENDS);

const gp: Handler = () => raise(Vector.GP, 0);
for (const f of forms) {
  if ((f.features.includes("sys") || f.features.includes("far")) && !isImplemented(f)) register(f.key, gp, ENDS);
}
