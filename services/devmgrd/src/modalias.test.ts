import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pciModalias } from './modalias.js';

test('modalias matches what Linux prints for a QEMU NVMe controller', () => {
  // /sys/bus/pci/devices/0000:00:04.0/modalias on a QEMU guest with -device nvme.
  assert.equal(pciModalias({ vendor: 0x1b36, device: 0x0010, subsystemVendor: 0x1af4, subsystem: 0x1100, classCode: 0x01, subclass: 0x08, progIf: 0x02 }),
    'pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02');
});

test('hex digits are upper case and zero padded', () => {
  assert.equal(pciModalias({ vendor: 0x8086, device: 0x100e, subsystemVendor: 0xabc, subsystem: 1, classCode: 2, subclass: 0, progIf: 0 }),
    'pci:v00008086d0000100Esv00000ABCsd00000001bc02sc00i00');
});
