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
import { main, openDevice, type DeviceSession } from '@rustos/platform';
import { NvmeDriver } from './nvme/driver.js';

let session: DeviceSession | undefined;
let disk: NvmeDriver | undefined;

main({
  name: 'storaged',
  async start(ctx) {
    session = await openDevice(ctx, { driver: 'nvme' });
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
