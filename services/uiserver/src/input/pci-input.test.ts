/**
 * The input driver's ring handling and event translation, against a device
 * port that behaves as the devices' input functions are documented to (records
 * written at TAIL modulo the ring size, HEAD moved by the driver, an interrupt
 * while HEAD != TAIL). The real device is exercised once the devices land.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PciInput, PciInputDevice, type EvdevEvent } from './pci-input.js';
import type { DevicePort } from '../display/device-port.js';
import type { InputEvent } from './source.js';
import { BTN, KEY } from './keycodes.js';

class RingDevice implements DevicePort {
  regs = new Map<number, number>([[0x00, 0x52494e31], [0x04, 1], [0x20, 0], [0x24, 0], [0x28, 0]]);
  mem = new Uint8Array(1 << 16);
  acks = 0;
  onInterrupt: (e: unknown) => void = () => {};
  constructor(kind: 1 | 2) { this.regs.set(0x04, kind); if (kind === 2) { this.regs.set(0x24, 32767); this.regs.set(0x28, 32767); } }
  async mmioRead(_bar: number, off: number) { return this.regs.get(off) ?? 0; }
  async mmioWrite(_bar: number, off: number, v: number) { this.regs.set(off, v); }
  async mmioWriteBlock() { throw new Error('not a framebuffer'); }
  async dmaAlloc(length: number) { return { address: 0x1000, length }; }
  async dmaRead(address: number, length: number) { return this.mem.slice(address, address + length); }
  async dmaWrite(address: number, data: Uint8Array) { this.mem.set(data, address); }
  async irqSubscribe() { return 5; }
  async irqAck() { this.acks++; }
  /** The device side: append records at TAIL and interrupt. */
  push(events: EvdevEvent[]) {
    const size = this.regs.get(0x18)!, ring = this.regs.get(0x10)!;
    let tail = this.regs.get(0x20)!;
    const view = new DataView(this.mem.buffer);
    for (const e of events) {
      const at = ring + (tail % size) * 16;
      view.setBigUint64(at, 0n, true); view.setUint16(at + 8, e.type, true); view.setUint16(at + 10, e.code, true); view.setInt32(at + 12, e.value, true);
      tail = (tail + 1) >>> 0;
    }
    this.regs.set(0x20, tail);
    this.onInterrupt({});
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

test('keyboard records are read across the ring\'s wrap and HEAD follows TAIL', async () => {
  const port = new RingDevice(1);
  port.regs.set(0x20, 0xfffffffe);   // TAIL near the 32-bit wrap, as after a long uptime
  const dev = await PciInputDevice.open(port, 'keyboard', (m) => assert.fail(m), 4);
  assert.equal(port.regs.get(0x08), 3);
  const seen: InputEvent[] = [];
  const input = new PciInput(dev, undefined, async () => {}, { width: 100, height: 100 });
  input.onEvent((e) => seen.push(e));
  for (let round = 0; round < 3; round++) {
    port.push([{ type: 1, code: KEY.A, value: 1 }, { type: 0, code: 0, value: 0 }, { type: 1, code: KEY.A, value: 0 }]);
    await tick();
  }
  assert.equal(seen.length, 6);
  assert.deepEqual(seen.slice(0, 2), [{ kind: 'key', code: KEY.A, down: true }, { kind: 'key', code: KEY.A, down: false }]);
  assert.equal(port.regs.get(0x1c), port.regs.get(0x20));
  assert.equal(port.acks, 3);
});

test('pointer: absolute axes scale to the screen, buttons accumulate, SYN reports', async () => {
  const port = new RingDevice(2);
  const dev = await PciInputDevice.open(port, 'pointer', (m) => assert.fail(m));
  const injected: [string, EvdevEvent[]][] = [];
  const input = new PciInput(undefined, dev, async (d, evs) => { injected.push([d, evs]); }, { width: 1024, height: 768 });
  const seen: InputEvent[] = [];
  input.onEvent((e) => seen.push(e));
  port.push([{ type: 3, code: 0, value: 32767 }, { type: 3, code: 1, value: 0 }, { type: 1, code: BTN.LEFT, value: 1 }, { type: 0, code: 0, value: 0 }]);
  await tick();
  assert.deepEqual(seen, [{ kind: 'pointer', x: 1023, y: 0, buttons: 1 }]);
  // Injection sends absolute coordinates in the device's range and only the buttons that changed.
  await input.inject({ kind: 'pointer', x: 1023, y: 767, buttons: 2 });
  await input.inject({ kind: 'pointer', x: 0, y: 0, buttons: 2 });
  assert.deepEqual(injected[0], ['pointer', [{ type: 3, code: 0, value: 32767 }, { type: 3, code: 1, value: 32767 }, { type: 1, code: BTN.RIGHT, value: 1 }]]);
  assert.deepEqual(injected[1], ['pointer', [{ type: 3, code: 0, value: 0 }, { type: 3, code: 1, value: 0 }]]);
  await input.inject({ kind: 'key', code: KEY.ENTER, down: true });
  assert.deepEqual(injected[2], ['keyboard', [{ type: 1, code: KEY.ENTER, value: 1 }]]);
});

test('a function of the wrong kind is refused', async () => {
  await assert.rejects(PciInputDevice.open(new RingDevice(2), 'keyboard', () => {}), /not an input function of that kind/);
});
