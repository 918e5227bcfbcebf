/**
 * devmgrd — the device manager.
 *
 * Responsible for: enumerating the buses through the PCI broker, building each
 * device's modalias string, and publishing the device tree to driverd (its
 * endpoint devmgrd.devices) and to the nucleus (for `rustos devices`).
 *
 * Never: binds drivers (driverd does) or touches device registers beyond
 * configuration space.
 */
import { main, rustos, unary, unaryCall } from '@rustos/platform';
import type { DeviceNode } from '@rustos/platform/gen/rustos/v1/DeviceNode.js';
import type { DevmgrdHandlers } from '@rustos/platform/gen/rustos/v1/Devmgrd.js';
import { enumerate } from './enumerate.js';

let tree: DeviceNode[] = [];

main({
  name: 'devmgrd',
  serve: () => [{
    endpoint: 'devmgrd.devices',
    definition: rustos().Devmgrd.service,
    handlers: { Devices: unary(() => ({ devices: tree, functions: [] })) } satisfies DevmgrdHandlers,
  }],
  async start(ctx) {
    tree = await enumerate(ctx);
    await unaryCall((cb) => ctx.nucleus.devices.PublishTree({ header: ctx.header('broker.pci'), devices: tree }, cb));
    for (const n of tree) ctx.milestone('devmgrd.device', n.bdf, `${n.modalias} ${n.description}`);
    ctx.milestone('devmgrd.tree', '', `${tree.length} PCI functions`);
  },
});
