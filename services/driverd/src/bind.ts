/**
 * Binding: for each device in devmgrd's tree, the driver manifests whose
 * patterns match its modalias; for each, DRIVER_LOAD_MODULE its module,
 * DRIVER_PROBE_ALIAS to confirm the loaded module claims the device, then
 * bind it (the manifest's service may then open it). One failure — a module
 * that does not exist, a probe that does not match — is a milestone and a log
 * line for that device; the others still bind.
 */
import { unaryCall, type ServiceContext } from '@rustos/platform';
import type { DeviceNode__Output } from '@rustos/platform/gen/rustos/v1/DeviceNode.js';
import { matchDrivers, type DriverManifest } from './driver-manifests.js';

export interface BindResult { bdf: string; driver: string; ok: boolean; detail: string }

/** Devices bind concurrently (each in its own round trips to the nucleus); results come in tree order. */
export async function bindAll(ctx: ServiceContext, devices: DeviceNode__Output[], manifests: DriverManifest[]): Promise<BindResult[]> {
  return (await Promise.all(devices.map((dev) => bindDevice(ctx, dev, manifests)))).flat();
}

/** The first matching driver that binds; a result for each one tried. */
async function bindDevice(ctx: ServiceContext, dev: DeviceNode__Output, manifests: DriverManifest[]): Promise<BindResult[]> {
  const drivers = matchDrivers(manifests, dev.modalias);
  if (!drivers.length) return [{ bdf: dev.bdf, driver: '', ok: false, detail: `no driver manifest matches ${dev.modalias}` }];
  const results: BindResult[] = [];
  for (const drv of drivers) {
    try {
      await bindOne(ctx, dev, drv);
      results.push({ bdf: dev.bdf, driver: drv.name, ok: true, detail: `module ${drv.module}${drv.service ? `, opened by ${drv.service}` : ''}` });
      ctx.milestone('driverd.bind', dev.bdf, `${drv.name} (module ${drv.module}) for ${dev.modalias}`);
      break;
    } catch (err) {
      const detail = (err as Error).message;
      results.push({ bdf: dev.bdf, driver: drv.name, ok: false, detail });
      ctx.log.error({ bdf: dev.bdf, driver: drv.name, module: drv.module, manifest: drv.file }, `driverd: cannot bind ${dev.bdf} to ${drv.name}: ${detail}`);
      ctx.milestone('driverd.bind.failed', dev.bdf, `${drv.name} (${drv.file}): ${detail}`);
    }
  }
  return results;
}

async function bindOne(ctx: ServiceContext, dev: DeviceNode__Output, drv: DriverManifest): Promise<void> {
  const d = ctx.nucleus.driver;
  try {
    await unaryCall((cb) => d.LoadModule({ header: ctx.header('broker.driver.load_module'), module: drv.module }, cb));
  } catch (err) {
    throw new Error(`DRIVER_LOAD_MODULE "${drv.module}" failed: ${(err as { details?: string }).details ?? (err as Error).message}`);
  }
  const probe = await unaryCall<{ modules: string[] }>((cb) => d.ProbeAlias({ header: ctx.header('broker.driver.probe_alias'), alias: dev.modalias }, cb));
  if (!probe.modules.includes(drv.module)) throw new Error(`DRIVER_PROBE_ALIAS: module ${drv.module} does not claim ${dev.modalias} (claimed by: ${probe.modules.join(', ') || 'none'})`);
  await unaryCall((cb) => d.Bind({ header: ctx.header('broker.driver.load_module'), bdf: dev.bdf, driver: drv.name, module: drv.module, service: drv.service }, cb));
}
