/**
 * Bus enumeration through broker.pci: list the functions, then read each
 * one's identity from its configuration space (as an OS's PCI core does) and
 * build its modalias.
 */
import { unaryCall, type ServiceContext } from '@rustos/platform';
import type { PciListReply__Output } from '@rustos/platform/gen/rustos/v1/PciListReply.js';
import type { DeviceNode } from '@rustos/platform/gen/rustos/v1/DeviceNode.js';
import { pciModalias } from './modalias.js';

export async function enumerate(ctx: ServiceContext): Promise<DeviceNode[]> {
  const pci = ctx.nucleus.devices;
  const header = ctx.header('broker.pci');
  const list = await unaryCall<PciListReply__Output>((cb) => pci.PciList({ header }, cb));
  // Every function's reads at once: each is a round trip to the nucleus.
  const nodes = await Promise.all(list.functions.map(async (f): Promise<DeviceNode | undefined> => {
    const read = async (offset: number, size: number) => (await unaryCall<{ value: number }>((cb) => pci.PciConfigRead({ header, bdf: f.bdf, offset, size }, cb))).value;
    const [vendor, device, classWord, subsystemVendor, subsystem] = await Promise.all([read(0x00, 2), read(0x02, 2), read(0x08, 4), read(0x2c, 2), read(0x2e, 2)]);
    if (vendor === 0xffff) return undefined;   // no function answers here
    const modalias = pciModalias({ vendor, device, subsystemVendor, subsystem, classCode: classWord >>> 24, subclass: (classWord >>> 16) & 0xff, progIf: (classWord >>> 8) & 0xff });
    return { bdf: f.bdf, modalias, description: f.description };
  }));
  return nodes.filter((n): n is DeviceNode => n !== undefined);
}
