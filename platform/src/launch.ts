/**
 * For services that launch others (initd launches runtimed, runtimed bootstraps
 * uiserver): ask rootd, through the nucleus, and wait until the service is ready.
 * A launch that times out (rootd restarting, the process not yet started) is asked
 * again; rootd's answer is idempotent.
 */
import { grpc, unaryCall } from './grpc.js';
import type { ServiceContext } from './service.js';
import type { Manifest } from './manifest.js';

export async function launch(ctx: ServiceContext, name: string, env: Record<string, string> = {}, attempts = 20): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const reply = await unaryCall<{ generation: number }>((cb) => ctx.nucleus.supervision.RequestLaunch(
        { header: ctx.header(`launch:${name}`), name, env, timeoutMs: 10_000 }, { deadline: Date.now() + 11_000 }, cb));
      return reply.generation;
    } catch (err) {
      const code = (err as grpc.ServiceError).code;
      if (attempt >= attempts || (code !== grpc.status.DEADLINE_EXCEEDED && code !== grpc.status.UNAVAILABLE)) throw err;
      ctx.log.warn(`launch of ${name} not ready yet (${(err as Error).message}); asking again`);
    }
  }
}

/** The services whose manifest names `launcher`, in their order. */
export function launchedBy(ctx: ServiceContext, launcher: string): Manifest[] {
  return [...ctx.manifests.values()].filter((m) => m.launcher === launcher && m.autostart).sort((a, b) => a.order - b.order);
}
