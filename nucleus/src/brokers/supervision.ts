/**
 * Supervision and Capabilities: the surface rootd (holder of the root capability)
 * uses to admit services, stop them, mirror its lease table, and issue or revoke
 * capabilities; plus RequestLaunch for the services that launch others.
 */
import { grpc, invalid, notFound, failed, unary, RpcError } from '@rustos/platform';
import type { SupervisionHandlers } from '@rustos/platform/gen/rustos/v1/Supervision.js';
import type { CapabilitiesHandlers } from '@rustos/platform/gen/rustos/v1/Capabilities.js';
import type { Kernel } from '../executive/kernel.js';
import { ROOT_RIGHT } from '../object/capabilities.js';
import { admit, requestLaunch, stop } from '../object/lifecycle.js';
import { authorize, requireString } from './guard.js';

export function supervisionHandlers(k: Kernel): SupervisionHandlers {
  return {
    Admit: unary((req) => {
      authorize(k, req.header, ROOT_RIGHT, 'Supervision.Admit');
      requireString(req.name, 'name', 'Supervision.Admit', 32);
      const svc = k.services.live(req.name);
      if (!svc || svc.generation !== req.generation) throw notFound(`Supervision.Admit: ${req.name} generation ${req.generation} is not live`, 3);
      if (svc.state !== 'ENROLLED') throw failed(`Supervision.Admit: ${req.name} generation ${req.generation} is already ${svc.state}`, 114);
      return { capabilities: admit(k, svc, req.rights, req.env) };
    }),
    Stop: unary((req) => {
      authorize(k, req.header, ROOT_RIGHT, 'Supervision.Stop');
      const svc = k.services.live(req.name);
      if (!svc || svc.generation !== req.generation) throw notFound(`Supervision.Stop: ${req.name} generation ${req.generation} is not live`, 3);
      if (!req.stop) throw invalid('Supervision.Stop: missing field "stop"');
      stop(k, svc, req.stop.why, req.stop.detail);
      return {};
    }),
    ReportLeases: unary((req) => {
      authorize(k, req.header, ROOT_RIGHT, 'Supervision.ReportLeases');
      k.leases = req.leases;
      return {};
    }),
    RequestLaunch: unary(async (req) => {
      requireString(req.name, 'name', 'Supervision.RequestLaunch', 32);
      const cap = authorize(k, req.header, `launch:${req.name}`, 'Supervision.RequestLaunch');
      const timeout = Math.min(req.timeoutMs || 30_000, 600_000);
      const svc = await requestLaunch(k, cap.holder, req.name, req.env, timeout);
      if (!svc) throw new RpcError(grpc.status.DEADLINE_EXCEEDED, `Supervision.RequestLaunch: ${req.name} was not ready within ${timeout} ms`, 62);
      return { name: svc.name, generation: svc.generation };
    }),
  };
}

export function capabilitiesHandlers(k: Kernel): CapabilitiesHandlers {
  return {
    Grant: unary((req) => {
      authorize(k, req.header, ROOT_RIGHT, 'Capabilities.Grant');
      const svc = k.services.live(req.holder);
      if (!svc || svc.generation !== req.generation) throw notFound(`Capabilities.Grant: ${req.holder} generation ${req.generation} is not live`, 3);
      return { capabilities: req.rights.map((r) => k.caps.issue(svc.name, svc.generation, r)) };
    }),
    Revoke: unary((req) => {
      authorize(k, req.header, ROOT_RIGHT, 'Capabilities.Revoke');
      const gone = k.caps.revoke(req.handles);
      if (gone.length) k.services.broadcast({ revoked: { handles: gone } });
      return {};
    }),
    Check: unary((req) => {
      // Any live capability may ask: services validate the handles their callers present.
      const asker = req.header?.capability ? k.caps.get(req.header.capability) : undefined;
      if (!asker) authorize(k, req.header, 'ipc', 'Capabilities.Check');
      const cap = k.caps.get(req.handle);
      if (!cap) throw notFound('Capabilities.Check: no such capability (unknown or revoked)', 1);
      return cap;
    }),
  };
}
