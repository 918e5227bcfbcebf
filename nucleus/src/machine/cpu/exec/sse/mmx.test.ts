/**
 * The MMX state contract, on both engines: mm0-7 are the x87 significands, an
 * MMX instruction sets TOP = 0 and tags everything valid, writing an mm register
 * makes its exponent all ones, EMMS empties the stack, a pending x87 exception
 * is #MF first, faults leave the state as the host does, and the thread copy
 * and FXSAVE images (signal frames) carry the registers. Lane semantics against
 * the host CPU are the cpu-diff harness's job (tests/src/cpu-diff).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Vector } from "../../../fault.js";
import { CpuState, Exit } from "../../index.js";
import { DATA, ENGINES, RO, run, skip } from "../../testing/asm-run.js";

const PI_SIGNIFICAND = 0xc90fdaa22168c235n;
const UNPRESENT = RO + 0x1000;

/** Physical register r as [sign/exponent, significand]. */
function reg(s: CpuState, r: number): [number, bigint] {
  const v = s.fpu.regs[r];
  return [v.se, (BigInt(v.hi >>> 0) << 32n) | BigInt(v.lo >>> 0)];
}

test("mm registers read the x87 significands; the instruction moves TOP to 0 and tags all registers valid", { skip }, () => {
  for (const [engine, threshold] of ENGINES) {
    const r = run(`fld1
fldpi
movq rax, mm6
movq rbx, mm7`, engine, threshold);
    assert.equal(r.exit, Exit.Fault);
    assert.equal(r.s.trapVector, Vector.BP, engine);
    assert.equal(r.s.getBig(0), PI_SIGNIFICAND, `${engine}: mm6 = R6 = pi`);
    assert.equal(r.s.getBig(3), 1n << 63n, "mm7 = R7 = 1.0");
    assert.deepEqual([r.s.fpu.top, r.s.fpu.emptyMask], [0, 0]);
    assert.deepEqual(reg(r.s, 6), [0x4000, PI_SIGNIFICAND], "reading leaves the exponent alone");
  }
});

test("writing an mm register sets its exponent to all ones; x87 code needs EMMS to get its stack back", { skip }, () => {
  for (const [engine, threshold] of ENGINES) {
    const write = run(`mov rax, 0x0123456789abcdef
movq mm2, rax
paddd mm2, mm2`, engine, threshold);
    assert.deepEqual(reg(write.s, 2), [0xffff, 0x02468ace13579bden], `${engine}: dword lanes, no carry between them`);

    // Without EMMS every register is still valid: FLD overflows the stack (masked: IE, SF, C1).
    const full = run("movq mm0, mm1\nfld1", engine, threshold);
    assert.equal(full.s.fpu.fnstsw() & 0x241, 0x241, `${engine}: stack overflow`);
    const emptied = run("movq mm0, mm1\nemms\nfld1", engine, threshold);
    assert.equal(emptied.s.fpu.fnstsw() & 0x41, 0, `${engine}: no overflow after EMMS`);
    assert.deepEqual([emptied.s.fpu.top, emptied.s.fpu.emptyMask], [7, 0x7f]);
  }
});

const PENDING_ZE = `mov word [DATA], 0x037b
fldcw [DATA]
fld1
fldz
fdivp st1, st0
`;

test("a pending unmasked x87 exception is #MF before an MMX instruction (and EMMS), not before CVTPI2PS from memory", { skip }, () => {
  for (const [engine, threshold] of ENGINES) {
    for (const insn of ["paddb mm0, mm1", "emms", "movd eax, mm3", "cvtpi2ps xmm0, mm1", "cvtps2pi mm1, xmm0"]) {
      const r = run(`${PENDING_ZE}here: ${insn}`, engine, threshold);
      assert.deepEqual([r.s.trapVector, r.s.rip], [Vector.MF, r.at("here")], `${engine}: ${insn}`);
      assert.deepEqual([r.s.fpu.top, r.s.fpu.emptyMask], [6, 0x3f], "nothing changed");
    }
    const sse = run(`${PENDING_ZE}cvtpi2ps xmm0, [DATA + 8]`, engine, threshold);
    assert.equal(sse.s.trapVector, Vector.BP, `${engine}: the memory form is plain SSE`);
    assert.equal(sse.s.fpu.top, 6);
  }
});

test("a faulting MMX load changes nothing; a faulting store has already reset TOP (as the host does)", { skip }, () => {
  for (const [engine, threshold] of ENGINES) {
    const load = run(`fld1\npaddw mm0, [${UNPRESENT}]`, engine, threshold);
    assert.deepEqual([load.s.trapVector, load.s.trapAddr], [Vector.PF, UNPRESENT], engine);
    assert.deepEqual([load.s.fpu.top, load.s.fpu.emptyMask], [7, 0x7f]);
    const store = run(`fld1\nmovq [RO], mm0`, engine, threshold);
    assert.deepEqual([store.s.trapVector, store.s.trapError], [Vector.PF, 7], engine);
    assert.deepEqual([store.s.fpu.top, store.s.fpu.emptyMask], [0, 0x7f]);
  }
});

test("the thread copy and FXSAVE images (signal frames) carry the mm registers", { skip }, () => {
  const r = run(`mov rax, -2
movq mm3, rax
fld1
fld1`, "interpreter", 0);
  assert.deepEqual(reg(r.s, 3), [0xffff, 0xfffffffffffffffen]);
  const copy = new CpuState();
  copy.copyFrom(r.s);
  assert.deepEqual(reg(copy, 3), reg(r.s, 3));
  assert.deepEqual([copy.fpu.top, copy.fpu.emptyMask], [6, 0]);

  const image = new Uint8Array(512);
  r.s.saveFxImage(image, 0, true);
  const restored = new CpuState();
  assert.ok(restored.loadFxImage(image, 0, true));
  for (let k = 0; k < 8; k++) assert.deepEqual(reg(restored, k), reg(r.s, k), `R${k}`);
  assert.deepEqual([restored.fpu.top, restored.fpu.emptyMask], [6, 0]);
});
