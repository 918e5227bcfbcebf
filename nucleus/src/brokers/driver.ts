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
    Bind: unary((req) => {
      authorize(k, req.header, 'broker.driver.load_module', 'DriverBroker.Bind');
      requireString(req.driver, 'driver', 'DriverBroker.Bind', 64);
      requireString(req.module, 'module', 'DriverBroker.Bind', 64);
      if (req.service && !/^[a-z][a-z0-9-]{0,31}$/.test(req.service)) throw invalid(`DriverBroker.Bind: "${req.service}" is not a service name`);
      const devices = k.devices;
      if (!devices) throw notFound('DriverBroker.Bind: the machine has no PCI bus');
      const fn = devices.bus.get(req.bdf);
      if (!fn) throw notFound(`DriverBroker.Bind: no PCI function at "${req.bdf}"`);
      const node = k.bindings.tree.find((n) => n.bdf === req.bdf);
      if (!node) throw invalid(`DriverBroker.Bind: ${req.bdf} is not in the device tree devmgrd published`);
      if (!k.modules.probe(node.modalias).includes(req.module)) throw invalid(`DriverBroker.Bind: module "${req.module}" is not loaded or does not match ${node.modalias}`);
      k.bindings.bind({ bdf: req.bdf, driver: req.driver, module: req.module, service: req.service });
      k.milestones.emit({ name: 'io.device.bind', subject: req.bdf, detail: `${fn.description}: driver ${req.driver} (module ${req.module})${req.service ? ` for ${req.service}` : ''}` });
      return {};
    }),
  };
}
