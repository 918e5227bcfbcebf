/**
 * Devices benchmark (issue 5):
 *  - NVMe sequential write (+ flush) and read throughput through storaged's
 *    driver, over a real device session to the nucleus (the NVMe controller is
 *    bound to the benchmark's devprobe for the run), beside the same driver on
 *    the controller in-process (no gRPC) and plain host file I/O of the same
 *    size on the same filesystem (the reference), with ratios;
 *  - display input-to-screen latency: a key injected into the keyboard
 *    (broker.input.inject) until its glyph is in the framebuffer (polled by
 *    Scanout of the cursor's cell), p50/p99. Target p50 <= 50 ms.
 *
 *   npm run build && node bench/dist/devices.js
 */
import { mkdtempSync, openSync, writeSync, readSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unaryCall, openDevice, ROOT } from '@rustos/platform';
import { LocalSystem } from '@rustos/tests/local/system.js';
import { startProbeOn } from '@rustos/tests/local/probe.js';
import { LocalPort } from '@rustos/tests/devices/local-port.js';
import { IrqController } from '@rustos/nucleus/dist/machine/devices/irq-controller.js';
import { NvmeController } from '@rustos/nucleus/dist/machine/devices/nvme.js';
import { NvmeDriver } from '@rustos/storaged/dist/nvme/driver.js';
import { summarize, printTable } from './lib/stats.js';

const MIB = 2 ** 20;
const SIZE_MIB = Number(process.env.BENCH_DISK_MIB ?? 32);
const CHUNK = MIB;
const KEYS = Number(process.env.BENCH_KEYS ?? 60);
// Linux input event codes (include/uapi/linux/input-event-codes.h).
const KEY_A = 30, KEY_BACKSPACE = 14, EV_KEY = 1;

interface Rates { write: number; read: number }

async function driverRates(d: NvmeDriver): Promise<Rates> {
  const data = Uint8Array.from({ length: CHUNK }, (_, i) => (i * 13) & 0xff);
  const blocks = CHUNK / d.blockSize;
  let t = performance.now();
  for (let i = 0; i < SIZE_MIB; i++) await d.write(i * blocks, data);
  await d.flush();
  const write = SIZE_MIB / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < SIZE_MIB; i++) await d.read(i * blocks, blocks);
  const read = SIZE_MIB / ((performance.now() - t) / 1000);
  return { write, read };
}

function hostRates(dir: string): Rates {
  const path = join(dir, 'host.img');
  const data = Uint8Array.from({ length: CHUNK }, (_, i) => (i * 13) & 0xff);
  let fd = openSync(path, 'w');
  let t = performance.now();
  for (let i = 0; i < SIZE_MIB; i++) writeSync(fd, data, 0, CHUNK, i * CHUNK);
  fsyncSync(fd);
  const write = SIZE_MIB / ((performance.now() - t) / 1000);
  closeSync(fd);
  fd = openSync(path, 'r');
  const buf = new Uint8Array(CHUNK);
  t = performance.now();
  for (let i = 0; i < SIZE_MIB; i++) readSync(fd, buf, 0, CHUNK, i * CHUNK);
  const read = SIZE_MIB / ((performance.now() - t) / 1000);
  closeSync(fd);
  return { write, read };
}

async function inProcess(dir: string): Promise<Rates> {
  const irq = new IrqController();
  const nvme = new NvmeController(irq, 18, { path: join(dir, 'inproc.img'), sizeBytes: (SIZE_MIB + 1) * MIB, serial: 'BENCH', faults: () => undefined });
  const d = await NvmeDriver.open(new LocalPort(nvme, irq, 16));
  const r = await driverRates(d);
  nvme.close();
  return r;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-bench-devices-'));
  const host = hostRates(dir);
  const local = await inProcess(dir);
  const sys = await LocalSystem.boot({ tools: true, env: { RUSTOS_UI_HTTP: '127.0.0.1:0', RUSTOS_DISK_MB: String(SIZE_MIB + 1), RUSTOS_DRIVER_MANIFESTS: join(ROOT, 'tests', 'fixtures', 'nvme-devprobe') } });
  try {
    const probe = await startProbeOn(sys, 'devprobe');
    const session = await openDevice(probe, { driver: 'nvme-devprobe' });
    const remote = await driverRates(await NvmeDriver.open(session));
    session.close();
    printTable(`NVMe sequential throughput, ${SIZE_MIB} MiB in 1 MiB calls (1 MiB commands), MB/s`, ['path', 'write + flush', 'read', 'write vs host', 'read vs host'], [
      ['host file I/O (reference: writeSync + fsync / readSync)', host.write, host.read, '1.00', '1.00'],
      ['NVMe driver on the controller in-process (no gRPC)', local.write, local.read, (local.write / host.write).toFixed(2), (local.read / host.read).toFixed(2)],
      ['NVMe driver over a device session (the system path)', remote.write, remote.read, (remote.write / host.write).toFixed(2), (remote.read / host.read).toFixed(2)],
    ]);
    printTable('Input to screen: key injected → glyph in the framebuffer (ms)', ['measure', 'p50', 'p99', 'n'], [['keyboard inject → glyph presented', ...Object.values(await inputLatency(sys, probe))]]);
    await probe.shutdown();
  } finally {
    await sys.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inputLatency(sys: LocalSystem, probe: Awaited<ReturnType<typeof startProbeOn>>): Promise<{ p50: number; p99: number; n: number }> {
  const web = (await sys.milestones()).find((m) => m.name === 'uiserver.web' && m.subject)!.subject;
  const screen = async () => (await (await fetch(`${web}console.json`)).json()) as { lines: string[]; cursor: { x: number; y: number } };
  await sys.until('the shell prompt', async () => ((await screen()).lines.some((l) => /[#$] $/.test(l)) ? true : undefined), 60_000, 100);
  const key = async (code: number) => {
    for (const value of [1, 0]) await unaryCall((cb) => probe.nucleus.devices.InputInject({ header: probe.header('broker.input.inject'), device: 'keyboard', events: [{ type: EV_KEY, code, value }] }, cb));
  };
  // A glyph is mixed foreground and background; an empty cell or the cursor block is one colour.
  const glyphAt = async (cx: number, cy: number) => {
    const r = await unaryCall<{ pixels: Buffer }>((cb) => sys.admin.devices.Scanout({ x: cx * 8, y: cy * 16, width: 8, height: 16 }, cb));
    const px = new Uint32Array(r.pixels.buffer.slice(r.pixels.byteOffset, r.pixels.byteOffset + r.pixels.byteLength));
    return new Set(px).size > 1;
  };
  const samples: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const { cursor } = await screen();
    const t0 = performance.now();
    await key(KEY_A);
    while (!(await glyphAt(cursor.x, cursor.y))) {
      if (performance.now() - t0 > 5000) throw new Error('the glyph never appeared');
      await new Promise((r) => setTimeout(r, 1));   // poll without starving the nucleus
    }
    samples.push(performance.now() - t0);
    await key(KEY_BACKSPACE);
    await sys.until('the glyph erased', async () => ((await glyphAt(cursor.x, cursor.y)) ? undefined : true), 5000, 2);
  }
  return summarize(samples);
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
