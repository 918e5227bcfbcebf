/** The system's status as `rustos status` shows it: services, leases, counters. */
import type { SystemStatus } from '@rustos/platform/gen/rustos/v1/SystemStatus.js';
import type { ServiceStatus } from '@rustos/platform/gen/rustos/v1/ServiceStatus.js';
import type { Kernel } from './kernel.js';
import { monoMs } from '../core/clock.js';

export function systemStatus(k: Kernel): SystemStatus {
  const names = new Set([...k.leases.map((l) => l.name), ...k.services.all().map((s) => s.name)]);
  const services: ServiceStatus[] = [...names].sort().map((name) => {
    const svc = k.services.get(name);
    const lease = k.leases.find((l) => l.name === name);
    return {
      name,
      state: svc?.state ?? 'WAITING',
      generation: svc?.generation ?? 0,
      pid: svc?.pid ?? 0,
      host: svc?.host ?? '',
      endpoint: svc?.endpoint ?? '',
      lease: lease?.state ?? (name === 'rootd' && svc?.state === 'READY' ? 'RUNNING' : ''),
      restarts: lease?.restarts ?? 0,
      sinceMs: svc?.since ?? 0,
      rights: svc && svc.state !== 'EXITED' ? k.caps.rightsOf(name) : [],
      capabilityIds: svc && svc.state !== 'EXITED' ? k.caps.fingerprintsOf(name) : [],
    };
  });
  const expected = k.leases.length > 0 ? k.leases.map((l) => l.name) : [];
  const ready = k.milestones.has('desktop.ready')
    && expected.every((n) => k.services.live(n)?.state === 'READY')
    && k.leases.every((l) => l.state === 'RUNNING')
    && k.services.live('rootd')?.state === 'READY';
  const mem = process.memoryUsage();
  const counters: Record<string, number> = Object.fromEntries(k.counters);
  counters['nucleus.rss_bytes'] = mem.rss;
  counters['nucleus.heap_bytes'] = mem.heapUsed;
  return { system: 'RustOS-TS', ready, uptimeMs: monoMs(), services, counters, lastSeq: k.milestones.lastSeq };
}
