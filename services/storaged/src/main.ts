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
import { main, openDevice, rustos, DeviceError, type BlockDevice, type DeviceSession, type ServiceContext } from '@rustos/platform';
import { blockHandlers } from './blocks.js';
import { NvmeDriver } from './nvme/driver.js';

let session: DeviceSession | undefined;
let disk: NvmeDriver | undefined;
let opened!: (d: BlockDevice) => void;
let unavailable!: (err: Error) => void;
/** The disk once it is up; block calls that arrive before wait for it. */
const device = new Promise<BlockDevice>((resolve, reject) => { opened = resolve; unavailable = reject; });
device.catch(() => undefined);

async function bringUp(ctx: ServiceContext): Promise<void> {
  try {
    session = await openDevice(ctx, { driver: 'nvme' });
  } catch (err) {
    // No disk bound to storaged (driverd bound none, or gave it to another driver): serve without one.
    if (!(err instanceof DeviceError)) return failed(ctx, err as Error);
    ctx.log.error(`storaged: no NVMe device: ${err.message}`);
    ctx.milestone('storaged.nvme', '', `no disk: ${err.message}`);
    unavailable(err);
    return;
  }
  try {
    disk = await NvmeDriver.open(session, { log: (m) => ctx.log.warn(m) });
  } catch (err) {
    return failed(ctx, err as Error);
  }
  const id = disk.identify;
  ctx.milestone('storaged.nvme', session.bdf,
    `NVMe ${id.version} model "${id.model}" serial "${id.serial}" firmware "${id.firmware}": ${id.blocks} blocks of ${id.blockSize} bytes, ${id.namespaces} namespace(s), max transfer ${id.maxTransfer} bytes`);
  opened(disk);
}

/** A controller that does not come up fails this generation: the next one tries again. */
function failed(ctx: ServiceContext, err: Error): void {
  ctx.log.error({ err }, `storaged: NVMe bring-up failed: ${err.message}`);
  unavailable(err);
  void ctx.restart(`NVMe bring-up failed: ${err.message}`);
}

main({
  name: 'storaged',
  serve: (ctx) => [{ endpoint: 'storaged.blocks', definition: rustos().Storaged.service, handlers: blockHandlers(device, 'nvme', ctx.log) }],
  // The controller comes up while the boot goes on: storaged is ready once it serves
  // storaged.blocks, and block calls wait for the disk (vfsd mounts /data when asked).
  async start(ctx) {
    void bringUp(ctx);
  },
  async stop() {
    // The nucleus stops vfsd (which writes /data back) before storaged: what reached the device is made durable here.
    await disk?.flush().catch(() => {});
    await disk?.close().catch(() => {});
    session?.close();
  },
});
