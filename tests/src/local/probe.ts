/**
 * The probe: an operator tool (tests/manifests/probe) that enrolls like a service
 * and holds exactly the rights its manifest names, so tests and benchmarks can
 * call brokers the way a granted service does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { grpc, runService, rustos, type ServiceContext } from '@rustos/platform';
import type { VfsdClient } from '@rustos/platform/gen/rustos/v1/Vfsd.js';

export function startProbe(env: NodeJS.ProcessEnv, name = 'probe'): Promise<ServiceContext> {
  for (const key of ['RUSTOS_HOME', 'RUSTOS_MANIFESTS', 'RUSTOS_SECRET', 'RUSTOS_NUCLEUS', 'RUSTOS_LOG_LEVEL']) {
    if (env[key] !== undefined) process.env[key] = env[key];
  }
  return new Promise((resolve, reject) => {
    runService({ name, embedded: true, afterReady: (ctx) => resolve(ctx) }).catch(reject);
  });
}

/** The probe (or another operator tool) enrolled with a booted local system. */
export function startProbeOn(sys: { env: NodeJS.ProcessEnv; home: string }, name = 'probe'): Promise<ServiceContext> {
  return startProbe({ ...sys.env, RUSTOS_NUCLEUS: `unix:${join(sys.home, 'run', 'nucleus.sock')}`, RUSTOS_SECRET: readFileSync(join(sys.home, 'secret'), 'utf8').trim() }, name);
}

/** vfsd's peer API as the probe reaches it (streams need the client and metadata themselves). */
export async function vfsdPeer(probe: ServiceContext): Promise<{ client: VfsdClient; md: grpc.Metadata }> {
  const r = await probe.peers.resolve('vfsd.files');
  return { client: probe.peers.client(rustos().Vfsd, r), md: probe.peers.metadata(r) };
}
