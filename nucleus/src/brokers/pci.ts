/**
 * broker.pci (devmgrd's): enumerate the bus and read or write configuration
 * space; a malformed access (bad BDF, offset, size or alignment) is
 * INVALID_ARGUMENT with the reason. Also the tree devmgrd publishes and the
 * read-only views behind `rustos devices` and the display bench.
 */
import { invalid, unary, failed } from '@rustos/platform';
import type { DeviceBrokerHandlers } from '@rustos/platform/gen/rustos/v1/DeviceBroker.js';
import type { PciFunction } from '@rustos/platform/gen/rustos/v1/PciFunction.js';
import type { Kernel } from '../executive/kernel.js';
import type { MachineDevices } from '../hal/devices.js';
import { ConfigAccessError } from '../machine/pci/bus.js';
import { authorize, injectFaults } from './guard.js';

export function machineDevices(k: Kernel): MachineDevices {
  if (!k.devices) throw failed('the machine has no devices (boot has not reached the pci step)', 19);
  return k.devices;
}

function functions(d: MachineDevices): PciFunction[] {
  return d.bus.list().map(({ bdf, device }) => {
    const id = device.config.identity;
    return { bdf, vendor: id.vendor, device: id.device, subsystemVendor: id.subsystemVendor, subsystem: id.subsystem, classCode: id.classCode,
      subclass: id.subclass, progIf: id.progIf, revision: id.revision, irqLine: device.config.read(0x3c, 1), barSizes: device.config.bars.map((b) => b.size), description: device.description };
  });
}

function config<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigAccessError) throw invalid(`${what}: ${err.message}`);
    throw err;
  }
}

export function pciHandlers(k: Kernel): Pick<DeviceBrokerHandlers, 'PciList' | 'PciConfigRead' | 'PciConfigWrite' | 'PublishTree' | 'Tree' | 'Scanout'> {
  return {
    PciList: unary((req) => {
      authorize(k, req.header, 'broker.pci', 'DeviceBroker.PciList');
      return { functions: functions(machineDevices(k)) };
    }),
    PciConfigRead: unary(async (req) => {
      authorize(k, req.header, 'broker.pci', 'DeviceBroker.PciConfigRead');
      await injectFaults(k, 'pci.config.read');
      const d = machineDevices(k);
      return { value: config('DeviceBroker.PciConfigRead', () => d.bus.configRead(req.bdf, req.offset, req.size)) };
    }),
    PciConfigWrite: unary((req) => {
      authorize(k, req.header, 'broker.pci', 'DeviceBroker.PciConfigWrite');
      const d = machineDevices(k);
      config('DeviceBroker.PciConfigWrite', () => d.bus.configWrite(req.bdf, req.offset, req.size, req.value));
      return {};
    }),
    PublishTree: unary((req) => {
      authorize(k, req.header, 'broker.pci', 'DeviceBroker.PublishTree');
      k.bindings.tree = req.devices.map((n) => ({ bdf: n.bdf, modalias: n.modalias, description: n.description }));
      return {};
    }),
    Tree: unary(() => {
      const d = machineDevices(k);
      const devices = k.bindings.tree.map((n) => {
        const b = k.bindings.get(n.bdf);
        return { ...n, driver: b?.driver ?? '', module: b?.module ?? '', service: b?.service ?? '' };
      });
      return { devices, functions: functions(d) };
    }),
    Scanout: unary((req) => {
      const fb = machineDevices(k).display;
      const w = req.width || fb.width, h = req.height || fb.height;
      if (req.x + w > fb.width || req.y + h > fb.height) throw invalid(`DeviceBroker.Scanout: ${w}x${h}+${req.x}+${req.y} leaves the ${fb.width}x${fb.height} screen`);
      return { width: fb.width, height: fb.height, frames: fb.frames, pixels: fb.scanout(req.x, req.y, w, h) };
    }),
  };
}
