import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Errno, O } from '../abi.js';
import { NR, TestGuest } from '../test-support.js';
import type { MachineInfo, ProcessInfo, ProcSource } from '../proc/view.js';
import { mapsText, meminfoLine, meminfoText, type ProcFacts } from '../proc/text.js';

const P = 80;

function info(pid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid, ppid: 1, state: 'RUNNING', comm: `prog${pid}`, exe: '/bin/tool', argv: [`prog${pid}`, '-x', 'arg two'], abi: 'linux',
    threads: 1, residentPages: 10, mappedBytes: 1 << 20, regions: [], exitStatus: 0, startMs: 1234, ...extra,
  };
}

const MACHINE: MachineInfo = {
  vcpus: 2, ramBytes: 256 * 1024 * 1024, framesTotal: 65536, framesFree: 32768, hwcap: 0, hwcap2: 0, platform: 'x86_64',
  cpuModel: 'RustOS-TS virtual CPU', cpuFlags: ['fpu', 'sse', 'sse2'], uptimeMs: 123_450, pageSize: 4096, clockTicks: 100,
};

function source(processes: ProcessInfo[], calls: string[]): ProcSource {
  return {
    async list(pid, regions) {
      calls.push(`list ${pid}${regions ? ' regions' : ''}`);
      return processes.filter((p) => pid === 0 || p.pid === pid).map((p) => (regions ? p : { ...p, regions: [] }));
    },
    async machine() {
      calls.push('machine');
      return MACHINE;
    },
  };
}

async function text(g: TestGuest, pid: number, path: string): Promise<string> {
  const fd = await g.open(pid, path, O.RDONLY);
  assert.ok(fd >= 0, `open ${path}: ${fd}`);
  let out = '';
  for (;;) {
    const chunk = await g.read(pid, fd, 4096);
    if (!chunk) break;
    out += chunk;
  }
  await g.result(pid, NR.close, [fd]);
  return out;
}

async function link(g: TestGuest, pid: number, path: string): Promise<string> {
  const a = await g.call(pid, NR.readlink, [0, 0, 4096], [path]);
  return a.result < 0 ? `error ${a.result}` : a.outputs![0]!.toString();
}

test('/proc/self, the process directories, and what the nucleus is asked (only when needed)', async () => {
  const calls: string[] = [];
  const g = new TestGuest({ procSource: source([info(P), info(81, { state: 'EXITED' })], calls) });
  assert.equal(await link(g, P, '/proc/self'), String(P));
  assert.deepEqual(calls, [], 'readlink /proc/self needs no nucleus data');
  assert.equal(await link(g, P, '/proc/self/exe'), '/bin/tool');
  assert.equal(await link(g, P, '/proc/self/cwd'), '/');
  assert.equal(await text(g, P, '/proc/self/cmdline'), `prog${P}\0-x\0arg two\0`);
  assert.equal(await text(g, P, '/proc/self/comm'), `prog${P}\n`);
  const stat = await text(g, 81, '/proc/81/stat');
  assert.match(stat, /^81 \(prog81\) Z 1 /);
  assert.equal(stat.trim().split(' ').length, 52, 'the 52 fields of proc_pid_stat');
  const status = await text(g, P, `/proc/${P}/status`);
  assert.match(status, new RegExp(`^Name:\\tprog${P}\\nUmask:\\t0022\\nState:\\tR \\(running\\)\\nTgid:\\t${P}\\n`));
  assert.match(status, /\nVmRSS:\t      40 kB\n/);
  assert.equal((await g.open(P, '/proc/999/stat', O.RDONLY)), -Errno.ENOENT);
  assert.equal((await g.open(P, '/proc/self/stat', O.WRONLY)), -Errno.EACCES);
  g.cleanup();
});

test('/proc/<pid>/fd lists the descriptors; fd/N reads as its target and opens the same object (/dev/stdin on a pipe)', async () => {
  const g = new TestGuest({ procSource: source([], []) });
  const [r, w] = await g.pipe(P);
  await g.result(P, NR.dup2, [r, 0]);
  const ino = (await g.call(P, NR.fstat, [r])).outputs![0]!.readBigUInt64LE(8);
  assert.equal(await link(g, P, `/proc/${P}/fd/${r}`), `pipe:[${ino}]`);
  const dir = await g.open(P, '/proc/self/fd', O.RDONLY | O.DIRECTORY);
  const a = await g.call(P, NR.getdents64, [dir, 0, 4096]);
  const b = a.outputs![0]!;
  const names: string[] = [];
  for (let at = 0; at < a.result; at += b.readUInt16LE(at + 16)) names.push(b.subarray(at + 19, b.indexOf(0, at + 19)).toString());
  assert.deepEqual(names, ['.', '..', ...[...new Set([0, r, w, dir])].sort((x, y) => x - y).map(String)]);
  await g.write(P, w, 'through the magic link');
  const stdin = await g.open(P, '/dev/stdin', O.RDONLY);
  assert.equal(await g.read(P, stdin, 100), 'through the magic link');
  const f = await g.open(P, '/tmp/file', O.CREAT | O.RDWR);
  assert.equal(await link(g, P, `/proc/self/fd/${f}`), '/tmp/file');
  assert.equal(await link(g, P, '/proc/self/fd/99'), `error ${-Errno.ENOENT}`);
  g.cleanup();
});

test('/proc/<pid>/maps lines are laid out exactly as Linux lays out this host\'s own maps', () => {
  const host = readFileSync('/proc/self/maps', 'utf8').trimEnd().split('\n');
  const regions = host.map((line) => {
    const m = /^([0-9a-f]+)-([0-9a-f]+) ([r-])([w-])([x-])([sp]) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+)\s*(.*)$/.exec(line)!;
    const dev = (parseInt(m[8]!, 16) << 8) | parseInt(m[9]!, 16);
    const name = m[11]!;
    const file = Number(m[10]) !== 0 ? { path: name, device: dev, inode: Number(m[10]), offset: parseInt(m[7]!, 16) } : null;
    return {
      start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16),
      prot: (m[3] === 'r' ? 1 : 0) | (m[4] === 'w' ? 2 : 0) | (m[5] === 'x' ? 4 : 0), flags: m[6] === 's' ? 1 : 0,
      name: file ? '' : name, file,
    };
  });
  const facts = { pid: 1, info: { ...info(1), regions } } as unknown as ProcFacts;
  assert.deepEqual(mapsText(facts).trimEnd().split('\n'), host);
});

test('/proc/meminfo uses Linux\'s label and number columns; cpuinfo, uptime, loadavg, version, mounts, sys/kernel', async () => {
  const host = readFileSync('/proc/meminfo', 'utf8').split('\n').filter((l) => l.endsWith(' kB'));
  assert.ok(host.length > 20);
  for (const line of host) {
    const [, label, kb] = /^(.*?):\s+(\d+) kB$/.exec(line)!;
    assert.equal(meminfoLine(label!, Number(kb)), `${line}\n`);
  }
  const labels = (t: string) => t.split('\n').filter((l) => l).map((l) => l.split(':')[0]);
  assert.deepEqual(labels(meminfoText(MACHINE)).filter((l) => !host.some((h) => h.startsWith(`${l}:`)) && !l!.startsWith('HugePages_')), [],
    'every label is one this host\'s Linux shows');
  const g = new TestGuest({ procSource: source([info(P)], []) });
  assert.match(await text(g, P, '/proc/meminfo'), /^MemTotal:         262144 kB\nMemFree:          131072 kB\n/);
  const cpu = await text(g, P, '/proc/cpuinfo');
  assert.equal(cpu.match(/^processor\t: \d+$/gm)!.length, 2);
  assert.match(cpu, /^flags\t\t: fpu sse sse2$/m);
  const hostKeys = new Set(readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')[0]!.split('\n').map((l) => l.split(':')[0]));
  for (const key of cpu.split('\n\n')[0]!.split('\n').map((l) => l.split(':')[0])) assert.ok(hostKeys.has(key), `cpuinfo key ${JSON.stringify(key)} is one Linux has`);
  assert.equal(await text(g, P, '/proc/uptime'), '123.45 246.90\n');
  assert.match(await text(g, P, '/proc/loadavg'), /^0\.00 0\.00 0\.00 1\/1 80\n$/);
  assert.match(await text(g, P, '/proc/version'), /^Linux version 6\./);
  assert.match(await text(g, P, '/proc/mounts'), /^\/dev\/root \/ ext4 ro,relatime 0 0\n(.*\n)*tmpfs \/tmp tmpfs rw,nosuid,nodev 0 0\n/);
  assert.equal(await text(g, P, '/proc/sys/kernel/ostype'), 'Linux\n');
  assert.equal(await link(g, P, '/proc/mounts'), 'self/mounts');
  const mi = (await text(g, P, "/proc/self/mountinfo")).trim().split('\n').map((l) => l.split(' '));
  assert.deepEqual(mi.map((f) => [f[4], f[7], f[8]]), [['/', 'ext4', '/dev/root'], ['/dev', 'devtmpfs', 'devtmpfs'],
    ['/dev/pts', 'devpts', 'devpts'], ['/dev/shm', 'tmpfs', 'tmpfs'], ['/proc', 'proc', 'proc'], ['/tmp', 'tmpfs', 'tmpfs'], ['/run', 'tmpfs', 'tmpfs'], ['/home', 'ext4', '/dev/home']]);
  assert.deepEqual(mi.map((f) => f[6]), Array(8).fill('-'), 'no optional fields');
  assert.equal(mi[3]![1], mi[1]![0], '/dev/shm sits on /dev');
  assert.match(await text(g, P, '/proc/thread-self/stat'), new RegExp(`^${P} \\(prog${P}\\) R `));
  g.cleanup();
});

test('without the nucleus /proc still knows the processes vfsd knows', async () => {
  const g = new TestGuest();
  await g.open(P, '/tmp/x', O.CREAT | O.RDWR);
  const dir = await g.open(P, '/proc', O.RDONLY | O.DIRECTORY);
  const a = await g.call(P, NR.getdents64, [dir, 0, 8192]);
  assert.ok(a.outputs![0]!.includes(Buffer.from(`${P}\0`)));
  assert.equal(await link(g, P, `/proc/${P}/fd/0`), '/tmp/x');
  g.cleanup();
});
