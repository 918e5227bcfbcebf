/**
 * The system under Testcontainers: the nucleus and every service in its own
 * container on a Testcontainers network (plus the restart executor), started in
 * any order. The boot follows the seed; a killed service container is started
 * again and re-admitted as a new generation with fresh capabilities.
 */
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { connectNucleus, unaryCall, type NucleusClients } from '@rustos/platform';
import type { SystemStatus__Output } from '@rustos/platform/gen/rustos/v1/SystemStatus.js';
import type { Milestone__Output } from '@rustos/platform/gen/rustos/v1/Milestone.js';
import { buildImages, docker, SERVICES, TAG } from './images.js';
import { checkSeedOrder } from '../seed-order.js';

const deployment = `tc-${randomBytes(4).toString('hex')}`;
const secret = randomBytes(16).toString('hex');
let network: StartedNetwork;
const containers = new Map<string, StartedTestContainer>();
let admin: NucleusClients;

const status = () => unaryCall<SystemStatus__Output>((cb) => admin.admin.Status({}, { deadline: Date.now() + 5000 }, cb));
const milestones = async () => (await unaryCall<{ milestones: Milestone__Output[] }>((cb) => admin.milestones.List({ fromSeq: 1 }, cb))).milestones;

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Eleven containers compile their bundles at once on a 2-core machine: enrolment may take a while. */
const STARTUP_MS = 180_000;

function component(name: string): GenericContainer {
  return new GenericContainer(`rustos-ts/${name}:${TAG}`)
    .withNetwork(network)
    .withNetworkAliases(name)
    .withLabels({ 'rustos.deployment': deployment })
    .withEnvironment({ RUSTOS_SECRET: secret, RUSTOS_NUCLEUS: 'nucleus:7700', RUSTOS_LISTEN: '0.0.0.0:7700', RUSTOS_ADVERTISE: `${name}:7700` });
}

before(async () => {
  buildImages();
  network = await new Network().start();
  // Services first, the nucleus last: a service waits for the nucleus, then for rootd's admission.
  const starting = SERVICES.map(async (name) => containers.set(name, await component(name).withWaitStrategy(Wait.forLogMessage(/enrolled, generation 1/)).withStartupTimeout(STARTUP_MS).start()));
  await new Promise((r) => setTimeout(r, 500));
  containers.set('nucleus', await component('nucleus').withExposedPorts(7700).withEnvironment({ RUSTOS_NUCLEUS_LISTEN: '0.0.0.0:7700' })
    .withWaitStrategy(Wait.forHealthCheck()).start());
  containers.set('executor', await new GenericContainer(`rustos-ts/executor:${TAG}`)
    .withLabels({ 'rustos.deployment': `${deployment}-executor` })
    .withEnvironment({ RUSTOS_DEPLOYMENT: deployment })
    .withBindMounts([{ source: '/var/run/docker.sock', target: '/var/run/docker.sock' }])
    .withWaitStrategy(Wait.forLogMessage(/restart executor watching/)).start());
  await Promise.all(starting);
  const nucleus = containers.get('nucleus')!;
  admin = connectNucleus(`${nucleus.getHost()}:${nucleus.getMappedPort(7700)}`);
});

after(async () => {
  admin?.close();
  await Promise.all([...containers.values()].map((c) => c.stop({ timeout: 2 }).catch(() => undefined)));
  await network?.stop().catch(() => undefined);
});

test('containers started in any order boot in the seed order and reach desktop.ready', async () => {
  const s = await until('system ready', async () => { const x = await status(); return x.ready ? x : undefined; }, 90_000);
  assert.equal(checkSeedOrder((await milestones()).map((m) => m.name)), undefined);
  for (const svc of s.services) {
    assert.equal(svc.state, 'READY', svc.name);
    assert.equal(svc.endpoint.endsWith(':7700'), true);
  }
  // Every service container reports healthy through grpc.health.v1.
  await until('all containers healthy', async () => {
    const states = SERVICES.map((n) => docker('inspect', '-f', '{{.State.Health.Status}}', containers.get(n)!.getId()).trim());
    return states.every((h) => h === 'healthy') ? true : undefined;
  }, 60_000);
});

test('docker kill of a service container: restarted, re-admitted as a new generation with fresh capabilities', async () => {
  for (const name of ['syscalld', 'vfsd']) {
    const before = (await status()).services.find((s) => s.name === name)!;
    const fromSeq = (await status()).lastSeq;
    docker('kill', containers.get(name)!.getId());
    const after = await until(`${name} back`, async () => {
      const s = await status();
      const svc = s.services.find((x) => x.name === name);
      return s.ready && svc && svc.generation === before.generation + 1 && svc.state === 'READY' ? svc : undefined;
    }, 60_000);
    assert.ok(after.capabilityIds.every((c) => !before.capabilityIds.includes(c)), 'fresh capabilities');
    const ms = (await milestones()).filter((m) => m.seq > fromSeq);
    assert.ok(ms.some((m) => m.name === 'nucleus.exit' && m.subject === name && m.generation === before.generation));
    assert.ok(ms.some((m) => m.name === 'rootd.lease' && m.subject === name && /RESTART_PENDING/.test(m.detail)));
    assert.ok(ms.some((m) => m.name === 'nucleus.admit' && m.subject === name && m.generation === after.generation));
  }
});
