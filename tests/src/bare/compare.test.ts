// The one tolerance in the whole-program comparison: x87 transcendental results
// may differ from Intel's by one unit in the last place, and by nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptLastBit } from './compare.js';

const line = (mant: string, se = '3ffc') => Buffer.from(` logl=3ffd:9a209a852b904525 powl=${se}:${mant}\n`);

test('a last-bit difference in a transcendental result is accepted, nothing more', () => {
  const native = line('b504f3357e9ad334');
  assert.deepEqual(acceptLastBit(native, line('b504f3357e9ad335')), native, '+1 ulp');
  assert.deepEqual(acceptLastBit(native, line('b504f3357e9ad333')), native, '-1 ulp');
  assert.notDeepEqual(acceptLastBit(native, line('b504f3357e9ad336')), native, '2 ulps');
  assert.notDeepEqual(acceptLastBit(native, line('b504f3357e9ad334', '3ffd')), native, 'another exponent');
});
