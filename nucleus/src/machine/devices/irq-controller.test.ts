import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IrqController } from './irq-controller.js';

test('level pin: one delivery until EOI, redelivered while still asserted, silent when masked', () => {
  const irq = new IrqController();
  const got: number[] = [];
  const vector = irq.route(18, (v) => got.push(v));
  irq.setLine(18, true);
  irq.setLine(18, true);
  assert.deepEqual(got, [vector]);
  assert.equal(irq.entry(18).remoteIrr, true);
  irq.eoi(18);
  assert.equal(got.length, 2, 'still asserted after EOI: delivered again');
  irq.setLine(18, false);
  irq.eoi(18);
  assert.equal(got.length, 2);
  irq.setMask(18, true);
  irq.setLine(18, true);
  assert.equal(got.length, 2);
  irq.setMask(18, false);
  assert.equal(got.length, 3, 'unmasking a pending level line delivers it');
});

test('edge pin: one delivery per rising edge', () => {
  const irq = new IrqController();
  let n = 0;
  irq.route(5, () => n++, { level: false });
  irq.setLine(5, true);
  irq.setLine(5, true);
  irq.setLine(5, false);
  irq.setLine(5, true);
  assert.equal(n, 2);
  assert.throws(() => irq.route(24, () => {}), /pin 24/);
});
