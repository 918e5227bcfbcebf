/**
 * storaged — block storage.
 *
 * Responsible for: driving the NVMe controller driverd bound to it (through its
 * device session's MMIO, IRQ and DMA grants), and serving its blocks to vfsd
 * (storaged.blocks) with flush semantics that make fsynced data survive restarts.
 *
 * Never: interprets filesystems (vfsd does), or reaches a device it holds no
 * grant for.
 */
import { main, openDevice, rustos, DeviceError, type BlockDevice, type DeviceSession } from '@rustos/platform';
import { blockHandlers } from './blocks.js';
import { NvmeDriver } from './nvme/driver.js';

let session: DeviceSession | undefined;
let disk: NvmeDriver | undefined;
let opened!: (d: BlockDevice) => void;
let unavailable!: (err: Error) => void;
/** The disk once start() has it; block calls that arrive before wait for it. */
const device = new Promise<BlockDevice>((resolve, reject) => { opened = resolve; unavailable = reject; });
device.catch(() => undefined);

main({
  name: 'storaged',
  serve: (ctx) => [{ endpoint: 'storaged.blocks', definition: rustos().Storaged.service, handlers: blockHandlers(device, 'nvme', ctx.log) }],
  async start(ctx) {
    try {
      session = await openDevice(ctx, { driver: 'nvme' });
    } catch (err) {
      // No disk bound to storaged (driverd bound none, or gave it to another driver): serve without one.
      if (!(err instanceof DeviceError)) throw err;
      ctx.log.error(`storaged: no NVMe device: ${err.message}`);
      ctx.milestone('storaged.nvme', '', `no disk: ${err.message}`);
      unavailable(err);
      return;
    }
    disk = await NvmeDriver.open(session, { log: (m) => ctx.log.warn(m) });
    const id = disk.identify;
    ctx.milestone('storaged.nvme', session.bdf,
      `NVMe ${id.version} model "${id.model}" serial "${id.serial}" firmware "${id.firmware}": ${id.blocks} blocks of ${id.blockSize} bytes, ${id.namespaces} namespace(s), max transfer ${id.maxTransfer} bytes`);
    opened(disk);
  },
  async stop() {
    // The nucleus stops vfsd (which writes /data back) before storaged: what reached the device is made durable here.
    await disk?.flush().catch(() => {});
    await disk?.close().catch(() => {});
    session?.close();
  },
});
