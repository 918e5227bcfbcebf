/**
 * The standard gRPC health service (grpc.health.v1) every process serves: Check
 * answers the current status of a service name ('' is the whole process), Watch
 * streams every change. A service is NOT_SERVING until rootd admits it.
 */
import { grpc } from './grpc.js';
import { contracts } from './contracts.js';
import type { HealthHandlers } from './gen/grpc/health/v1/Health.js';
import type { HealthCheckResponse } from './gen/grpc/health/v1/HealthCheckResponse.js';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';
type Watcher = (status: string) => void;

export class Health {
  private readonly statuses = new Map<string, ServingStatus>([['', 'NOT_SERVING']]);
  private readonly watchers = new Map<string, Set<Watcher>>();

  setStatus(service: string, status: ServingStatus): void {
    this.statuses.set(service, status);
    for (const w of this.watchers.get(service) ?? []) w(status);
  }

  addToServer(server: grpc.Server): void {
    server.addService(contracts().grpc.health.v1.Health.service, this.handlers());
  }

  private handlers(): HealthHandlers {
    return {
      Check: (call, cb) => {
        const status = this.statuses.get(call.request.service);
        if (!status) return cb({ code: grpc.status.NOT_FOUND, details: `unknown service "${call.request.service}"` });
        cb(null, { status });
      },
      Watch: (call) => {
        const name = call.request.service;
        const send = (status: string) => call.write({ status } as HealthCheckResponse);
        send(this.statuses.get(name) ?? 'SERVICE_UNKNOWN');
        const set = this.watchers.get(name) ?? new Set<Watcher>();
        this.watchers.set(name, set);
        set.add(send);
        call.on('cancelled', () => set.delete(send));
      },
    };
  }
}
