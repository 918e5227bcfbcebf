import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSpace } from './config-space.js';
import { PciBus, ConfigAccessError } from './bus.js';

const id = { vendor: 0x1b36, device: 0x0010, subsystemVendor: 0x1af4, subsystem: 0x1100, classCode: 1, subclass: 8, progIf: 2, revision: 2 };

test('BAR sizing: writing all ones reads back the size mask, as PCI 3.0 6.2.5.1 describes', () => {
  const c = new ConfigSpace(id, [{ size: 0x4000 }, { size: 0x400000, prefetchable: true }], 1);
  c.write(0x10, 4, 0xffffffff);
  const mask = c.read(0x10, 4);
  assert.equal(mask, 0xffffc000);
  assert.equal((~(mask & ~0xf) >>> 0) + 1, 0x4000);   // how an OS decodes the size
  c.write(0x14, 4, 0xffffffff);
  assert.equal(c.read(0x14, 4), 0xffc00008);           // prefetchable bit stays
  c.write(0x10, 4, 0xc0001234);
  assert.equal(c.barAddress(0), 0xc0000000);           // low bits below the size are hardwired zero
  assert.equal(c.read(0x18, 4), 0);                    // an unimplemented BAR reads zero, even after all ones
  c.write(0x18, 4, 0xffffffff);
  assert.equal(c.read(0x18, 4), 0);
});

test('identity registers are read-only; command keeps only its writable bits', () => {
  const c = new ConfigSpace(id, [{ size: 4096 }], 1);
  c.write(0x00, 4, 0xdeadbeef);
  assert.equal(c.read(0x00, 2), 0x1b36);
  assert.equal(c.read(0x02, 2), 0x0010);
  assert.equal(c.read(0x08, 4) >>> 8, 0x010802);
  assert.equal(c.read(0x2c, 4), 0x11001af4);
  c.write(0x04, 2, 0xffff);
  assert.equal(c.read(0x04, 2), 0x0407);
  assert.equal(c.read(0x3d, 1), 1);                    // INTA#
  c.write(0x3d, 1, 4);
  assert.equal(c.read(0x3d, 1), 1);
});

test('malformed configuration accesses are refused with the reason', () => {
  const bus = new PciBus();
  bus.attach(2, 0, { config: new ConfigSpace(id, [], 1), description: 'x' });
  assert.equal(bus.configRead('00:02.0', 0, 2), 0x1b36);
  assert.throws(() => bus.configRead('00:09.0', 0, 4), (e: Error) => e instanceof ConfigAccessError && /no PCI function at this address/.test(e.message));
  assert.throws(() => bus.configRead('0:2', 0, 4), /not a bus:device.function/);
  assert.throws(() => bus.configRead('00:20.0', 0, 4), /device number 32 is above 31/);
  assert.throws(() => bus.configRead('00:02.0', 2, 4), /not aligned/);
  assert.throws(() => bus.configRead('00:02.0', 0x100, 1), /outside the 256-byte/);
  assert.throws(() => bus.configRead('00:02.0', 0, 3), /size 3 is not 1, 2 or 4/);
  assert.throws(() => bus.configWrite('00:02.0', 4, 1, 0x100), /does not fit 1 bytes/);
});
