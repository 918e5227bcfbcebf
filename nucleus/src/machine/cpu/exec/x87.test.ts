/**
 * The x87 wiring's contract points, on both engines: #MF from a pending
 * unmasked exception at the next waiting instruction only, stores that fault
 * leaving the FPU as it was (and suppressed stores making no access), FXSAVE/
 * FXRSTOR alignment, MXCSR checking and round trip, FCOMI's EFLAGS, the
 * instruction/operand pointers, the thread copy and CPUID. Instruction
 * semantics against the host CPU are the cpu-diff harness's job (tests/).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Vector } from "../../fault.js";
import { CpuState, Exit, cpuidLeaf } from "../index.js";
import { CODE, DATA, ENGINES, RO, peek, run, skip } from "../testing/asm-run.js";

const UNMASK_ZE = `mov word [DATA], 0x037b
fldcw [DATA]
fld1
fldz
fdivp st1, st0
`;

test("a pending unmasked exception is #MF at the next waiting instruction, not at the no-wait forms", { skip }, () => {
  const src = `${UNMASK_ZE}fnstsw ax
fnstcw [DATA + 2]
fnstenv [DATA + 64]
fldcw [DATA]
wait_here: fwait
nop`;
  for (const [engine, threshold] of ENGINES) {
    const r = run(src, engine, threshold);
    assert.equal(r.exit, Exit.Fault);
    assert.equal(r.s.trapVector, Vector.MF, engine);
    // FNSTENV masked everything, so FLDCW ran (and unmasked ZE again): FWAIT faults.
    assert.equal(r.s.rip, r.at("wait_here"), `${engine}: rip at the FWAIT`);
    assert.equal(r.s.lo[0] & 0x8084, 0x8084, "AX = FSW with B, ES and ZE");
    assert.equal(r.s.fpu.top, 6, "the division's result was suppressed: two values on the stack");
  }
  for (const [engine, threshold] of ENGINES) {
    const r = run(`${UNMASK_ZE}here: fldcw [DATA]`, engine, threshold);
    assert.deepEqual([r.s.trapVector, r.s.rip], [Vector.MF, r.at("here")], `${engine}: FLDCW waits too`);
  }
  const cleared = `${UNMASK_ZE}fnclex
fwait
fld1`;
  for (const [engine, threshold] of ENGINES) {
    const r = run(cleared, engine, threshold);
    assert.equal(r.s.trapVector, Vector.BP, `${engine}: FNCLEX took the exception back`);
    assert.equal(r.s.fpu.top, 5);
  }
});

test("a store whose write faults leaves the FPU as it was; a suppressed store touches nothing", { skip }, () => {
  for (const [engine, threshold] of ENGINES) {
    const r = run(`fld1
fldpi
fstp dword [RO]`, engine, threshold);
    assert.equal(r.s.trapVector, Vector.PF);
    assert.equal(r.s.trapError, 7, "present, write, user");
    assert.equal(r.s.trapAddr, RO);
    assert.equal(r.s.fpu.top, 6, `${engine}: not popped`);
    assert.equal(r.s.fpu.fnstsw() & 0x3fff, 0x3000, "no flag raised");

    // The 80-bit store writes 8 bytes and then 2, as the host does.
    const t = run(`fldpi
fstp tword [RO - 8]`, engine, threshold);
    assert.equal(t.s.trapVector, Vector.PF);
    assert.equal(t.s.trapAddr, RO);
    assert.equal(t.s.fpu.top, 7);
    assert.deepEqual([...peek(t.mmu, RO - 8, 8)], [0x35, 0xc2, 0x68, 0x21, 0xa2, 0xda, 0x0f, 0xc9]);

    // Stack underflow with IE unmasked: no value, no access, no fault; #MF is pending.
    const u = run(`mov word [DATA], 0x037e
fldcw [DATA]
fstp dword [RO]
fistp qword [RO]`, engine, threshold);
    assert.equal(u.s.trapVector, Vector.MF, `${engine}: the second store is where #MF is taken`);
    assert.equal(u.s.fpu.fnstsw() & 0xc1, 0xc1, "IE, SF, ES");
  }
});

test("FXSAVE/FXRSTOR: alignment, reserved MXCSR bits, and a round trip of x87, MXCSR and XMM", { skip }, () => {
  for (const [engine, threshold] of ENGINES) {
    const mis = run("fxsave [DATA + 8]", engine, threshold);
    assert.deepEqual([mis.s.trapVector, mis.s.trapError, mis.s.rip], [Vector.GP, 0, CODE]);

    const prepare = (s: CpuState): void => {
      for (let k = 0; k < 64; k++) s.xmm32[k] = (k * 0x9e3779b9) | 0;
      s.mxcsr = 0x1fa0;
    };
    const trip = run(`fld1
fldpi
fldl2e
mov word [DATA], 0x0b7f
fldcw [DATA]
fxsave64 [DATA + 0x400]
fninit
fxrstor64 [DATA + 0x400]
fxsave64 [DATA + 0x800]`, engine, threshold, prepare);
    assert.equal(trip.s.trapVector, Vector.BP);
    assert.deepEqual(peek(trip.mmu, DATA + 0x800, 416), peek(trip.mmu, DATA + 0x400, 416));
    const image = new Uint8Array(512);
    trip.s.saveFxImage(image, 0, true);
    assert.deepEqual(image.subarray(0, 416), peek(trip.mmu, DATA + 0x400, 416));
    assert.equal(trip.s.fpu.fnstcw(), 0x0b7f);
    assert.equal(trip.s.fpu.top, 5);
    assert.equal(trip.s.mxcsr, 0x1fa0);

    const bad = run(`fxsave [DATA]
or dword [DATA + 24], 0x10000
fld1
fxrstor [DATA]`, engine, threshold, prepare);
    assert.deepEqual([bad.s.trapVector, bad.s.trapError], [Vector.GP, 0]);
    assert.equal(bad.s.fpu.top, 7, `${engine}: nothing restored`);
  }
});

test("FCOMI writes ZF, PF, CF and clears OF, SF, AF", { skip }, () => {
  for (const [engine, threshold] of ENGINES) {
    const r = run(`fld1
fldz
mov al, 0x7f
add al, 1
fcomi st0, st1
pushfq
pop rbx`, engine, threshold);
    assert.equal(r.s.lo[3] & 0x8d5, 0x001, `${engine}: 0 < 1 is CF only`);
  }
});

test("FIP, FOP and FDP describe the last non-control instruction", { skip }, () => {
  for (const [engine, threshold] of ENGINES) {
    const r = run(`fldz
here: fld qword [DATA + 16]
fnstenv [DATA + 64]`, engine, threshold);
    const env = peek(r.mmu, DATA + 64, 28);
    const dv = new DataView(env.buffer);
    const here = r.at("here");
    const [escape, modrm] = peek(r.mmu, here, 2);
    assert.equal(dv.getUint32(12, true), here, "FIP");
    assert.equal(dv.getUint16(18, true) & 0x7ff, ((escape & 7) << 8) | modrm, "FOP");
    assert.equal(dv.getUint32(20, true), DATA + 16, "FDP");
  }
});

test("the thread copy takes the FPU along; CPUID reports FPU and FXSR", { skip }, () => {
  const r = run("fldpi\nfld1\nfdecstp", "interpreter", 0);
  const copy = new CpuState();
  copy.copyFrom(r.s);
  const a = new Uint8Array(512);
  const b = new Uint8Array(512);
  r.s.saveFxImage(a, 0, true);
  copy.saveFxImage(b, 0, true);
  assert.deepEqual(b, a);
  r.s.fpu.fninit();
  copy.saveFxImage(b, 0, true);
  assert.deepEqual(b, a, "independent of the original");
  const edx = cpuidLeaf(1, 0, 0, 1)[3];
  assert.equal(edx & 1, 1, "FPU");
  assert.equal((edx >>> 24) & 1, 1, "FXSR");
});
