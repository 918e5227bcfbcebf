/**
 * A DevicePort straight onto an emulated device in this process: the same
 * operations a device session carries, without the gRPC hop, so a driver can
 * be run against the real device model (and measured without the transport).
 */
import type { DevicePort } from '@rustos/platform';
import { PhysicalMemory } from '@rustos/nucleus/dist/machine/memory.js';
import { FrameAllocator } from '@rustos/nucleus/dist/mm/frames.js';
import { DmaDomain } from '@rustos/nucleus/dist/machine/devices/dma.js';
import type { PciDevice } from '@rustos/nucleus/dist/machine/devices/pci-device.js';
import type { IrqController } from '@rustos/nucleus/dist/machine/devices/irq-controller.js';

export class LocalPort implements DevicePort {
  readonly dma: DmaDomain;
  onInterrupt: (e: unknown) => void = () => {};

  constructor(private readonly device: PciDevice, private readonly irq: IrqController, ramMiB = 8) {
    const ram = new PhysicalMemory(ramMiB * 2 ** 20);
    this.dma = new DmaDomain(ram, new FrameAllocator(ram), 'local port');
    device.dma = this.dma;
    device.config.write(0x04, 2, 0x6);
  }

  async mmioRead(bar: number, offset: number, size = 4) { return this.device.mmioRead(bar, offset, size); }
  async mmioWrite(bar: number, offset: number, value: number, size = 4) { this.device.mmioWrite(bar, offset, value, size); }
  async mmioWriteBlock(bar: number, offset: number, data: Uint8Array, rowBytes = 0, stride = 0) { this.device.mmioWriteBlock(bar, offset, data, rowBytes, stride); }
  async dmaAlloc(length: number) { return this.dma.allocate(length); }
  async dmaRead(address: number, length: number) { return this.dma.read(address, length); }
  async dmaWrite(address: number, data: Uint8Array) { this.dma.write(address, data); }
  async irqSubscribe() {
    // Deliver as the broker does: on a later turn of the event loop, never inside the MMIO write.
    return this.irq.route(this.device.irqPin, (vector) => setImmediate(() => this.onInterrupt({ vector })));
  }
  async irqAck() { this.irq.eoi(this.device.irqPin); }
}
