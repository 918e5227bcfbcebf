/**
 * Generator properties: reproducible from the seed, each case rebuildable alone, and
 * the edges it is meant to reach are actually reached on the host CPU.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Exit } from './case.js';
import { candidateForms, formByName } from './forms.js';
import { generateCase, generateCases, sequencePools, singleCase } from './generate.js';
import { runNative } from './native.js';

const forms = candidateForms();

test('the same seed gives the same bytes; another seed does not; a case regenerates alone', () => {
  const a = generateCases(5, 300, forms);
  const b = generateCases(5, 300, forms);
  const c = generateCases(6, 300, forms);
  assert.deepEqual(a.map((x) => [x.code, x.initial]), b.map((x) => [x.code, x.initial]));
  assert.notDeepEqual(a.map((x) => x.initial.gpr), c.map((x) => x.initial.gpr));
  const alone = generateCase(5, 123, forms, sequencePools(forms));
  assert.deepEqual([alone.code, alone.initial, alone.text], [a[123].code, a[123].initial, a[123].text]);
});

test('the candidate forms cover the ISA groups the emulator must implement', () => {
  for (const name of ['Add_rm64_r64', 'Movsb_m8_m8', 'Fadd_m64fp', 'Addps_xmm_xmmm128', 'Pshufb_xmm_xmmm128', 'Pcmpistri_xmm_xmmm128_imm8',
    'Popcnt_r64_rm64', 'Movbe_r64_m64', 'Cmpxchg16b_m128', 'Jne_rel8_64', 'Retnq', 'Call_rm64',
    'Paddusb_mm_mmm64', 'Psllq_mm_imm8', 'Movq_rm64_mm', 'Emms', 'Maskmovq_rDI_mm_mm', 'Cvtpi2ps_xmm_mmm64', 'Pshufb_mm_mmm64']) {
    assert.ok(formByName(name), `${name} is generated`);
  }
  for (const name of ['Cpuid', 'Rdtsc', 'Syscall', 'Hlt', 'Wrfsbase_r64', 'Lfs_r64_m1664', 'Lzcnt_r32_rm32', 'Tzcnt_r64_rm64']) {
    assert.equal(formByName(name), undefined, name);
  }
});

test('generated cases reach the edges: faults of each kind, both branch outcomes, timeouts never', () => {
  const cases = generateCases(9, 6000, forms);
  const results = runNative(cases);
  const vectors = new Map<number, number>();
  results.forEach((r) => vectors.set(r.vector, (vectors.get(r.vector) ?? 0) + 1));
  for (const v of [Exit.Breakpoint, Exit.PageFault, Exit.DivideError, Exit.GeneralProtection, Exit.InvalidOpcode]) {
    assert.ok((vectors.get(v) ?? 0) > 0, `vector ${v} reached (${[...vectors]})`);
  }
  assert.equal(vectors.get(Exit.Timeout) ?? 0, 0, 'no case loops forever');
  assert.equal(vectors.get(Exit.SetupFault) ?? 0, 0, 'every initial state is loadable');
  // A conditional branch lands on one of two markers; both must occur.
  const jne = formByName('Jne_rel8_64')!;
  const branchCases = Array.from({ length: 40 }, (_, i) => singleCase(3, i, jne));
  const ends = new Set(runNative(branchCases).map((r, i) => Number(r.ripOffset) - branchCases[i].entry));
  assert.ok(ends.size >= 2, `taken and not-taken both seen (${[...ends]})`);
});

test('a shift by a masked count of 0 leaves every flag unchanged on the host (rule 2a holds)', () => {
  const shl = formByName('Shl_rm32_CL')!;
  let zero = 0;
  for (let i = 0; zero < 10 && i < 2000; i++) {
    const c = singleCase(11, i, shl);
    if ((c.initial.gpr[1] & 0x1fn) !== 0n || c.text.includes('[')) continue;
    zero++;
    assert.equal(c.undefined.rflags, 0);
    const [r] = runNative([c]);
    assert.equal(r.rflags & 0xcd5n, c.initial.rflags & 0xcd5n, c.text);
  }
  assert.ok(zero >= 10, 'enough zero-count cases were generated');
});
