/**
 * Platform benchmark (issue: boot the whole system as networked processes):
 *  - boot time of a local system to desktop.ready;
 *  - restart time of each service after a kill (kill → ready again, from milestones);
 *  - round trips of trivial broker calls (unary and on the persistent MM stream)
 *    between two processes, beside a bare grpc-js server of the same contract in
 *    another process, measured in the same run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { grpc, unaryCall, rustos } from '@rustos/platform';
import { LocalSystem } from '@rustos/tests/local/system.js';
import { startProbe } from '@rustos/tests/local/probe.js';
import { summarize, printTable } from './lib/stats.js';
import { unaryRtt, streamRtt } from './lib/rtt.js';

const N = Number(process.env.BENCH_RTT_N ?? 5000);
const BOOTS = Number(process.env.BENCH_BOOTS ?? 3);
const SERVICES = ['syscalld', 'vfsd', 'loaderd', 'devmgrd', 'driverd', 'storaged', 'initd', 'runtimed', 'uiserver', 'rootd'];

async function bootTimes(): Promise<void> {
  const rows: (string | number)[][] = [];
  // Boot 0 may be the first since a build: its processes compile their bundles and
  // write the code caches the later boots (and a user's every boot) start from.
  for (let i = 0; i <= BOOTS; i++) {
    const sys = await LocalSystem.boot();
    const ms = await sys.milestones();
    const first = ms[0]!;
    const ready = ms.find((m) => m.name === 'desktop.ready')!;
    await new Promise((r) => setTimeout(r, 1200));   // let the code caches be written (platform/src/loader.cts)
    rows.push([i ? `boot ${i}` : 'boot 0 (first after a build: compiles, writes code caches)', sys.bootMs, ready.unixMs - first.unixMs]);
    await sys.down();
  }
  printTable('Boot to desktop.ready (local mode)', ['run', '`rustos up` → desktop.ready ms', 'nucleus start → desktop.ready ms'], rows);
}

async function restartTimes(sys: LocalSystem): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const name of SERVICES) {
    const before = (await sys.status()).services.find((s) => s.name === name)!;
    const from = (await sys.status()).lastSeq;
    sys.cli('kill', name);
    const ready = await sys.until(`${name} ready`, async () => {
      const ms = (await sys.milestones()).filter((m) => m.seq > from);
      const kill = ms.find((m) => m.name === 'admin.kill');
      const up = ms.find((m) => m.name === `${name}.ready` && m.generation === before.generation + 1);
      const s = await sys.status();
      return kill && up && s.ready ? { kill, up } : undefined;
    }, 30_000, 10);
    rows.push([name, ready.up.unixMs - ready.kill.unixMs]);
    // Kills a second apart, as an operator's are: the launcher's next warm spare is ready by then.
    await new Promise((r) => setTimeout(r, 1000));
  }
  printTable('Restart after `rustos kill` (admin.kill → <service>.ready, local mode; target ≤ 300 ms)', ['service', 'ms'], rows);
}

async function roundTrips(sys: LocalSystem): Promise<void> {
  const bare = spawn(process.execPath, [join(fileURLToPath(new URL('.', import.meta.url)), 'lib', 'bare-server.js'), `unix:${join(sys.home, 'run', 'bare.sock')}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve) => bare.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const v1 = rustos();
  const bareClient = new v1.MmBroker(address, grpc.credentials.createInsecure());
  // The probe logs in this process: its info lines would land between the tables.
  const probe = await startProbe({ ...sys.env, RUSTOS_LOG_LEVEL: 'warn', RUSTOS_NUCLEUS: `unix:${join(sys.home, 'run', 'nucleus.sock')}`, RUSTOS_SECRET: readFileSync(join(sys.home, 'secret'), 'utf8').trim() });
  const header = probe.header('broker.mm');
  const ipcHeader = probe.header('ipc');
  const req = (id: number) => ({ header, id, pid: 1, regions: {} });

  const rows: (string | number)[][] = [];
  const add = (name: string, samples: number[], ref?: number) => {
    const s = summarize(samples);
    rows.push([name, s.p50, s.p99, ref ? `${(s.p50 / ref).toFixed(2)}x` : '1.00x (reference)']);
    return s.p50;
  };
  const bareUnary = add('bare grpc-js unary (MmBroker contract, no-op handler)', await unaryRtt(N, () => unaryCall((cb) => bareClient.Call(req(1), cb))));
  add('nucleus MmBroker.Call (authorised, process lookup)', await unaryRtt(N, () => unaryCall((cb) => probe.nucleus.mm.Call(req(1), cb))), bareUnary);
  add('nucleus Ipc.Lookup (authorised)', await unaryRtt(N, () => unaryCall((cb) => probe.nucleus.ipc.Lookup({ header: ipcHeader, name: 'vfsd.files' }, cb))), bareUnary);
  const bareStream = add('bare grpc-js bidi ping-pong (MmBroker.Stream, no-op)', await streamRtt(N, bareClient.Stream(), req));
  add('nucleus MmBroker.Stream ping-pong (hot path)', await streamRtt(N, probe.nucleus.mm.Stream(), req), bareStream);
  printTable(`Broker round trips between two processes, µs (n=${N} each; target ≤ 1.2x the bare figure)`, ['call', 'p50 µs', 'p99 µs', 'vs bare'], rows);
  bare.kill();
  await probe.shutdown();
}

async function main(): Promise<void> {
  await bootTimes();
  const sys = await LocalSystem.boot({ tools: true });
  try {
    await roundTrips(sys);
    await restartTimes(sys);
  } finally {
    await sys.down();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
