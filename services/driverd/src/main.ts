/**
 * driverd — driver binding.
 *
 * Responsible for: matching the device tree's modalias strings against driver
 * manifests (drivers/*.json, and RUSTOS_DRIVER_MANIFESTS), and asking the
 * nucleus (DRIVER_LOAD_MODULE, DRIVER_PROBE_ALIAS) to load and bind bridge
 * modules; handing devices to their userspace drivers.
 *
 * Never: drives a device itself.
 */
import { join } from 'node:path';
import { main, rustos, unaryCall, ROOT } from '@rustos/platform';
import type { DeviceTree__Output } from '@rustos/platform/gen/rustos/v1/DeviceTree.js';
import type { DevmgrdClient } from '@rustos/platform/gen/rustos/v1/Devmgrd.js';
import { loadDriverManifests } from './driver-manifests.js';
import { bindAll } from './bind.js';

main({
  name: 'driverd',
  async start(ctx) {
    // An operator's directory comes first: its manifests are tried before the built-in ones.
    const dirs = [...(process.env.RUSTOS_DRIVER_MANIFESTS ? [process.env.RUSTOS_DRIVER_MANIFESTS] : []), join(ROOT, 'services', 'driverd', 'drivers')];
    const manifests = loadDriverManifests(dirs, (m) => {
      ctx.log.error(m);
      ctx.milestone('driverd.manifest.invalid', '', m);
    });
    const tree = await ctx.peers.call('devmgrd.devices', rustos().Devmgrd, (c: DevmgrdClient, md) =>
      unaryCall<DeviceTree__Output>((cb) => c.Devices({}, md, cb)), { idempotent: true });
    const results = await bindAll(ctx, tree.devices, manifests);
    ctx.milestone('driverd.bound', '', `${results.filter((r) => r.ok).length} of ${tree.devices.length} devices bound (${manifests.length} driver manifests)`);
  },
});
