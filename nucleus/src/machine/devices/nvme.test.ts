/**
 * The NVMe controller at the register and queue level, driven the way the
 * spec's initialisation sequence (7.6.1) does, with DMA through a real
 * granted window of emulated RAM and the disk in a real host file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhysicalMemory } from '../memory.js';
import { FrameAllocator } from '../../mm/frames.js';
import { IrqController } from './irq-controller.js';
import { DmaDomain } from './dma.js';
import { NvmeController, SC } from './nvme.js';

function setup(faults: (p: string) => { fail?: boolean } | undefined = () => undefined) {
  const ram = new PhysicalMemory(4 * 2 ** 20);
  const irq = new IrqController();
  const path = join(mkdtempSync(join(tmpdir(), 'nvme-')), 'disk.img');
  const c = new NvmeController(irq, 18, { path, sizeBytes: 2 ** 20, serial: 'S1', faults });
  const dma = new DmaDomain(ram, new FrameAllocator(ram), 'test');
  c.dma = dma;
  c.config.write(0x04, 2, 0x6);
  let irqs = 0;
  irq.route(18, () => irqs++);
  const w = dma.allocate(6 * 4096);
  const asq = w.address, acq = w.address + 4096, buf = w.address + 2 * 4096;
  c.mmioWrite(0, 0x24, (3 << 16) | 3, 4);   // 4-entry admin queues: the phase wraps quickly
  c.mmioWrite(0, 0x28, asq % 2 ** 32, 4); c.mmioWrite(0, 0x2c, Math.floor(asq / 2 ** 32), 4);
  c.mmioWrite(0, 0x30, acq % 2 ** 32, 4); c.mmioWrite(0, 0x34, Math.floor(acq / 2 ** 32), 4);
  c.mmioWrite(0, 0x14, 1 | (6 << 16) | (4 << 20), 4);
  let tail = 0, head = 0, cid = 1;
  const admin = (op: number, cdw10: number, extra: { nsid?: number; prp1?: number; cdw11?: number } = {}) => {
    const e = new Uint8Array(64); const v = new DataView(e.buffer);
    v.setUint32(0, op | (cid << 16), true); v.setUint32(4, extra.nsid ?? 0, true);
    v.setBigUint64(24, BigInt(extra.prp1 ?? buf), true); v.setUint32(40, cdw10, true); v.setUint32(44, extra.cdw11 ?? 0, true);
    dma.write(asq + tail * 64, e);
    tail = (tail + 1) % 4;
    c.mmioWrite(0, 0x1000, tail, 4);
    const ce = new DataView(dma.read(acq + head * 16, 16).buffer);
    head = (head + 1) % 4;
    c.mmioWrite(0, 0x1004, head, 4);
    return { cid: ce.getUint16(12, true), phase: ce.getUint16(14, true) & 1, status: ce.getUint16(14, true) >> 1, sqHead: ce.getUint16(8, true), id: cid++ };
  };
  return { c, dma, path, buf, admin, irqs: () => irqs };
}

test('registers: CAP, VS, enable sets CSTS.RDY, disable clears it', () => {
  const { c } = setup();
  assert.equal(c.mmioRead(0, 0x00, 4) & 0xffff, 1023, 'CAP.MQES');
  assert.equal((c.mmioRead(0, 0x00, 4) >>> 16) & 1, 1, 'CAP.CQR');
  assert.equal(c.mmioRead(0, 0x04, 4) & 0xf, 0, 'CAP.DSTRD');
  assert.equal((c.mmioRead(0, 0x04, 4) >>> 5) & 1, 1, 'CAP.CSS NVM');
  assert.equal(c.mmioRead(0, 0x08, 4), 0x00010400);
  assert.equal(c.mmioRead(0, 0x1c, 4) & 1, 1);
  c.mmioWrite(0, 0x14, 0, 4);
  assert.equal(c.mmioRead(0, 0x1c, 4) & 1, 0);
  c.mmioWrite(0, 0x14, 1 | (1 << 7), 4);   // MPS 8 KiB: not supported
  assert.equal(c.mmioRead(0, 0x1c, 4) & 2, 2, 'CSTS.CFS');
});

test('admin: Identify controller and namespace, phase tag flips when the completion queue wraps', () => {
  const { admin, dma, buf, irqs } = setup();
  const phases: number[] = [];
  for (let i = 0; i < 6; i++) {
    const r = admin(0x06, 1);
    assert.equal(r.status, SC.SUCCESS);
    assert.equal(r.cid, r.id);
    phases.push(r.phase);
  }
  assert.deepEqual(phases, [1, 1, 1, 1, 0, 0]);
  const id = dma.read(buf, 4096);
  assert.equal(new TextDecoder().decode(id.subarray(24, 64)).trim(), 'RustOS-TS NVMe disk');
  assert.equal(id[512], 0x66);
  assert.equal(admin(0x06, 0, { nsid: 1 }).status, 0);
  const ns = new DataView(dma.read(buf, 4096).buffer);
  assert.equal(Number(ns.getBigUint64(0, true)), 2048);
  assert.equal(Number(ns.getBigUint64(16, true)), 0, 'NUSE: a new sparse disk holds no blocks');
  assert.equal(ns.getUint8(24) & 1, 1, 'NSFEAT.THINP');
  assert.equal(ns.getUint8(33) & 7, 1, 'DLFEAT: deallocated blocks read as zeroes');
  assert.equal((ns.getUint32(128, true) >>> 16) & 0xff, 9);
  assert.equal(admin(0x06, 0, { nsid: 7 }).status, SC.INVALID_NAMESPACE);
  assert.equal(admin(0x06, 0x13).status, SC.INVALID_FIELD);
  assert.equal(admin(0x7f, 0).status, SC.INVALID_OPCODE);
  assert.ok(irqs() >= 1);
});

test('I/O queues: create, write with a PRP list, flush, read back, the host file holds the data', () => {
  const { c, admin, dma, path, buf } = setup();
  const w = dma.allocate(64 * 1024 + 3 * 4096);
  const sq = w.address, cq = w.address + 4096, list = w.address + 2 * 4096, data = w.address + 3 * 4096;
  assert.equal(admin(0x01, (7 << 16) | 1, { prp1: sq, cdw11: (1 << 16) | 1 }).status, SC.CQ_INVALID, 'SQ before its CQ');
  assert.equal(admin(0x05, (7 << 16) | 1, { prp1: cq, cdw11: 3 }).status, 0);
  assert.equal(admin(0x01, (7 << 16) | 1, { prp1: sq, cdw11: (1 << 16) | 1 }).status, 0);
  assert.equal(admin(0x04, 1).status, SC.INVALID_QDELETION, 'CQ still used by an SQ');
  const lv = new DataView(new ArrayBuffer(4096));
  for (let i = 1; i < 16; i++) lv.setBigUint64((i - 1) * 8, BigInt(data + i * 4096), true);
  dma.write(list, new Uint8Array(lv.buffer));
  const pattern = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 7 + 3) & 0xff);
  dma.write(data, pattern);
  let tail = 0, head = 0;
  const io = (op: number, slba: number, nlb: number) => {
    const e = new Uint8Array(64); const v = new DataView(e.buffer);
    v.setUint32(0, op | (9 << 16), true); v.setUint32(4, 1, true);
    v.setBigUint64(24, BigInt(data), true); v.setBigUint64(32, BigInt(nlb * 512 > 8192 ? list : data + 4096), true);
    v.setBigUint64(40, BigInt(slba), true); v.setUint32(48, nlb - 1, true);
    dma.write(sq + tail * 64, e); tail = (tail + 1) % 8;
    c.mmioWrite(0, 0x1008, tail, 4);
    const ce = new DataView(dma.read(cq + head * 16, 16).buffer);
    head = (head + 1) % 8; c.mmioWrite(0, 0x100c, head, 4);
    return ce.getUint16(14, true) >> 1;
  };
  assert.equal(io(0x01, 100, 128), 0);
  assert.equal(io(0x00, 0, 1), 0);
  dma.write(data, new Uint8Array(64 * 1024));
  assert.equal(io(0x02, 100, 128), 0);
  assert.deepEqual(dma.read(data, 64 * 1024), pattern);
  assert.deepEqual(new Uint8Array(readFileSync(path).subarray(100 * 512, 100 * 512 + 65536)), pattern);
  assert.equal(statSync(path).size, 2 ** 20);
  assert.equal(admin(0x06, 0, { nsid: 1 }).status, 0);
  const used = Number(new DataView(dma.read(buf, 4096).buffer).getBigUint64(16, true));
  assert.ok(used >= 128 && used < 2048, `NUSE after writing 128 blocks: ${used}`);
  assert.equal(io(0x02, 2047, 2), SC.LBA_OUT_OF_RANGE);
  assert.equal(io(0x09, 0, 1), SC.INVALID_OPCODE);
});

test('fault points complete the command with a media error status', () => {
  const { admin, c, dma } = setup((p) => (p === 'block.read' ? { fail: true } : undefined));
  const w = dma.allocate(4 * 4096);
  admin(0x05, (3 << 16) | 1, { prp1: w.address + 4096, cdw11: 3 });
  admin(0x01, (3 << 16) | 1, { prp1: w.address, cdw11: (1 << 16) | 1 });
  const e = new Uint8Array(64); const v = new DataView(e.buffer);
  v.setUint32(0, 0x02 | (1 << 16), true); v.setUint32(4, 1, true); v.setBigUint64(24, BigInt(w.address + 8192), true);
  dma.write(w.address, e);
  c.mmioWrite(0, 0x1008, 1, 4);
  const status = new DataView(dma.read(w.address + 4096, 16).buffer).getUint16(14, true) >> 1;
  assert.equal(status, SC.UNRECOVERED_READ);
});

test('DMA outside the granted window: refused before any byte moves, the command fails with Data Transfer Error', () => {
  const { admin, dma } = setup();
  const before = dma.granted;
  assert.throws(() => dma.read(0x1000, 16), /outside the windows granted to test/);
  assert.throws(() => dma.write(before[0]!.address + before[0]!.length - 8, new Uint8Array(16)), /outside the windows/);
  assert.equal(admin(0x06, 1, { prp1: 0x2000 }).status, SC.DATA_TRANSFER_ERROR);
});

test('the PCI command register gates the device: no MMIO without memory space, no DMA without bus mastering', () => {
  const { c, admin } = setup();
  c.config.write(0x04, 2, 0x2);   // memory space on, bus master off
  const r = admin(0x06, 1);
  assert.equal(r.cid, 0, 'no completion was written (the slot is still empty)');
  assert.equal(c.mmioRead(0, 0x1c, 4) & 2, 2, 'CSTS.CFS: the controller could not fetch its queue');
  c.config.write(0x04, 2, 0x0);
  assert.throws(() => c.mmioRead(0, 0x1c, 4), /memory space is disabled \(PCI command register\)/);
  assert.throws(() => c.mmioRead(0, 0x3ffc + 8, 4), /memory space is disabled/);
  c.config.write(0x04, 2, 0x6);
  assert.throws(() => c.mmioRead(0, 0x4000, 4), /outside the 16384-byte BAR/);
  assert.throws(() => c.mmioRead(0, 0x2, 4), /unaligned/);
  assert.throws(() => c.mmioRead(1, 0, 4), /no BAR 1/);
});
