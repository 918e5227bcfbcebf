/**
 * storaged's NVMe driver against the emulated controller (in this process,
 * DMA through a granted window): initialisation, Identify, a pattern written,
 * flushed and read back through the driver — and identical in the host file,
 * read with plain fs calls. Errors name the command and the status.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IrqController } from '@rustos/nucleus/dist/machine/devices/irq-controller.js';
import { NvmeController } from '@rustos/nucleus/dist/machine/devices/nvme.js';
import { NvmeDriver } from '@rustos/storaged/dist/nvme/driver.js';
import { LocalPort } from './local-port.js';

function controller(faults: (p: string) => { fail?: boolean } | undefined = () => undefined) {
  const irq = new IrqController();
  const path = join(mkdtempSync(join(tmpdir(), 'nvme-driver-')), 'disk.img');
  const nvme = new NvmeController(irq, 18, { path, sizeBytes: 8 * 2 ** 20, serial: 'TEST-SERIAL', faults });
  return { nvme, path, port: new LocalPort(nvme, irq) };
}

function hostRead(path: string, offset: number, length: number): Uint8Array {
  const fd = openSync(path, 'r');
  const out = new Uint8Array(length);
  readSync(fd, out, 0, length, offset);
  closeSync(fd);
  return out;
}

test('init, Identify, write/flush/read of a pattern; the host file holds the same bytes', async () => {
  const { nvme, path, port } = controller();
  const d = await NvmeDriver.open(port);
  assert.equal(d.identify.serial, 'TEST-SERIAL');
  assert.equal(d.identify.model, 'RustOS-TS NVMe disk');
  assert.equal(d.identify.version, '1.4.0');
  assert.equal(d.blockSize, 512);
  assert.equal(d.blocks, 16384);
  // 2.5 MiB crosses the 1 MiB transfer limit (split commands) and uses PRP lists.
  const pattern = Uint8Array.from({ length: 2560 * 1024 }, (_, i) => (i * 31 + (i >> 9)) & 0xff);
  await d.write(777, pattern);
  await d.flush();
  assert.deepEqual(await d.read(777, pattern.length / 512), pattern);
  assert.deepEqual(hostRead(path, 777 * 512, pattern.length), pattern);
  // Enough commands to wrap the 64-entry I/O queues several times (phase tags).
  for (let i = 0; i < 200; i++) await d.write(i, new Uint8Array(512).fill(i & 0xff));
  for (let i = 0; i < 200; i += 37) assert.equal((await d.read(i, 1))[100], i & 0xff);
  await d.close();
  nvme.close();
});

test('errors: out of range before submission, media errors name the command and status', async () => {
  let failReads = false;
  const { nvme, port } = controller((p) => (p === 'block.read' && failReads ? { fail: true } : undefined));
  const d = await NvmeDriver.open(port);
  await assert.rejects(d.read(16383, 2), /outside the namespace's 16384 blocks/);
  await assert.rejects(d.write(0, new Uint8Array(100)), /not a multiple of the 512-byte block/);
  failReads = true;
  await assert.rejects(d.read(0, 1), /Read \(opcode 02h\) LBA 0 count 1 failed: status SCT 2 SC 0x81 \(Unrecovered Read Error\)/);
  failReads = false;
  assert.equal((await d.read(0, 1)).length, 512, 'the controller carries on');
  nvme.close();
});

test('a command that never completes times out with its name', async () => {
  const { nvme, port } = controller();
  const d = await NvmeDriver.open(port, { commandTimeoutMs: 200 });
  port.onInterrupt = () => {};   // interrupts lost
  await assert.rejects(d.flush(), /Flush \(opcode 00h\) failed: no completion within 200 ms/);
  nvme.close();
});
