/**
 * One PCI function's type-0 configuration space (PCI Local Bus 3.0, 6.1): the
 * 256-byte header as real bytes, with the registers' write masks so software
 * sees what hardware does — read-only IDs, BARs that answer a write of all
 * ones with their size mask (6.2.5.1), a command register whose memory-space
 * and bus-master bits gate MMIO and DMA.
 */
export interface PciIdentity {
  vendor: number;
  device: number;
  subsystemVendor: number;
  subsystem: number;
  classCode: number;   // base class
  subclass: number;
  progIf: number;
  revision: number;
}

export interface BarSpec {
  /** Size in bytes, a power of two >= 16. */
  size: number;
  prefetchable?: boolean;
}

export const CFG = {
  VENDOR: 0x00, DEVICE: 0x02, COMMAND: 0x04, STATUS: 0x06, REVISION: 0x08, PROG_IF: 0x09, SUBCLASS: 0x0a, CLASS: 0x0b,
  HEADER_TYPE: 0x0e, BAR0: 0x10, SUBSYS_VENDOR: 0x2c, SUBSYS: 0x2e, CAP_PTR: 0x34, INT_LINE: 0x3c, INT_PIN: 0x3d,
} as const;
export const CMD_MEMORY = 1 << 1;
export const CMD_BUS_MASTER = 1 << 2;
export const CMD_INTX_DISABLE = 1 << 10;
export const CONFIG_SIZE = 256;

export class ConfigSpace {
  readonly bytes = new Uint8Array(CONFIG_SIZE);
  private readonly view = new DataView(this.bytes.buffer);
  /** Bits software may change, per byte. */
  private readonly writable = new Uint8Array(CONFIG_SIZE);
  readonly bars: BarSpec[];

  constructor(id: PciIdentity, bars: BarSpec[], intPin: number) {
    if (bars.length > 6) throw new RangeError('a type-0 header has six BARs');
    for (const b of bars) if (b.size < 16 || (b.size & (b.size - 1)) !== 0) throw new RangeError(`BAR size ${b.size} is not a power of two >= 16`);
    this.bars = bars;
    const v = this.view;
    v.setUint16(CFG.VENDOR, id.vendor, true);
    v.setUint16(CFG.DEVICE, id.device, true);
    v.setUint8(CFG.REVISION, id.revision);
    v.setUint8(CFG.PROG_IF, id.progIf);
    v.setUint8(CFG.SUBCLASS, id.subclass);
    v.setUint8(CFG.CLASS, id.classCode);
    v.setUint8(CFG.HEADER_TYPE, 0);
    v.setUint16(CFG.SUBSYS_VENDOR, id.subsystemVendor, true);
    v.setUint16(CFG.SUBSYS, id.subsystem, true);
    v.setUint8(CFG.INT_PIN, intPin);
    // COMMAND: I/O space (0), memory space (1), bus master (2), INTx disable (10).
    this.writable[CFG.COMMAND] = 0x07;
    this.writable[CFG.COMMAND + 1] = 0x04;
    this.writable[CFG.INT_LINE] = 0xff;
    bars.forEach((b, i) => {
      const at = CFG.BAR0 + i * 4;
      // 32-bit memory BAR: bits 3..0 are type/prefetch (read-only), address bits below the size read zero.
      v.setUint32(at, b.prefetchable ? 0x8 : 0, true);
      const mask = ~(b.size - 1) >>> 0;
      for (let j = 0; j < 4; j++) this.writable[at + j] = (mask >>> (j * 8)) & 0xff;
    });
  }

  get identity(): PciIdentity {
    const v = this.view;
    return {
      vendor: v.getUint16(CFG.VENDOR, true), device: v.getUint16(CFG.DEVICE, true),
      subsystemVendor: v.getUint16(CFG.SUBSYS_VENDOR, true), subsystem: v.getUint16(CFG.SUBSYS, true),
      classCode: v.getUint8(CFG.CLASS), subclass: v.getUint8(CFG.SUBCLASS), progIf: v.getUint8(CFG.PROG_IF), revision: v.getUint8(CFG.REVISION),
    };
  }

  get command(): number {
    return this.view.getUint16(CFG.COMMAND, true);
  }

  /** The address a BAR is programmed with (0: unassigned). */
  barAddress(i: number): number {
    return (this.view.getUint32(CFG.BAR0 + i * 4, true) & ~0xf) >>> 0;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size === 1) return this.view.getUint8(offset);
    if (size === 2) return this.view.getUint16(offset, true);
    return this.view.getUint32(offset, true);
  }

  /** Only writable bits change; everything else keeps its value, as hardware ignores writes to read-only bits. */
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    for (let j = 0; j < size; j++) {
      const at = offset + j;
      const m = this.writable[at]!;
      const byte = (value >>> (j * 8)) & 0xff;
      this.bytes[at] = (this.bytes[at]! & ~m) | (byte & m);
    }
  }
}
