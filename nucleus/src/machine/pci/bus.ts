/**
 * The PCI bus (segment 0, bus 0): functions by device/function number, reached
 * through configuration accesses the way ECAM (PCIe 7.2.2, the MCFG window)
 * addresses them. Every malformed access is refused with the reason, never
 * half done.
 */
import { ConfigSpace, CONFIG_SIZE } from './config-space.js';

export interface PciFunctionDevice {
  readonly config: ConfigSpace;
  /** What the device is, for logs and the device tree. */
  readonly description: string;
}

export class ConfigAccessError extends Error {}

export function formatBdf(bus: number, dev: number, fn: number): string {
  return `${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`;
}

export function parseBdf(bdf: string): { bus: number; dev: number; fn: number } {
  const m = /^([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(bdf);
  if (!m) throw new ConfigAccessError(`"${bdf}" is not a bus:device.function address (like 00:03.0)`);
  const dev = parseInt(m[2]!, 16);
  if (dev > 31) throw new ConfigAccessError(`${bdf}: device number ${dev} is above 31`);
  return { bus: parseInt(m[1]!, 16), dev, fn: Number(m[3]) };
}

export class PciBus {
  private readonly functions = new Map<string, PciFunctionDevice>();

  attach(dev: number, fn: number, d: PciFunctionDevice): string {
    const bdf = formatBdf(0, dev, fn);
    if (this.functions.has(bdf)) throw new Error(`PCI ${bdf} is taken`);
    this.functions.set(bdf, d);
    return bdf;
  }

  list(): { bdf: string; device: PciFunctionDevice }[] {
    // Plain code-unit order (BDFs are fixed-width hex): localeCompare would load ICU's collator at boot (~10 ms).
    return [...this.functions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([bdf, device]) => ({ bdf, device }));
  }

  get(bdf: string): PciFunctionDevice | undefined {
    return this.functions.get(bdf);
  }

  /** The function at `bdf`, or the precise reason there is none. */
  lookup(bdf: string): PciFunctionDevice {
    parseBdf(bdf);
    const d = this.functions.get(bdf.toLowerCase());
    if (!d) throw new ConfigAccessError(`${bdf}: no PCI function at this address`);
    return d;
  }

  private check(bdf: string, offset: number, size: number): PciFunctionDevice {
    const d = this.lookup(bdf);
    if (size !== 1 && size !== 2 && size !== 4) throw new ConfigAccessError(`${bdf}: access size ${size} is not 1, 2 or 4 bytes`);
    if (!Number.isInteger(offset) || offset < 0 || offset + size > CONFIG_SIZE) {
      throw new ConfigAccessError(`${bdf}: offset 0x${offset.toString(16)} (+${size}) is outside the ${CONFIG_SIZE}-byte configuration space`);
    }
    if (offset % size !== 0) throw new ConfigAccessError(`${bdf}: offset 0x${offset.toString(16)} is not aligned to the access size ${size}`);
    return d;
  }

  configRead(bdf: string, offset: number, size: number): number {
    return this.check(bdf, offset, size).config.read(offset, size as 1 | 2 | 4);
  }

  configWrite(bdf: string, offset: number, size: number, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (size * 8)) {
      this.check(bdf, offset, size);
      throw new ConfigAccessError(`${bdf}: value ${value} does not fit ${size} bytes`);
    }
    this.check(bdf, offset, size).config.write(offset, size as 1 | 2 | 4, value);
  }
}
