/**
 * What every emulated PCI device shares: its configuration space, its
 * interrupt pin routed to an IOAPIC input, and the DMA domain of the session
 * that drives it. MMIO is decoded only while the command register's memory
 * space bit is set, DMA done only while bus mastering is, and INTx raised only
 * while it is not disabled — as the PCI spec makes real devices behave.
 */
import { ConfigSpace, CMD_BUS_MASTER, CMD_INTX_DISABLE, CMD_MEMORY, type BarSpec, type PciIdentity } from '../pci/config-space.js';
import type { PciFunctionDevice } from '../pci/bus.js';
import type { IrqController } from './irq-controller.js';
import type { DmaDomain } from './dma.js';

export class DeviceAccessError extends Error {}

/** Asks the fault injector whether a named device point fails now. */
export type FaultCheck = (point: string) => { fail?: boolean; drop?: boolean; delayMs?: number } | undefined;

export abstract class PciDevice implements PciFunctionDevice {
  readonly config: ConfigSpace;
  /** The session's DMA domain while a driver holds the device. */
  dma: DmaDomain | undefined;
  private line = false;

  constructor(readonly description: string, id: PciIdentity, bars: BarSpec[], readonly irq: IrqController, readonly irqPin: number) {
    this.config = new ConfigSpace(id, bars, 1 /* INTA# */);
    this.config.write(0x3c, 1, irqPin);   // interrupt line: the IOAPIC input (firmware's job)
  }

  abstract read(bar: number, offset: number, size: number): number;
  abstract write(bar: number, offset: number, value: number, size: number): void;
  /** A bulk write into a BAR (framebuffers); devices without one refuse. */
  writeBlock(bar: number, _offset: number, _data: Uint8Array, _rowBytes: number, _stride: number): void {
    throw new DeviceAccessError(`${this.description}: BAR ${bar} takes no block writes`);
  }

  /** MMIO from a driver: checked against the BAR and the command register, then decoded by the device. */
  mmioRead(bar: number, offset: number, size: number): number {
    this.checkMmio(bar, offset, size);
    return this.read(bar, offset, size);
  }

  mmioWrite(bar: number, offset: number, value: number, size: number): void {
    this.checkMmio(bar, offset, size);
    this.write(bar, offset, value, size);
  }

  mmioWriteBlock(bar: number, offset: number, data: Uint8Array, rowBytes: number, stride: number): void {
    if (!(this.config.command & CMD_MEMORY)) throw new DeviceAccessError(`${this.description}: memory space is disabled (PCI command register)`);
    const spec = this.config.bars[bar];
    if (!spec) throw new DeviceAccessError(`${this.description}: no BAR ${bar}`);
    const rows = rowBytes > 0 ? Math.ceil(data.length / rowBytes) : 1;
    const end = rowBytes > 0 ? offset + (rows - 1) * stride + Math.min(rowBytes, data.length) : offset + data.length;
    if (offset < 0 || end > spec.size || (rowBytes > 0 && stride < rowBytes)) {
      throw new DeviceAccessError(`${this.description}: block write of ${data.length} bytes at BAR ${bar}+0x${offset.toString(16)} leaves the ${spec.size}-byte BAR`);
    }
    this.writeBlock(bar, offset, data, rowBytes, stride);
  }

  private checkMmio(bar: number, offset: number, size: number): void {
    if (!(this.config.command & CMD_MEMORY)) throw new DeviceAccessError(`${this.description}: memory space is disabled (PCI command register)`);
    const spec = this.config.bars[bar];
    if (!spec) throw new DeviceAccessError(`${this.description}: no BAR ${bar}`);
    if (![1, 2, 4, 8].includes(size)) throw new DeviceAccessError(`${this.description}: MMIO size ${size} is not 1, 2, 4 or 8`);
    if (!Number.isInteger(offset) || offset < 0 || offset + size > spec.size || offset % size !== 0) {
      throw new DeviceAccessError(`${this.description}: MMIO of ${size} bytes at BAR ${bar}+0x${offset.toString(16)} is unaligned or outside the ${spec.size}-byte BAR`);
    }
  }

  /** DMA by the device itself, refused unless bus mastering is on and a session granted the range. */
  protected dmaRead(address: number, length: number): Uint8Array {
    return this.domain().read(address, length);
  }

  protected dmaWrite(address: number, data: Uint8Array): void {
    this.domain().write(address, data);
  }

  private domain(): DmaDomain {
    if (!(this.config.command & CMD_BUS_MASTER)) throw new DeviceAccessError(`${this.description}: bus mastering is disabled (PCI command register)`);
    if (!this.dma) throw new DeviceAccessError(`${this.description}: no driver session granted DMA memory`);
    return this.dma;
  }

  /** Drive the INTx line (level): high while the device wants service. */
  protected setIrq(high: boolean): void {
    high &&= !(this.config.command & CMD_INTX_DISABLE);
    if (high === this.line) {
      if (high) this.irq.setLine(this.irqPin, true);
      return;
    }
    this.line = high;
    this.irq.setLine(this.irqPin, high);
  }

  /** The driver went away: forget its DMA memory and stop interrupting. */
  detach(): void {
    this.dma = undefined;
    this.setIrq(false);
  }
}
