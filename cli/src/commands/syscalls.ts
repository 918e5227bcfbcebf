/** `rustos syscalls [--json]`: the Linux ABI support table, with ENOSYS counts from this run. */
import { unaryCall } from '@rustos/platform';
import type { SyscallTable__Output } from '@rustos/platform/gen/rustos/v1/SyscallTable.js';
import type { Args } from '../args.js';
import { connect } from '../endpoint.js';

export async function syscalls(args: Args): Promise<number> {
  const n = connect(args.flags.get('endpoint'));
  try {
    const t = await unaryCall<SyscallTable__Output>((cb) => n.admin.Syscalls({}, { deadline: Date.now() + 5000 }, cb));
    if (args.flags.has('json')) {
      process.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
      return 0;
    }
    const w = Math.max(...t.rows.map((r) => r.name.length));
    for (const r of t.rows) {
      process.stdout.write(`${String(r.nr).padStart(3)}  ${r.name.padEnd(w)}  ${r.route.padEnd(8)}  ${r.support.padEnd(13)}  ${r.note}\n`);
    }
    const missing = Object.entries(t.enosys).sort((a, b) => b[1] - a[1]);
    process.stdout.write(`\n${t.rows.length} syscalls in the table; ${t.calls} calls made so far`);
    process.stdout.write(missing.length ? `; answered ENOSYS: ${missing.map(([k, v]) => `${k} (${v})`).join(', ')}\n` : '\n');
    return 0;
  } finally {
    n.close();
  }
}
