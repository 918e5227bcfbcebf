/**
 * The Fpu's calling contract as the CPU uses it: stack faults, the pending #MF
 * rule, store results and suppression, and the state images. (Instruction
 * semantics are checked against the host CPU in host-diff.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArithOp, Const, Eflags, Fpu } from './fpu.js';
import { FXSAVE_SIZE, FXSAVE_WRITTEN, SAVE_SIZE } from './image.js';

const ONE = [0, 0x80000000, 0x3fff] as const;

function loaded(...values: number[]): Fpu {
  const f = new Fpu();
  for (const v of values) f.fildI32(v);
  return f;
}

test('a ninth push overflows: IE, SF, C1 and the indefinite on top', () => {
  const f = loaded(1, 2, 3, 4, 5, 6, 7, 8);
  assert.equal(f.top, 0);
  f.fldConst(Const.One);
  assert.equal(f.fnstsw() & 0x3ff, 0x241); // C1 | SF | IE
  assert.equal(f.top, 7);
  assert.deepEqual([f.st(0).se, f.st(0).hi, f.st(0).lo], [0xffff, 0xc0000000, 0]);
  assert.equal(f.pendingFault, false); // masked
});

test('an unmasked exception leaves the stack alone and is pending until FNCLEX', () => {
  const f = loaded(1, 2, 3, 4, 5, 6, 7, 8);
  f.fldcw(0x037e); // IE unmasked
  f.fldConst(Const.One);
  assert.equal(f.top, 0);
  assert.equal(f.pendingFault, true);
  assert.equal(f.fnstsw() & 0x8080, 0x8080); // B and ES
  f.fnclex();
  assert.equal(f.pendingFault, false);
});

test('FLDCW unmasking a raised flag makes the fault pending', () => {
  const f = loaded(0);
  f.fldConst(Const.One);
  f.arithSt0(ArithOp.Div, 1); // 1 / 0: masked division by zero
  assert.equal(f.fnstsw() & 0x4, 0x4);
  assert.equal(f.pendingFault, false);
  f.fldcw(0x037b); // ZE unmasked
  assert.equal(f.pendingFault, true);
});

test('store forms return the value, or false when an unmasked exception forbids the write', () => {
  const f = new Fpu();
  f.fldF64(0, 0x40091eb8); // 3.14
  assert.equal(f.fstF64(false), true);
  assert.deepEqual([f.out0, f.out1], [0, 0x40091eb8]);
  f.fldF80(0, 0xc0000000, 0x7fff); // a QNaN: FIST of it is invalid
  f.fldcw(0x037e);
  assert.equal(f.fist(32, true, false), false);
  assert.equal(f.top, 6); // not popped
  f.fldcw(0x037f);
  assert.equal(f.fist(32, true, false), true);
  assert.equal(f.out0, 0x80000000); // the integer indefinite
  assert.equal(f.top, 7);
});

test('FCOMI reports through EFLAGS', () => {
  const f = loaded(2, 1); // st0 = 1, st1 = 2
  assert.equal(f.fcomi(1, false, false), Eflags.CF);
  f.fxch(1);
  assert.equal(f.fcomi(1, false, false), 0);
  f.fldSt(0);
  assert.equal(f.fcomi(1, true, false), Eflags.ZF);
  f.fldF80(0, 0xc0000000, 0xffff);
  assert.equal(f.fcomi(1, false, true), Eflags.ZF | Eflags.PF | Eflags.CF);
});

test('FNSTENV stores the environment and then masks every exception', () => {
  const f = loaded(5);
  f.fldcw(0x0360);
  const img = new Uint8Array(28);
  f.fnstenv(img, 0);
  assert.equal(img[0] | (img[1] << 8), 0x0360);
  assert.equal(f.fnstcw(), 0x037f);
  assert.equal(img[8] | (img[9] << 8), 0x3fff); // ST(0) = R7 valid, the rest empty
});

test('FNSAVE reinitializes and FRSTOR brings back the same state', () => {
  const f = loaded(1, -2, 3);
  f.fldcw(0x0b7f);
  f.fdecstp();
  f.fip = 0x401000;
  f.fop = 0x1d9;
  const a = new Uint8Array(SAVE_SIZE);
  f.fnsave(a, 0);
  assert.equal(f.fnstcw(), 0x037f);
  assert.equal(f.emptyMask, 0xff);
  f.frstor(a, 0);
  const b = new Uint8Array(SAVE_SIZE);
  f.fnsave(b, 0);
  assert.deepEqual(b, a);
});

test('FXSAVE/FXRSTOR round trip, XMM bytes and both pointer layouts', () => {
  for (const rexW of [false, true]) {
    const f = loaded(7, 8);
    f.fip = 0x12345678;
    f.fcs = 0x33;
    f.fdp = 0x9abcdef0;
    f.fds = 0x2b;
    const xmm = Uint8Array.from({ length: 256 }, (_, i) => i);
    const img = new Uint8Array(FXSAVE_SIZE).fill(0xee);
    f.fxsave(img, 0, xmm, 0x1fa0, rexW);
    assert.equal(img[4], 0xc0); // abridged tag: R6, R7 in use
    assert.deepEqual([...img.subarray(32, 42)], [0, 0, 0, 0, 0, 0, 0, 0x80, 0x02, 0x40]); // ST(0) = 8
    assert.deepEqual([...img.subarray(12, 14)], rexW ? [0, 0] : [0x33, 0]);
    assert.deepEqual(img.subarray(160, 416), xmm);
    assert.ok(img.subarray(FXSAVE_WRITTEN).every((b) => b === 0xee), 'bytes 416.. untouched');
    const g = new Fpu();
    const xmm2 = new Uint8Array(256);
    assert.equal(g.fxrstor(img, 0, xmm2, rexW), 0x1fa0);
    assert.deepEqual(xmm2, xmm);
    const again = new Uint8Array(FXSAVE_SIZE).fill(0xee);
    g.fxsave(again, 0, xmm2, 0x1fa0, rexW);
    assert.deepEqual(again, img);
  }
});

test('memory operands load and store bit for bit', () => {
  const f = new Fpu();
  f.fldF80(...ONE);
  f.fldF80(0x89abcdef, 0x01234567, 0x7fff); // a pseudo-NaN loads unchanged
  assert.equal(f.fstpF80(), true);
  assert.deepEqual([f.out0, f.out1, f.out2], [0x89abcdef, 0x01234567, 0x7fff]);
  f.fbld(0x56781234, 0x00000090, 0x8000); // -901234 5678... as BCD digits
  assert.equal(f.fbstp(), true);
  assert.deepEqual([f.out0, f.out1, f.out2], [0x56781234, 0x00000090, 0x8000]);
});

test('copyFrom duplicates the whole state and shares nothing', () => {
  const f = loaded(1, -2, 3);
  f.fldcw(0x0b7e);
  f.fxch(2); // swaps register objects: the copy must follow contents, not identity
  f.arithSt0(ArithOp.Div, 5); // empty ST(5): unmasked stack fault, pending
  f.fip = 0x401000;
  f.fdp = 0x7fff0000;
  f.fop = 0x1d9;
  const g = new Fpu();
  g.copyFrom(f);
  const a = new Uint8Array(SAVE_SIZE);
  const b = new Uint8Array(SAVE_SIZE);
  f.fnsave(a, 0); // FNSAVE reinitialises f, which must not touch g
  g.fnsave(b, 0);
  assert.deepEqual(b, a);
  assert.equal(g.pendingFault, false);
  g.frstor(b, 0);
  assert.equal(g.pendingFault, true);
  assert.equal(f.pendingFault, false);
});

test('undoStore takes back a store whose write faulted: pop, flags and C1', () => {
  const f = loaded(3);
  f.fldF64(0x9999999a, 0x3fb99999); // 0.1: FIST is inexact
  const before = new Uint8Array(SAVE_SIZE);
  const g = new Fpu();
  g.copyFrom(f);
  g.fnsave(before, 0);
  assert.equal(f.fist(32, true, false), true);
  assert.notEqual(f.top, 6);
  f.undoStore();
  const after = new Uint8Array(SAVE_SIZE);
  f.fnsave(after, 0);
  assert.deepEqual(after, before);
});
