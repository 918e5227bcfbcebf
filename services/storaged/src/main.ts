/**
 * storaged — block storage.
 *
 * Responsible for: driving the block controller through the MMIO, IRQ and DMA
 * brokers it was granted, and serving blocks to vfsd (endpoint storaged.blocks)
 * with flush semantics that make fsynced data survive restarts.
 *
 * Never: interprets filesystems (vfsd does), or reaches a device it holds no
 * grant for.
 */
import { main, rustos } from '@rustos/platform';
import type { BlockDevice } from './block-device.js';
import { blockHandlers, quiet } from './blocks.js';
import { FileDevice, diskPath } from './file-device.js';

/** The one place the backend is chosen: the host-file device until the NVMe driver is wired in. */
function openDevice(): { device: Promise<BlockDevice>; backend: string } {
  return { device: FileDevice.open(diskPath()), backend: `file:${diskPath()}` };
}

let opened: Promise<BlockDevice> | undefined;

main({
  name: 'storaged',
  serve: (ctx) => {
    const { device, backend } = openDevice();
    opened = device;
    device.catch((err: Error) => ctx.log.error(`storaged: opening ${backend} failed: ${err.message}`));
    return [{ endpoint: 'storaged.blocks', definition: rustos().Storaged.service, handlers: blockHandlers(device, backend, ctx.log) }];
  },
  async start(ctx) {
    const dev = await opened!;
    ctx.log.info(`block device: ${dev.blocks} blocks of ${dev.blockSize} bytes`);
  },
  async stop() {
    // Every service is stopped at once: keep serving while vfsd writes /data back (within the nucleus's 3 s grace),
    // then make what reached the device durable.
    await quiet(500, 2500);
    await (await opened)?.flush();
  },
});
