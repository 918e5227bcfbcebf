/**
 * The machine's devices as the hal part assembles them: the IOAPIC, the PCI
 * bus with its functions (each on its own IOAPIC pin), and the ACPI tables
 * that describe the CPUs, the IOAPIC and the ECAM window. Configuration comes
 * from the environment: RUSTOS_DISK (the NVMe disk's host file, default
 * $RUSTOS_HOME/disks/nvme0.img), RUSTOS_DISK_MB (its size when created,
 * default 64), RUSTOS_DISPLAY (WIDTHxHEIGHT, default 1024x768).
 */
import { join } from 'node:path';
import { home } from '@rustos/platform';
import { PciBus } from '../machine/pci/bus.js';
import { IrqController } from '../machine/devices/irq-controller.js';
import { buildAcpi, type AcpiTables } from '../machine/devices/acpi.js';
import { NvmeController } from '../machine/devices/nvme.js';
import { Framebuffer } from '../machine/devices/framebuffer.js';
import { InputFunction } from '../machine/devices/input.js';
import { RealTimeClock, EntropySource } from '../machine/devices/clock-rng.js';
import type { PciDevice, FaultCheck } from '../machine/devices/pci-device.js';

export const ECAM_BASE = 0xe000_0000;
export const IOAPIC_ADDRESS = 0xfec0_0000;
export const LAPIC_ADDRESS = 0xfee0_0000;

export interface DeviceConfig {
  vcpus: number;
  diskPath: string;
  diskBytes: number;
  display: { width: number; height: number };
}

export function deviceConfigFromEnv(vcpus: number, env = process.env): DeviceConfig {
  const mb = Number(env.RUSTOS_DISK_MB ?? 64);
  if (!Number.isInteger(mb) || mb < 1 || mb > 1 << 20) throw new Error(`RUSTOS_DISK_MB=${env.RUSTOS_DISK_MB}: a whole number of MiB, 1..1048576`);
  const m = /^(\d+)x(\d+)$/.exec(env.RUSTOS_DISPLAY ?? '1024x768');
  if (!m) throw new Error(`RUSTOS_DISPLAY=${env.RUSTOS_DISPLAY}: expected WIDTHxHEIGHT`);
  return { vcpus, diskPath: env.RUSTOS_DISK ?? join(home(), 'disks', 'nvme0.img'), diskBytes: mb * 2 ** 20, display: { width: Number(m[1]), height: Number(m[2]) } };
}

export class MachineDevices {
  readonly irq = new IrqController();
  readonly bus = new PciBus();
  readonly acpi: AcpiTables;
  readonly nvme: NvmeController;
  readonly display: Framebuffer;
  readonly keyboard: InputFunction;
  readonly pointer: InputFunction;
  readonly rtc: RealTimeClock;
  readonly rng: EntropySource;

  constructor(readonly config: DeviceConfig, faults: FaultCheck) {
    this.acpi = buildAcpi({ vcpus: config.vcpus, ioapicAddress: IOAPIC_ADDRESS, ioapicId: config.vcpus, localApicAddress: LAPIC_ADDRESS, ecamBase: ECAM_BASE, base: 0x000e_0000 });
    // Slot n interrupts on IOAPIC pin 16 + n (the PCI pins above the ISA ones).
    this.display = new Framebuffer(this.irq, 17, config.display.width, config.display.height, faults);
    this.nvme = new NvmeController(this.irq, 18, { path: config.diskPath, sizeBytes: config.diskBytes, serial: 'RUSTOS-NVME-0001', faults });
    this.keyboard = new InputFunction(this.irq, 19, 'keyboard', faults);
    this.pointer = new InputFunction(this.irq, 20, 'pointer', faults);
    this.rtc = new RealTimeClock(this.irq, 21);
    this.rng = new EntropySource(this.irq, 22);
    this.bus.attach(1, 0, this.display);
    this.bus.attach(2, 0, this.nvme);
    this.bus.attach(3, 0, this.keyboard);
    this.bus.attach(3, 1, this.pointer);
    this.bus.attach(4, 0, this.rtc);
    this.bus.attach(5, 0, this.rng);
    // Firmware assigns BAR addresses (the OS finds them by reading config space).
    let next = 0xc000_0000;
    for (const { device } of this.bus.list()) {
      device.config.bars.forEach((b, i) => {
        next = Math.ceil(next / b.size) * b.size;
        device.config.write(0x10 + i * 4, 4, next);
        next += b.size;
      });
    }
  }

  pciDevice(bdf: string): PciDevice {
    return this.bus.lookup(bdf) as PciDevice;
  }

  close(): void {
    this.nvme.close();
  }
}
