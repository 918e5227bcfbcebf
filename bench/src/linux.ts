/**
 * Linux ABI benchmark (issue: run real Linux ELF programs end to end):
 *  - the round trip of a forwarded syscall as a guest sees it (getuid through
 *    syscalld's mailbox, timed call by call with RDTSC inside the guest), beside a
 *    nucleus-only call (getpid) and a bare grpc-js bidi-stream ping-pong between
 *    two processes measured in the same run (the seed's bare-metal 23.9 µs is the
 *    figure to beat);
 *  - busybox workloads natively, under qemu-x86_64 and on the system (`rustos
 *    run`, wall time including the CLI's start and the launch), with ratios.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grpc, ROOT, rustos } from '@rustos/platform';
import { LocalSystem } from '@rustos/tests/local/system.js';
import { printTable, summarize } from './lib/stats.js';
import { streamRtt } from './lib/rtt.js';

const CALLS = Number(process.env.BENCH_SYSCALLS ?? 3000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RTT_ROUNDS = Number(process.env.BENCH_RTT_ROUNDS ?? 7);
const BUSYBOX = '/bin/busybox';
const SEED_BARE_METAL_US = 23.9;

async function bareStreamP50(home: string): Promise<{ p50: number; p99: number }> {
  const server = spawn(process.execPath, [join(fileURLToPath(new URL('.', import.meta.url)), 'lib', 'bare-server.js'), `unix:${join(home, `bare-${process.hrtime.bigint()}.sock`)}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const client = new (rustos().MmBroker)(address, grpc.credentials.createInsecure());
  const samples = await streamRtt(CALLS, client.Stream(), (id) => ({ id, pid: 1, regions: {} }));
  client.close();
  server.kill();
  return summarize(samples);
}

/** One guest run of syscall_rtt: p50/p99 per call name. */
function guestRtt(sys: LocalSystem, calls: number): Record<string, { p50: number; p99: number }> {
  const r = sys.cli('run', '--', '/opt/rustos/tests/syscall_rtt', String(calls));
  if (r.status !== 0) throw new Error(`syscall_rtt failed (${r.status}): ${r.stderr}`);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => {
    const [name, p50, p99] = l.split(' ');
    return [name!, { p50: Number(p50), p99: Number(p99) }];
  }));
}

/**
 * The guest and the bare ping-pong alternate in rounds, so load from other jobs
 * on the machine weighs on both alike; the table gives medians over the rounds
 * and the median of the per-round ratios.
 */
async function syscallRoundTrip(sys: LocalSystem): Promise<void> {
  const rounds: { getuid: { p50: number; p99: number }; getpid: { p50: number; p99: number }; bare: { p50: number; p99: number } }[] = [];
  for (let i = 0; i < RTT_ROUNDS; i++) {
    const g = guestRtt(sys, CALLS);
    rounds.push({ getuid: g.getuid!, getpid: g.getpid!, bare: await bareStreamP50(sys.home) });
  }
  const med = (f: (r: (typeof rounds)[number]) => number) => median(rounds.map(f));
  const bare = { p50: med((r) => r.bare.p50), p99: med((r) => r.bare.p99) };
  const native = spawnSync(join(ROOT, 'tests', 'linux-programs', 'out', 'syscall_rtt'), [String(CALLS)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]!.split(' ');
  const ratio = (f: (r: (typeof rounds)[number]) => number) => `${med((r) => f(r) / r.bare.p50).toFixed(2)}x`;
  printTable(`Syscall round trip seen by the guest, µs (n=${CALLS} per round, median of ${RTT_ROUNDS} alternating rounds; target: forwarded ≤ 1.25x the bare ping-pong; seed bare metal ${SEED_BARE_METAL_US} µs)`,
    ['call', 'p50 µs', 'p99 µs', 'vs bare ping-pong'], [
      ['bare grpc-js bidi ping-pong between two processes (same run)', bare.p50, bare.p99, '1.00x (reference)'],
      ['guest getuid → nucleus → syscalld mailbox → back (forwarded)', med((r) => r.getuid.p50), med((r) => r.getuid.p99), ratio((r) => r.getuid.p50)],
      ['guest getpid (nucleus mechanism, no service)', med((r) => r.getpid.p50), med((r) => r.getpid.p99), ratio((r) => r.getpid.p50)],
      ['native getuid on the host', Number(native[1]), Number(native[2]), `${(Number(native[1]) / bare.p50).toFixed(2)}x`],
    ]);
}

function median(ms: number[]): number {
  return [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
}

function timed(cmd: string, args: string[], env?: NodeJS.ProcessEnv): number {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    runs.push(performance.now() - t);
  }
  return median(runs);
}

async function workloads(sys: LocalSystem): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-bench-'));
  // Deterministic inputs: 20 MB of varied bytes, and 1 MB of text lines to sort.
  const big = Buffer.alloc(20 << 20);
  let x = 0x12345678;
  for (let i = 0; i < big.length; i++) big[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  writeFileSync(join(dir, 'big.bin'), big);
  let text = '';
  for (let i = 0; text.length < 1 << 20; i++) text += `${((i * 2654435761) >>> 0).toString(36)} line ${i}\n`;
  writeFileSync(join(dir, 'lines.txt'), text);
  for (const f of ['big.bin', 'lines.txt']) {
    const r = sys.cli('cp', join(dir, f), `:/tmp/${f}`);
    if (r.status !== 0) throw new Error(`rustos cp ${f}: ${r.stderr}`);
  }
  const loop = 'i=0; while [ $i -lt 1000 ]; do i=$((i+1)); done; echo $i';
  const cases: [string, string[]][] = [
    ['sha256sum of 20 MB', ['sha256sum', '@/big.bin']],
    ['sort of 1 MB', ['sort', '-o', '/dev/null', '@/lines.txt']],
    ['1,000-iteration shell loop', ['sh', '-c', loop]],
    ['busybox true (launch cost alone)', ['true']],
  ];
  const cli = join(ROOT, 'cli', 'bin', 'rustos.js');
  const rows: (string | number)[][] = [];
  for (const [name, args] of cases) {
    const at = (root: string) => args.map((a) => a.replace('@', root));
    const native = timed(BUSYBOX, at(dir));
    const qemu = timed('qemu-x86_64', [BUSYBOX, ...at(dir)]);
    const system = timed(process.execPath, [cli, 'run', '--', BUSYBOX, ...at('/tmp')], sys.env);
    rows.push([name, native, qemu, system, `${(system / native).toFixed(1)}x`, `${(system / qemu).toFixed(1)}x`]);
  }
  printTable(`busybox workloads, wall ms (median of ${RUNS}; the system column includes \`rustos run\`'s start and the launch)`,
    ['workload', 'native ms', 'qemu-x86_64 ms', 'RustOS-TS ms', 'vs native', 'vs qemu'], rows);
}

async function main(): Promise<void> {
  const sys = await LocalSystem.boot();
  try {
    await syscallRoundTrip(sys);
    if (process.env.BENCH_LINUX !== 'rtt') await workloads(sys);
  } finally {
    await sys.down();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
