/** `rustos status`, `rustos milestones`, `rustos logs`: reading a system's state. */
import { grpc, unaryCall } from '@rustos/platform';
import type { SystemStatus__Output } from '@rustos/platform/gen/rustos/v1/SystemStatus.js';
import type { Milestone__Output } from '@rustos/platform/gen/rustos/v1/Milestone.js';
import type { Args } from '../args.js';
import { connect } from '../endpoint.js';
import { formatMilestone } from '../progress.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

async function withNucleus<T>(args: Args, fn: (n: ReturnType<typeof connect>) => Promise<T>): Promise<T> {
  const n = connect(args.flags.get('endpoint'));
  try {
    return await fn(n);
  } finally {
    n.close();
  }
}

export async function status(args: Args): Promise<number> {
  const s = await withNucleus(args, (n) => unaryCall<SystemStatus__Output>((cb) => n.admin.Status({}, { deadline: Date.now() + 3000 }, cb)));
  if (args.flags.has('json')) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return 0;
  }
  // Not ready: say who is not (FAILED first: it will not come back by itself).
  const waiting = s.services.filter((v) => v.state !== 'READY' || (v.lease && v.lease !== 'RUNNING'))
    .sort((a, b) => Number(b.lease === 'FAILED') - Number(a.lease === 'FAILED')).map((v) => `${v.name} ${v.lease === 'FAILED' ? 'FAILED' : v.state}`);
  const readiness = s.ready ? 'ready' : `not ready${waiting.length ? ` (${waiting.join(', ')})` : ''}`;
  process.stdout.write(`${s.system}: ${readiness}, up ${(s.uptimeMs / 1000).toFixed(1)} s, ${s.lastSeq} milestones\n`);
  const rows = [['SERVICE', 'STATE', 'LEASE', 'GEN', 'PID', 'RESTARTS', 'RIGHTS']];
  for (const v of s.services) rows.push([v.name, v.state, v.lease || '-', String(v.generation), String(v.pid || '-'), String(v.restarts), v.rights.join(' ')]);
  process.stdout.write(table(rows));
  const counters = Object.entries(s.counters).filter(([k]) => !k.startsWith('nucleus.'));
  if (counters.length) process.stdout.write(`counters: ${counters.map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  return 0;
}

export async function milestones(args: Args): Promise<number> {
  const json = args.flags.has('json');
  if (args.flags.has('follow') || args.flags.has('f')) {
    return withNucleus(args, (n) => new Promise((resolve) => {
      const stream = n.milestones.Watch({ fromSeq: 1 });
      stream.on('data', (m: Milestone__Output) => process.stdout.write(json ? `${JSON.stringify(m)}\n` : `${formatMilestone(m)}\n`));
      stream.on('error', (err: grpc.ServiceError) => { process.stderr.write(`${err.details || err.message}\n`); resolve(1); });
      stream.on('end', () => resolve(0));
    }));
  }
  const list = await withNucleus(args, (n) => unaryCall<{ milestones: Milestone__Output[] }>((cb) => n.milestones.List({ fromSeq: 1 }, { deadline: Date.now() + 3000 }, cb)));
  if (json) process.stdout.write(`${JSON.stringify(list.milestones, null, 2)}\n`);
  else for (const m of list.milestones) process.stdout.write(`${formatMilestone(m)}\n`);
  return 0;
}

export async function logs(args: Args): Promise<number> {
  const service = args.positional[1] ?? '';
  const follow = args.flags.has('follow') || args.flags.has('f');
  const tail = Number(args.flags.get('n') ?? args.flags.get('tail') ?? 200);
  if (!Number.isInteger(tail) || tail < 1) {
    process.stderr.write(`rustos logs: -n ${String(args.flags.get('n') ?? args.flags.get('tail'))}: not a positive number of lines\nusage: rustos logs [service] [-f] [-n N]\n`);
    return 2;
  }
  return withNucleus(args, (n) => new Promise((resolve) => {
    const stream = n.admin.Logs({ service, follow, tail });
    stream.on('data', (batch: { lines: string[] }) => { for (const l of batch.lines) process.stdout.write(`${l}\n`); });
    stream.on('error', (err: grpc.ServiceError) => { process.stderr.write(`rustos logs: ${err.details || err.message}\n`); resolve(1); });
    stream.on('end', () => resolve(0));
  }));
}
