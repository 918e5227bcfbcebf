/**
 * CPUID: a consistent Intel model, topology from the vCPU count, and feature
 * bits that follow the handler registry (registering handlers for every form
 * of a feature turns its bit on).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpuidLeaf, refreshCpuidFeatures } from "./cpuid.js";
import { forms } from "../decode/forms.js";
import { isImplemented, register } from "./registry.js";
import "./index.js";

function leaf(l: number, sub = 0, cpu = 0, vcpus = 1): number[] {
  return Array.from(cpuidLeaf(l, sub, cpu, vcpus), (v) => v >>> 0);
}

function text(...regs: number[]): string {
  return regs.map((r) => String.fromCharCode(r & 255, (r >> 8) & 255, (r >> 16) & 255, r >>> 24)).join("");
}

test("vendor, model and brand", () => {
  const [max, b, c, d] = leaf(0);
  assert.equal(text(b, d, c), "GenuineIntel");
  assert.equal(max, 0xb);
  const eax = leaf(1)[0];
  assert.equal((eax >> 8) & 15, 6, "family 6");
  assert.equal(((eax >> 12) & 0xf0) | ((eax >> 4) & 15), 0x1a, "model 0x1A (Nehalem)");
  const brand = [2, 3, 4].flatMap((k) => leaf(0x80000000 + k));
  assert.match(text(...brand), /^Intel\(R\) Core\(TM\) i7 CPU +920 +@ 2\.67GHz\0*$/);
  assert.equal(leaf(0x80000008)[0], (48 << 8) | 39);
});

test("feature bits are exactly what is implemented", () => {
  const [, , ecx, edx] = leaf(1);
  const bit = (v: number, n: number) => (v >>> n) & 1;
  assert.equal(bit(edx, 4), 1, "TSC");
  assert.equal(bit(edx, 8), 1, "CX8");
  assert.equal(bit(edx, 15), 1, "CMOV");
  assert.equal(bit(edx, 19), 1, "CLFSH");
  assert.equal(bit(edx, 24), 1, "FXSR");
  assert.equal(bit(edx, 23), 1, "MMX");
  assert.equal(bit(ecx, 13), 1, "CX16");
  assert.equal(bit(ecx, 23), 1, "POPCNT");
  for (const [n, name] of [[26, "XSAVE"], [27, "OSXSAVE"], [28, "AVX"], [22, "MOVBE"], [30, "RDRAND"]] as const) {
    assert.equal(bit(ecx, n), 0, name);
  }
  // x87 and SSE arrive with other engineers' handlers; until then their bits must be off.
  const fpuDone = forms.filter((f) => f.features.includes("fpu")).every(isImplemented);
  assert.equal(bit(edx, 0), fpuDone ? 1 : 0, "FPU follows the x87 handlers");
  const sse2Done = forms.filter((f) => f.features.includes("sse2")).every(isImplemented);
  assert.equal(bit(edx, 26), sse2Done ? 1 : 0, "SSE2 follows the SSE2 handlers");
  // glibc's x86-64 baseline (CMOV CX8 FPU FXSR MMX SSE SSE2): every form tagged with them has a handler.
  for (const tag of ["cmov", "cx8", "fpu", "fxsr", "mmx", "sse", "sse2"]) {
    const missing = forms.filter((f) => f.features.includes(tag) && !isImplemented(f)).map((f) => f.key);
    assert.deepEqual(missing, [], `${tag} forms without handlers`);
  }
  for (const [n, name] of [[0, "FPU"], [8, "CX8"], [15, "CMOV"], [23, "MMX"], [24, "FXSR"], [25, "SSE"], [26, "SSE2"]] as const) {
    assert.equal(bit(edx, n), 1, `${name} (x86-64 baseline)`);
  }
  const [, , ecx81, edx81] = leaf(0x80000001);
  assert.equal(bit(ecx81, 0), 1, "LAHF/SAHF");
  assert.equal(bit(edx81, 11) & bit(edx81, 20) & bit(edx81, 27) & bit(edx81, 29), 1, "SYSCALL NX RDTSCP LM");
  const leaf7 = leaf(7);
  assert.deepEqual(leaf7, [0, 0, 0, 0], "no FSGSBASE, BMI, AVX2, ERMS");
});

test("a feature turns on when every form of it has a handler", () => {
  // PCLMULQDQ has decoder forms and no handlers: its bit (leaf 1 ECX bit 1) is off until they exist.
  assert.ok(forms.some((f) => f.features.includes("pclmul") && !isImplemented(f)), "PCLMULQDQ is still unimplemented");
  assert.equal((leaf(1)[2] >> 1) & 1, 0, "PCLMULQDQ off");
  for (const f of forms) {
    if (f.features.includes("pclmul") && !isImplemented(f)) register(f.key, () => {});
  }
  refreshCpuidFeatures();
  assert.equal((leaf(1)[2] >> 1) & 1, 1, "PCLMULQDQ on");
});

test("cache descriptors and topology follow the vCPU count", () => {
  assert.equal(leaf(2)[0] & 0xff, 1);
  assert.equal((leaf(2)[0] >> 8) & 0xff, 0xff, "descriptor FF: use leaf 4");
  const size = (sub: number) => {
    const [eax, ebx, ecx] = leaf(4, sub, 0, 4);
    return { type: eax & 31, level: (eax >> 5) & 7, bytes: (((ebx >>> 22) + 1) * (((ebx >> 12) & 0x3ff) + 1) * ((ebx & 0xfff) + 1) * (ecx + 1)), cores: (eax >>> 26) + 1 };
  };
  assert.deepEqual(size(0), { type: 1, level: 1, bytes: 32768, cores: 4 });
  assert.deepEqual(size(2), { type: 3, level: 2, bytes: 262144, cores: 4 });
  assert.equal(size(3).bytes, 8 << 20);
  assert.equal(leaf(4, 4)[0] & 31, 0, "no more caches");
  const [, ebx1, , edx1] = leaf(1, 0, 2, 4);
  assert.equal((ebx1 >> 16) & 0xff, 4, "logical processors");
  assert.equal(ebx1 >>> 24, 2, "APIC id = vCPU index");
  assert.equal((edx1 >> 28) & 1, 1, "HTT with several vCPUs");
  assert.equal((leaf(1, 0, 0, 1)[3] >> 28) & 1, 0, "no HTT with one vCPU");
  const core = leaf(0xb, 1, 3, 4);
  assert.equal(core[1], 4);
  assert.equal(core[0], 2, "x2APIC id shift for 4 cores");
  assert.equal(core[3], 3);
  assert.equal((core[2] >> 8) & 0xff, 2, "core level");
  assert.deepEqual(leaf(0x20, 1, 3, 4), core, "leaves above the maximum return the highest basic leaf");
});
