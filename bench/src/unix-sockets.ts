/**
 * AF_UNIX sockets (issue 5, the OS half of Wayland): the guest program
 * `unix_bench` (tests/linux-programs/src/unix_bench.c) natively and on a local
 * system in one run — a 64-byte ping-pong between two processes, a memfd passed
 * with SCM_RIGHTS and back, a socketpair stream beside a pipe stream — with
 * the system's figure against native.
 *
 *   node bench/dist/unix-sockets.js [rounds] [MiB]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';
import { LocalSystem } from '@rustos/tests/local/system.js';
import { printTable } from './lib/stats.js';

const rounds = process.argv[2] ?? '300';
const mb = process.argv[3] ?? '4';

function parse(out: string): Record<string, number[]> {
  return Object.fromEntries(out.trim().split('\n').map((l) => {
    const [name, ...values] = l.split(' ');
    return [name!, values.map(Number)];
  }));
}

const native = spawnSync(join(ROOT, 'tests', 'linux-programs', 'out', 'unix_bench'), [rounds, mb], { encoding: 'utf8' });
if (native.status !== 0) throw new Error(`native unix_bench failed: ${native.stderr}`);
// Port 0: another system on this machine may hold uiserver's default port.
const sys = await LocalSystem.boot({ env: { RUSTOS_UI_HTTP: '127.0.0.1:0' } });
try {
  const r = sys.cli('run', '--', '/opt/rustos/tests/unix_bench', rounds, mb);
  if (r.status !== 0) throw new Error(`unix_bench on the system failed (${r.status}): ${r.stderr}`);
  const n = parse(native.stdout), s = parse(r.stdout);
  const slower = (a: number, b: number) => `${(a / b).toFixed(0)}x`;
  printTable(`AF_UNIX as the guest sees it (rounds ${rounds}, ${mb} MiB streams)`, ['measure', 'native', 'rustos', 'rustos vs native'], [
    ['ping-pong 64 B round trip p50, µs', n.pingpong![0]!, s.pingpong![0]!, slower(s.pingpong![0]!, n.pingpong![0]!)],
    ['ping-pong 64 B round trip p99, µs', n.pingpong![1]!, s.pingpong![1]!, slower(s.pingpong![1]!, n.pingpong![1]!)],
    ['memfd passed and passed back (SCM_RIGHTS) p50, µs', n.fdpass![0]!, s.fdpass![0]!, slower(s.fdpass![0]!, n.fdpass![0]!)],
    ['socketpair stream, MB/s', n.stream![0]!, s.stream![0]!, slower(n.stream![0]!, s.stream![0]!)],
    ['pipe stream (reference), MB/s', n.pipe![0]!, s.pipe![0]!, slower(n.pipe![0]!, s.pipe![0]!)],
  ]);
} finally {
  await sys.down();
}
