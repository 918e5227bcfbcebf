/** `rustos kill <service>` and `rustos restart <service>`. */
import { unaryCall } from '@rustos/platform';
import type { Args } from '../args.js';
import { connect } from '../endpoint.js';

export async function operate(args: Args, what: 'Kill' | 'Restart'): Promise<number> {
  const name = args.positional[1];
  if (!name) {
    process.stderr.write(`usage: rustos ${what.toLowerCase()} <service>\n`);
    return 2;
  }
  const n = connect(args.flags.get('endpoint'));
  try {
    const reply = await unaryCall<{ message: string }>((cb) => n.admin[what]({ name }, { deadline: Date.now() + 3000 }, cb));
    process.stdout.write(`${reply.message}\n`);
    return 0;
  } finally {
    n.close();
  }
}
