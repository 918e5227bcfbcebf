import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prpSegments } from './nvme-prp.js';

const noList = () => assert.fail('no list expected');

test('PRP1 with an offset, then PRP2 as the second page', () => {
  assert.deepEqual(prpSegments(0x10200, 0x20000, 4096, noList), [{ address: 0x10200, length: 3584 }, { address: 0x20000, length: 512 }]);
  assert.deepEqual(prpSegments(0x10000, 0, 512, noList), [{ address: 0x10000, length: 512 }]);
});

test('a PRP list, chained when it fills its page', () => {
  const lists = new Map<number, number[]>();
  // 1 + 511 + 400 pages: the first list page holds 511 data entries and a chain pointer.
  const first = Array.from({ length: 511 }, (_, i) => 0x100000 + i * 4096);
  lists.set(0x50000, [...first, 0x60000]);
  lists.set(0x60000, Array.from({ length: 400 }, (_, i) => 0x900000 + i * 4096));
  const segs = prpSegments(0x1000, 0x50000, 4096 * 912, (addr, n) => lists.get(addr)!.slice(0, n));
  assert.equal(segs.length, 912);
  assert.equal(segs[1]!.address, 0x100000);
  assert.equal(segs[511]!.address, 0x100000 + 510 * 4096);
  assert.equal(segs[512]!.address, 0x900000);
  assert.equal(segs.at(-1)!.address, 0x900000 + 399 * 4096);
  assert.throws(() => prpSegments(0, 0x1234, 4096 * 2, noList), /not page aligned/);
});
