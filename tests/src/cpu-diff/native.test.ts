/**
 * Self-test of the native runner: snippets whose outcome is computed by hand, so the
 * reference side of the differential harness is itself checked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CODE_BASE, type CpuCase, DATA_BASE, DATA_SIZE, Exit } from './case.js';
import { FX_FSW, FX_MXCSR, fxsaveImage, stOffset, xmmOffset } from './fxsave.js';
import { runNative } from './native.js';

function snippet(bytes: number[], gpr: Record<number, bigint> = {}, rflags = 0n): CpuCase {
  const regs = new BigUint64Array(16);
  for (const [i, v] of Object.entries(gpr)) regs[Number(i)] = v;
  return {
    index: 0,
    form: 'self-test',
    text: bytes.map((b) => b.toString(16)).join(' '),
    initial: { gpr: regs, rflags, fxsave: fxsaveImage(), data: new Uint8Array(DATA_SIZE) },
    code: Uint8Array.from(bytes),
    undefined: { rflags: 0, fsw: 0, stUlp: [], gprs: [], data: [] },
    entry: 0,
  };
}

const RAX = 0, RCX = 1, RDX = 2, RBX = 3;
const CF = 1n, PF = 4n, AF = 0x10n, ZF = 0x40n, SF = 0x80n, OF = 0x800n;
const ARITH = CF | PF | AF | ZF | SF | OF;

test('add rax, rbx: sum, flags, int3 exit after the marker', () => {
  // 0x7fffffffffffffff + 1: signed overflow, sign set, AF from bit 3 carry, no CF.
  const [r] = runNative([snippet([0x48, 0x01, 0xd8, 0xcc], { [RAX]: 0x7fffffffffffffffn, [RBX]: 1n })]);
  assert.equal(r.vector, Exit.Breakpoint);
  assert.equal(r.ripOffset, 4n);
  assert.equal(r.gpr[RAX], 0x8000000000000000n);
  assert.equal(r.rflags & ARITH, OF | SF | AF | PF);
  // 0xffffffffffffffff + 1 = 0 with carry; other registers come back untouched.
  const [z] = runNative([snippet([0x48, 0x01, 0xd8, 0xcc], { [RAX]: 2n ** 64n - 1n, [RBX]: 1n, [RDX]: 0x1234n }, OF | SF)]);
  assert.equal(z.gpr[RAX], 0n);
  assert.equal(z.gpr[RDX], 0x1234n);
  assert.equal(z.rflags & ARITH, CF | ZF | PF | AF);
});

test('div by zero raises #DE at the divide, registers unchanged', () => {
  const [r] = runNative([snippet([0x48, 0xf7, 0xf1, 0xcc], { [RAX]: 5n, [RDX]: 0n, [RCX]: 0n })]); // div rcx
  assert.equal(r.vector, Exit.DivideError);
  assert.equal(r.ripOffset, 0n);
  assert.equal(r.gpr[RAX], 5n);
});

test('an access past the data region raises #PF with CR2 and the user read error code', () => {
  const addr = BigInt(DATA_BASE + DATA_SIZE + 8);
  const [r] = runNative([snippet([0x48, 0x8b, 0x03, 0xcc], { [RBX]: addr })]); // mov rax, [rbx]
  assert.equal(r.vector, Exit.PageFault);
  assert.equal(r.faultAddress, addr);
  assert.equal(r.errorCode, 4n); // U=1, W=0, P=0 (not present)
  assert.equal(r.ripOffset, 0n);
});

test('a write to the read-only data page raises #PF with P|W|U', () => {
  const addr = BigInt(DATA_BASE + 0x2010);
  const [r] = runNative([snippet([0x48, 0x89, 0x03, 0xcc], { [RBX]: addr })]); // mov [rbx], rax
  assert.equal(r.vector, Exit.PageFault);
  assert.equal(r.faultAddress, addr);
  assert.equal(r.errorCode, 7n);
});

test('ud2 raises #UD', () => {
  const [r] = runNative([snippet([0x0f, 0x0b, 0xcc])]);
  assert.equal(r.vector, Exit.InvalidOpcode);
  assert.equal(r.ripOffset, 0n);
});

test('memory stores, push and the full FXSAVE state come back', () => {
  const c = snippet([0x48, 0x89, 0x03, 0x53, 0xcc], { [RAX]: 0x1122334455667788n, [RBX]: BigInt(DATA_BASE + 0x100), 4: BigInt(DATA_BASE + 0x1800) }); // mov [rbx], rax; push rbx
  c.initial.data[0x200] = 0x5a;
  const fx = new DataView(c.initial.fxsave.buffer);
  fx.setUint32(FX_MXCSR, 0x7f80, true); // round down, all exceptions masked
  fx.setBigUint64(xmmOffset(15), 0xdeadbeefcafebabe0n & 0xffffffffffffffffn, true);
  fx.setBigUint64(stOffset(7), 0x8000000000000000n, true);
  const [r] = runNative([c]);
  assert.equal(r.vector, Exit.Breakpoint);
  const data = new DataView(r.data.buffer);
  assert.equal(data.getBigUint64(0x100, true), 0x1122334455667788n);
  assert.equal(data.getBigUint64(0x17f8, true), BigInt(DATA_BASE + 0x100));
  assert.equal(r.data[0x200], 0x5a);
  assert.equal(r.gpr[4], BigInt(DATA_BASE + 0x17f8));
  const out = new DataView(r.fxsave.buffer);
  assert.equal(out.getUint32(FX_MXCSR, true), 0x7f80);
  assert.equal(out.getBigUint64(xmmOffset(15), true), 0xdeadbeefcafebabe0n & 0xffffffffffffffffn);
  assert.equal(out.getBigUint64(stOffset(7), true), 0x8000000000000000n);
  assert.equal(out.getUint16(FX_FSW, true), 0);
});

test('a jump into unmapped memory faults on the fetch (I/D bit), an endless loop times out', () => {
  const [fetch, loop] = runNative([
    snippet([0xff, 0xe0], { [RAX]: 0x30000000n }), // jmp rax
    snippet([0xeb, 0xfe]), // jmp $
  ]);
  assert.equal(fetch.vector, Exit.PageFault);
  assert.equal(fetch.faultAddress, 0x30000000n);
  assert.equal(fetch.errorCode, 0x14n); // I/D | U
  assert.equal(fetch.ripOffset, 0x30000000n - BigInt(CODE_BASE));
  assert.equal(loop.vector, Exit.Timeout);
});

test('an invalid MXCSR is reported as a setup fault, not as the snippet\'s', () => {
  const c = snippet([0xcc]);
  new DataView(c.initial.fxsave.buffer).setUint32(FX_MXCSR, 0x10000, true);
  const [r] = runNative([c]);
  assert.equal(r.vector, Exit.SetupFault);
});
