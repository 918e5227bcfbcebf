/**
 * The device fault-injection points on a booted system: block.read,
 * block.write and block.flush complete NVMe commands with error statuses the
 * driver reports by command and status; display.present fails presents (the
 * adapter interrupts, uiserver's driver logs and clears it);
 * input.event.enqueue drops injected events; driver.module.load fails a
 * module load (driverd reports it, other devices bind); pci.config.read fails
 * a configuration read. Every firing is a faults.fired milestone and the
 * system stays ready.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { grpc, unaryCall, ROOT, openDevice, type ServiceContext, type DeviceSession } from '@rustos/platform';
import { NvmeDriver } from '@rustos/storaged/dist/nvme/driver.js';
import { LocalSystem } from '../local/system.js';
import { startProbeOn } from '../local/probe.js';

let sys: LocalSystem;
let probe: ServiceContext;
const FAULTS = [
  'block.write=fail-after:2', 'block.flush=fail', 'block.read=drop-every:3',
  'display.present=drop-every:5', 'input.event.enqueue=drop-every:2',
  'driver.module.load=fail-after:5', 'pci.config.read=fail-after:30',
].join(',');

before(async () => {
  sys = await LocalSystem.boot({ tools: true, env: { RUSTOS_UI_HTTP: '127.0.0.1:0', RUSTOS_DISK_MB: '8', RUSTOS_FAULTS: FAULTS, RUSTOS_DRIVER_MANIFESTS: join(ROOT, 'tests', 'fixtures', 'nvme-devprobe') } });
  probe = await startProbeOn(sys, 'devprobe');
});

after(async () => {
  await probe?.shutdown();
  await sys?.down();
});

const fired = async (point: string) => (await sys.milestones()).filter((m) => m.name === 'faults.fired' && m.subject === point);

test('block.*: NVMe commands complete with error statuses, named by the driver; the controller carries on', async () => {
  let session: DeviceSession | undefined;
  try {
    session = await openDevice(probe, { driver: 'nvme-devprobe' });
    const d = await NvmeDriver.open(session);
    const block = new Uint8Array(512).fill(0x5a);
    await d.write(10, block);
    await d.write(11, block);
    await assert.rejects(d.write(12, block), /Write \(opcode 01h\) LBA 12 count 1 failed: status SCT 2 SC 0x80 \(Write Fault\)/);
    await assert.rejects(d.flush(), /Flush \(opcode 00h\) failed: status SCT 0 SC 0x06 \(Internal Error\)/);
    assert.deepEqual(await d.read(10, 1), block);
    assert.deepEqual(await d.read(11, 1), block);
    await assert.rejects(d.read(10, 1), /Read \(opcode 02h\) LBA 10 count 1 failed: status SCT 2 SC 0x81 \(Unrecovered Read Error\)/);
    assert.deepEqual(await d.read(10, 1), block, 'the next read succeeds');
  } finally {
    session?.close();
  }
  for (const p of ['block.write', 'block.flush', 'block.read']) assert.ok((await fired(p)).length > 0, p);
});

test('driver.module.load: the sixth load fails, driverd reports that device, the others are bound', async () => {
  const ms = await sys.milestones();
  const failed = ms.find((m) => m.name === 'driverd.bind.failed');
  assert.equal(failed?.subject, '00:05.0');
  assert.match(failed!.detail, /DRIVER_LOAD_MODULE "rustos-rng" failed: driver\.module\.load: failed by fault injection/);
  assert.equal(ms.filter((m) => m.name === 'driverd.bind').length, 5);
});

test('pci.config.read: devmgrd\'s reads passed, the next one fails with the point named', async () => {
  await assert.rejects(unaryCall((cb) => probe.nucleus.devices.PciConfigRead({ header: probe.header('broker.pci'), bdf: '00:01.0', offset: 0, size: 4 }, cb)),
    (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE && /pci\.config\.read: failed by fault injection/.test(e.details));
});

test('input.event.enqueue drops every other batch (counted by the device); display.present failures interrupt and are logged', async () => {
  const inject = () => unaryCall<{ queued: number }>((cb) => probe.nucleus.devices.InputInject({ header: probe.header('broker.input.inject'), device: 'keyboard', events: [{ type: 1, code: 57, value: 1 }, { type: 1, code: 57, value: 0 }] }, cb));
  const queued = [(await inject()).queued, (await inject()).queued];
  assert.deepEqual(queued.sort(), [0, 3]);
  assert.equal((await fired('input.event.enqueue')).length, 1, 'drop-every:2 fires on the second hit');
  // The console's typing and output present frames; every fifth fails.
  for (let i = 0; i < 6; i++) await inject();
  await sys.until('a failed present', async () => ((await fired('display.present')).length > 0 ? true : undefined), 20_000, 100);
  await sys.until('uiserver\'s driver logging it', async () => (sys.cli('logs', 'uiserver', '-n', '500').stdout.includes('display: a present failed') ? true : undefined), 20_000, 200);
  assert.ok((await sys.status()).ready);
});
