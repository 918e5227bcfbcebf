/**
 * storaged — block storage.
 *
 * Responsible for: driving the block controller through the MMIO, IRQ and DMA
 * brokers it was granted, and serving blocks to vfsd with flush semantics that
 * make fsynced data survive restarts.
 *
 * Never: interprets filesystems (vfsd does), or reaches a device it holds no
 * grant for.
 */
import { main, openDevice, DeviceError, type DeviceSession } from '@rustos/platform';
import { NvmeDriver } from './nvme/driver.js';

let session: DeviceSession | undefined;
let disk: NvmeDriver | undefined;

main({
  name: 'storaged',
  async start(ctx) {
    try {
      session = await openDevice(ctx, { driver: 'nvme' });
    } catch (err) {
      // No disk bound to storaged (driverd bound none, or gave it to another driver): serve without one.
      if (!(err instanceof DeviceError)) throw err;
      ctx.log.error(`storaged: no NVMe device: ${err.message}`);
      ctx.milestone('storaged.nvme', '', `no disk: ${err.message}`);
      return;
    }
    disk = await NvmeDriver.open(session, { log: (m) => ctx.log.warn(m) });
    const id = disk.identify;
    ctx.milestone('storaged.nvme', session.bdf,
      `NVMe ${id.version} model "${id.model}" serial "${id.serial}" firmware "${id.firmware}": ${id.blocks} blocks of ${id.blockSize} bytes, ${id.namespaces} namespace(s), max transfer ${id.maxTransfer} bytes`);
  },
  async stop() {
    await disk?.flush().catch(() => {});
    await disk?.close().catch(() => {});
    session?.close();
  },
});
