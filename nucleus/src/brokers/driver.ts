/** The driver brokers (DRIVER_LOAD_MODULE / DRIVER_PROBE_ALIAS), owned by driverd. */
import { invalid, notFound, unary } from '@rustos/platform';
import type { DriverBrokerHandlers } from '@rustos/platform/gen/rustos/v1/DriverBroker.js';
import type { Kernel } from '../executive/kernel.js';
import { authorize, injectFaults, requireString } from './guard.js';

const MODULE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function driverHandlers(k: Kernel): DriverBrokerHandlers {
  return {
    LoadModule: unary(async (req) => {
      authorize(k, req.header, 'broker.driver.load_module', 'DriverBroker.LoadModule');
      requireString(req.module, 'module', 'DriverBroker.LoadModule', 64);
      if (!MODULE.test(req.module)) throw invalid(`DriverBroker.LoadModule: "${req.module}" is not a module name`);
      await injectFaults(k, 'driver.module.load');
      const r = k.modules.load(req.module);
      if (!r) throw notFound(`DriverBroker.LoadModule: no module named "${req.module}" (available: ${k.modules.names().join(', ') || 'none'})`);
      k.milestones.emit({ name: 'io.module.load', subject: req.module, detail: r.detail });
      return { module: r.module.name, aliases: r.module.aliases };
    }),
    ProbeAlias: unary(async (req) => {
      authorize(k, req.header, 'broker.driver.probe_alias', 'DriverBroker.ProbeAlias');
      requireString(req.alias, 'alias', 'DriverBroker.ProbeAlias', 512);
      await injectFaults(k, 'broker.driver.probe_alias');
      return { modules: k.modules.probe(req.alias) };
    }),
  };
}
