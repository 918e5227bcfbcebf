/**
 * Two small MMIO functions: a real-time clock (BAR 0: 00 ID 'RTC1', 04/08
 * seconds since the epoch low/high, 0C nanoseconds within the second, latched
 * when the low word is read so the three words agree) and an entropy source
 * (00 ID 'RNG1', 04 a fresh random 32-bit word per read, from the host's CSPRNG).
 */
import { randomBytes } from 'node:crypto';
import { PciDevice } from './pci-device.js';
import type { IrqController } from './irq-controller.js';

export const RTC_ID = 0x31435452;
export const RNG_ID = 0x31474e52;

export class RealTimeClock extends PciDevice {
  private latched = { sec: 0, nsec: 0 };

  constructor(irq: IrqController, pin: number, private readonly now: () => bigint = () => BigInt(Date.now()) * 1_000_000n) {
    super('real-time clock', { vendor: 0x1234, device: 0x1114, subsystemVendor: 0x1af4, subsystem: 0x1100, classCode: 0x08, subclass: 0x03, progIf: 0x00, revision: 1 }, [{ size: 4096 }], irq, pin);
  }

  read(_bar: number, off: number): number {
    switch (off) {
      case 0x00: return RTC_ID;
      case 0x04: {
        const ns = this.now();
        this.latched = { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
        return this.latched.sec % 2 ** 32;
      }
      case 0x08: return Math.floor(this.latched.sec / 2 ** 32);
      case 0x0c: return this.latched.nsec;
      default: return 0;
    }
  }

  write(): void { /* the clock is read-only */ }
}

export class EntropySource extends PciDevice {
  constructor(irq: IrqController, pin: number) {
    super('entropy source', { vendor: 0x1234, device: 0x1115, subsystemVendor: 0x1af4, subsystem: 0x1100, classCode: 0x10, subclass: 0x80, progIf: 0x00, revision: 1 }, [{ size: 4096 }], irq, pin);
  }

  read(_bar: number, off: number): number {
    return off === 0 ? RNG_ID : off === 4 ? randomBytes(4).readUInt32LE(0) : 0;
  }

  write(): void { /* nothing to configure */ }
}
