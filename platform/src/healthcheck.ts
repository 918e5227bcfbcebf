/**
 * `node platform/dist/healthcheck.js [address]`: the container healthcheck. Asks
 * the process's standard grpc.health.v1 service and exits 0 only when it answers
 * SERVING (a service answers NOT_SERVING until rootd has admitted it).
 */
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';

const address = process.argv[2] ?? process.env.RUSTOS_HEALTH_ADDRESS ?? '127.0.0.1:7700';
const require = createRequire(import.meta.url);
const protoDir = join(dirname(require.resolve('grpc-health-check/package.json')), 'proto', 'health', 'v1');
const pkg = grpc.loadPackageDefinition(loadSync(join(protoDir, 'health.proto'), { enums: String })) as unknown as {
  grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
};
const client = new pkg.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
client.Check({ service: '' }, { deadline: Date.now() + 2000 }, (err: grpc.ServiceError | null, res?: { status: string }) => {
  const status = err ? `unreachable: ${err.details || err.message}` : res?.status;
  process.stdout.write(`${address}: ${status}\n`);
  process.exit(status === 'SERVING' ? 0 : 1);
});
