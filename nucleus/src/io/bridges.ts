/**
 * The bridge modules the io part offers DRIVER_LOAD_MODULE: each bridges a
 * device class to userspace (its MMIO, IRQ and DMA reachable through a device
 * session) once loaded. Their alias patterns are the modules.alias lines of
 * the Linux drivers for the same hardware class.
 */
import type { BridgeModule, ModuleLoader } from './modules.js';
import type { MachineDevices } from '../hal/devices.js';

export function provideBridges(loader: ModuleLoader, devices: MachineDevices): void {
  const bridge = (name: string, description: string, aliases: string[], what: () => string): BridgeModule => ({ name, description, aliases, load: what });
  loader.provide(bridge('nvme', 'NVMe bridge: controller registers, doorbells, INTx and PRP DMA to a userspace driver',
    ['pci:v*d*sv*sd*bc01sc08i02*'], () => `NVMe bridge for ${devices.nvme.blocks} blocks of 512 bytes on ${devices.config.diskPath}`));
  loader.provide(bridge('rustos-fb', 'display adapter bridge: framebuffer and present registers',
    ['pci:v00001234d00001111sv*sd*bc03sc00i*'], () => `framebuffer ${devices.display.width}x${devices.display.height} XRGB8888`));
  loader.provide(bridge('rustos-input', 'input bridge: keyboard and pointer event rings',
    ['pci:v00001234d00001112sv*sd*bc09sc00i*', 'pci:v00001234d00001113sv*sd*bc09sc02i*'], () => 'keyboard and absolute pointer'));
  loader.provide(bridge('rustos-rtc', 'real-time clock bridge', ['pci:v00001234d00001114sv*sd*bc08sc03i*'], () => 'RTC'));
  loader.provide(bridge('rustos-rng', 'entropy source bridge', ['pci:v00001234d00001115sv*sd*bc10sc80i*'], () => 'entropy source'));
}
