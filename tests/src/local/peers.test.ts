/**
 * Calls between services after a restart: a call addressed to a generation that is
 * gone gets the distinct stale-generation error (as Hubris answers a dead task
 * id), and the client runtime refreshes the endpoint and retries idempotent calls
 * by itself. Calls without a capability for the endpoint are refused.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { grpc, rustos, unaryCall, isStale, type ServiceContext } from '@rustos/platform';
import type { LeaseTable__Output } from '@rustos/platform/gen/rustos/v1/LeaseTable.js';
import type { RootdClient } from '@rustos/platform/gen/rustos/v1/Rootd.js';
import { LocalSystem } from './system.js';
import { startProbe } from './probe.js';

let sys: LocalSystem;
let probe: ServiceContext;
before(async () => {
  sys = await LocalSystem.boot({ tools: true });
  probe = await startProbe({ ...sys.env, RUSTOS_NUCLEUS: `unix:${join(sys.home, 'run', 'nucleus.sock')}`, RUSTOS_SECRET: readFileSync(join(sys.home, 'secret'), 'utf8').trim() });
});
after(async () => {
  await probe?.shutdown();
  await sys?.down();
});

const leases = (c: RootdClient, md: grpc.Metadata) => unaryCall<LeaseTable__Output>((cb) => c.Leases({}, md, cb));

test('a call to a restarted peer: stale generation, then refreshed and retried by the client runtime', async () => {
  const Rootd = rustos().Rootd;
  const first = await probe.peers.call('rootd.supervisor', Rootd, leases, { idempotent: true });
  assert.ok(first.leases.some((l) => l.name === 'vfsd' && l.state === 'RUNNING'));
  const old = await probe.peers.resolve('rootd.supervisor');
  assert.equal(old.generation, 1);

  sys.cli('kill', 'rootd');
  await sys.until('rootd generation 2 ready', async () => ((await sys.status()).services.find((s) => s.name === 'rootd')?.generation === 2 && (await sys.status()).ready ? true : undefined));

  // Addressed to generation 1, the call reaches the new process and is told so.
  const client = probe.peers.client(Rootd, old);
  await assert.rejects(leases(client, probe.peers.metadata(old)), (err: grpc.ServiceError) => {
    assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
    assert.ok(isStale(err), 'carries the stale-generation marker');
    assert.match(err.details, /rootd generation 1 is gone; this is generation 2/);
    return true;
  });
  // The runtime refreshes the endpoint and repeats the idempotent call.
  const again = await probe.peers.call('rootd.supervisor', Rootd, leases, { idempotent: true });
  assert.ok(again.leases.length > 0);
  assert.equal((await probe.peers.resolve('rootd.supervisor')).generation, 2);
});

test('a call to an endpoint without a capability for it is refused', async () => {
  const r = await probe.peers.resolve('rootd.supervisor');
  const md = new grpc.Metadata();
  md.set('rustos-cap', probe.capability('broker.mm'));
  await assert.rejects(leases(probe.peers.client(rustos().Rootd, r), md), (err: grpc.ServiceError) => {
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /capability does not grant rootd.supervisor/);
    return true;
  });
});
