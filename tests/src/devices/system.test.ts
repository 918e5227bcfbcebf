/**
 * Devices on a booted local system: devmgrd's tree and modaliases (Linux's
 * format), driverd's bindings, storaged's Identify, input injected into the
 * keyboard reaching the console, and the bad-input cases — a driver manifest
 * naming a missing module, DMA outside the granted window, a malformed PCI
 * configuration access, a device opened by a driver it is not bound to —
 * each a clear error while the system stays ready.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { grpc, unaryCall, ROOT, openDevice, DeviceError, type ServiceContext } from '@rustos/platform';
import type { DeviceTree__Output } from '@rustos/platform/gen/rustos/v1/DeviceTree.js';
import { LocalSystem } from '../local/system.js';
import { startProbeOn } from '../local/probe.js';
import { KEY } from '@rustos/uiserver/dist/input/keycodes.js';

let sys: LocalSystem;
let probe: ServiceContext;

before(async () => {
  sys = await LocalSystem.boot({ tools: true, env: { RUSTOS_UI_HTTP: '127.0.0.1:0', RUSTOS_DRIVER_MANIFESTS: join(ROOT, 'tests', 'fixtures', 'drivers'), RUSTOS_DISK_MB: '16' } });
  probe = await startProbeOn(sys, 'devprobe');
});

after(async () => {
  await probe?.shutdown();
  await sys?.down();
});

test('devmgrd publishes every PCI function with its Linux modalias; driverd bound them', async () => {
  const r = sys.cli('devices', '--json');
  assert.equal(r.status, 0, r.stderr);
  const tree = JSON.parse(r.stdout) as DeviceTree__Output;
  const by = new Map(tree.devices.map((d) => [d.bdf, d]));
  assert.equal(tree.functions.length, 6);
  assert.equal(by.get('00:02.0')?.modalias, 'pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02');
  assert.equal(by.get('00:01.0')?.modalias, 'pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00');
  assert.deepEqual([...by.values()].map((d) => `${d.bdf} ${d.driver} ${d.service}`), [
    '00:01.0 rustos-display uiserver', '00:02.0 nvme storaged', '00:03.0 rustos-keyboard uiserver',
    '00:03.1 rustos-pointer uiserver', '00:04.0 rtc-devprobe devprobe', '00:05.0 rustos-rng ',
  ]);
  const text = sys.cli('devices').stdout;
  assert.match(text, /00:02\.0 {2}NVMe controller \[1b36:0010\] irq 18\n\s+modalias pci:v00001B36/);
});

test('storaged initialised the NVMe controller and read its Identify data', async () => {
  const m = (await sys.milestones()).find((x) => x.name === 'storaged.nvme');
  assert.match(m?.detail ?? '', /NVMe 1\.4\.0 model "RustOS-TS NVMe disk" serial "RUSTOS-NVME-0001".*32768 blocks of 512 bytes/);
});

test('a driver manifest naming a missing module: a milestone with the reason, the device bound by the next manifest', async () => {
  const ms = await sys.milestones();
  const failed = ms.find((x) => x.name === 'driverd.bind.failed');
  assert.equal(failed?.subject, '00:05.0');
  assert.match(failed!.detail, /broken-rng .*broken-rng\.json\): DRIVER_LOAD_MODULE "no-such-module" failed: DriverBroker\.LoadModule: no module named "no-such-module"/);
  assert.ok(ms.some((x) => x.name === 'driverd.bind' && x.subject === '00:05.0' && /rustos-rng/.test(x.detail)));
  assert.ok((await sys.status()).ready);
});

test('malformed PCI configuration accesses are INVALID_ARGUMENT with the reason', async () => {
  const pci = probe.nucleus.devices;
  const header = probe.header('broker.pci');
  const read = (bdf: string, offset: number, size: number) => unaryCall<{ value: number }>((cb) => pci.PciConfigRead({ header, bdf, offset, size }, cb));
  assert.equal((await read('00:02.0', 0, 2)).value, 0x1b36);
  const cases: [string, number, number, RegExp][] = [
    ['00:02.0', 3, 2, /offset 0x3 is not aligned to the access size 2/],
    ['00:02.0', 0x100, 4, /outside the 256-byte configuration space/],
    ['00:02.0', 0, 8, /access size 8 is not 1, 2 or 4/],
    ['00:1f.7', 0, 4, /00:1f\.7: no PCI function at this address/],
    ['bogus', 0, 4, /"bogus" is not a bus:device\.function address/],
  ];
  for (const [bdf, off, size, why] of cases) {
    await assert.rejects(read(bdf, off, size), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && why.test(e.details));
  }
  // Without broker.pci: refused.
  await assert.rejects(unaryCall((cb) => pci.PciConfigRead({ header: probe.header('broker.mmio'), bdf: '00:02.0', offset: 0, size: 4 }, cb)),
    (e: grpc.ServiceError) => e.code === grpc.status.PERMISSION_DENIED);
  assert.ok((await sys.status()).ready);
});

test('a device session: MMIO on the bound device, DMA outside the granted window refused, the session carries on', async () => {
  const rtc = await openDevice(probe, { driver: 'rtc-devprobe' });
  try {
    assert.equal(rtc.bdf, '00:04.0');
    assert.equal(await rtc.mmioRead(0, 0), 0x31435452);
    const secs = await rtc.mmioRead(0, 4);
    assert.ok(Math.abs(secs - Date.now() / 1000) < 5, `RTC ${secs}`);
    const w = await rtc.dmaAlloc(8192);
    await rtc.dmaWrite(w.address, new Uint8Array([1, 2, 3]));
    await assert.rejects(rtc.dmaRead(w.address + w.length - 4, 8), (e: DeviceError) => e.errno === 14 && /outside the windows granted to devprobe generation \d+ \(00:04\.0\) \(granted: 0x[0-9a-f]+\+0x2000\)/.test(e.message));
    await assert.rejects(rtc.dmaWrite(0x1000, new Uint8Array(4)), (e: DeviceError) => e.errno === 14);
    await assert.rejects(rtc.mmioRead(0, 0x2000), (e: DeviceError) => e.errno === 22 && /outside the 4096-byte BAR/.test(e.message));
    assert.deepEqual([...await rtc.dmaRead(w.address, 3)], [1, 2, 3], 'the session still works');
    await assert.rejects(openDevice(probe, { bdf: '00:04.0' }), (e: DeviceError) => e.errno === 16 && /00:04\.0 is open by devprobe generation \d+/.test(e.message));
  } finally {
    rtc.close();
  }
  await assert.rejects(openDevice(probe, { bdf: '00:02.0' }), (e: DeviceError) => e.errno === 1 && /bound to driver nvme for storaged; devprobe may not open it/.test(e.message));
  assert.ok((await sys.status()).ready);
});

test('a key injected into the keyboard comes back through its ring to the console', async () => {
  const web = (await sys.milestones()).find((m) => m.name === 'uiserver.web' && m.subject)!.subject;
  const screen = async () => ((await (await fetch(`${web}console.json`)).json()) as { lines: string[] }).lines;
  await sys.until('the shell prompt', async () => ((await screen()).some((l) => /[#$] $/.test(l)) ? true : undefined), 60_000, 100);
  const inject = (code: number, value: number) => unaryCall((cb) => probe.nucleus.devices.InputInject({ header: probe.header('broker.input.inject'), device: 'keyboard', events: [{ type: 1, code, value }] }, cb));
  for (const k of [KEY.Q, KEY.Z]) { await inject(k, 1); await inject(k, 0); }
  await sys.until('qz on the prompt line', async () => ((await screen()).some((l) => /[#$] qz$/.test(l)) ? true : undefined), 10_000, 50);
  const frames = await unaryCall<{ frames: number }>((cb) => sys.admin.devices.Scanout({ x: 0, y: 0, width: 8, height: 8 }, cb));
  assert.ok(frames.frames > 0, 'the display adapter presented frames');
  await assert.rejects(unaryCall((cb) => probe.nucleus.devices.InputInject({ header: probe.header('broker.input.inject'), device: 'mouse', events: [{ type: 1, code: 1, value: 1 }] }, cb)),
    (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && /"mouse" is not keyboard or pointer/.test(e.details));
});

test('a killed storaged comes back and reopens its controller (the old session was released)', async () => {
  const before = (await sys.status()).services.find((s) => s.name === 'storaged')!.generation;
  assert.equal(sys.cli('kill', 'storaged').status, 0);
  const m = await sys.until('storaged reopening the disk', async () => (await sys.milestones()).find((x) => x.name === 'storaged.nvme' && x.generation > before), 30_000, 100);
  assert.match(m.detail, /serial "RUSTOS-NVME-0001"/);
  assert.ok((await sys.milestones()).some((x) => x.name === 'io.device.close' && x.subject === '00:02.0'));
});
