/**
 * Storage benchmark (issue 5): sequential write (busybox dd conv=fsync) and read
 * throughput of /data from a guest — ext2 in vfsd over storaged's block service
 * on a host file — beside the same busybox dd under qemu-x86_64 on a host
 * directory, in one run. Times are wall clock around the program; the guest's
 * figure has the cost of launching a program through `rustos run` (measured
 * with `busybox true` in the same run) taken off.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';
import { LocalSystem } from '@rustos/tests/local/system.js';
import { printTable, summarize } from './lib/stats.js';

const MIB = Number(process.env.BENCH_STORAGE_MIB ?? 16);
const RUNS = Number(process.env.BENCH_STORAGE_RUNS ?? 3);
const BS = 65536;
const COUNT = (MIB * 1024 * 1024) / BS;
const BUSYBOX = join(ROOT, 'build', 'rootfs', 'bin', 'busybox');

const writeArgs = (dir: string) => ['dd', 'if=/dev/zero', `of=${dir}/bench`, `bs=${BS}`, `count=${COUNT}`, 'conv=fsync'];
const readArgs = (dir: string) => ['dd', `if=${dir}/bench`, 'of=/dev/null', `bs=${BS}`];

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

function must(r: { status: number | null; stderr: string | Buffer }, what: string): void {
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`);
}

function qemu(dir: string): { write: number[]; read: number[] } {
  const run = (args: string[]) => timed(() => must(spawnSync('qemu-x86_64', [BUSYBOX, ...args], { encoding: 'utf8' }), `qemu busybox ${args[0]}`));
  const write: number[] = [];
  const read: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    write.push(run(writeArgs(dir)));
    read.push(run(readArgs(dir)));
  }
  return { write, read };
}

async function guest(): Promise<{ write: number[]; read: number[]; launch: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'rustos-bench-disk-'));
  const sys = await LocalSystem.boot({ env: { RUSTOS_DISK: join(dir, 'data.img'), RUSTOS_UI_HTTP: '127.0.0.1:0' } });
  try {
    await sys.until('/data mounted', async () => (await sys.milestones()).find((m) => m.name === 'vfsd.data.mounted'), 120_000, 200);
    const run = (args: string[]) => timed(() => must(sys.cli('run', '--', '/bin/busybox', ...args), `guest busybox ${args[0]}`));
    const launches: number[] = [];
    for (let i = 0; i < RUNS; i++) launches.push(run(['true']));
    const launch = summarize(launches).p50;
    const write: number[] = [];
    const read: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      write.push(run(writeArgs('/data')) - launch);
      read.push(run(readArgs('/data')) - launch);
    }
    return { write, read, launch };
  } finally {
    await sys.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

const host = mkdtempSync(join(tmpdir(), 'rustos-bench-host-'));
try {
  const q = qemu(host);
  const g = await guest();
  const mbps = (ms: number) => MIB / (ms / 1000);
  const row = (what: string, gs: number[], qs: number[]) => {
    const gm = mbps(summarize(gs).p50);
    const qm = mbps(summarize(qs).p50);
    return [what, gm, qm, `${(qm / gm).toFixed(1)}x`];
  };
  printTable(`Sequential /data throughput, ${MIB} MiB with busybox dd bs=64k (median of ${RUNS}; guest launch ${g.launch.toFixed(0)} ms taken off)`,
    ['workload', 'RustOS /data MB/s', 'qemu-x86_64 host dir MB/s', 'qemu faster by'], [
      row('write, conv=fsync', g.write, q.write),
      row('read', g.read, q.read),
    ]);
} finally {
  rmSync(host, { recursive: true, force: true });
}
