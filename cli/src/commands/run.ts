/**
 * `rustos run [-t|-T] [-e K=V] [-w dir] [--] <path> [args…]`: run a guest program
 * with this terminal's stdin, stdout and stderr, and exit with its status (128 +
 * signal for a signal death; 126/127 when it cannot run), like `docker exec`.
 * A terminal is used when stdin and stdout are terminals (-t forces it, -T
 * refuses it); then the local terminal is put in raw mode and the guest's line
 * discipline does the editing, so Ctrl-C reaches the guest.
 */
import { grpc } from '@rustos/platform';
import type { RunOutput__Output } from '@rustos/platform/gen/rustos/v1/RunOutput.js';
import type { Args } from '../args.js';
import { connect, describeError } from '../endpoint.js';

export interface RunOptions {
  path: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  tty: boolean;
}

/** The options `rustos run` takes (before the program's own arguments). */
const OPTIONS = ['t', 'T', 'tty', 'e', 'env', 'w', 'workdir', 'endpoint'];

export async function run(args: Args): Promise<number> {
  // `rustos run [options] <path> [args…]` or `rustos run [options] -- <path> [args…]`.
  const argv = args.positional.length > 1 ? [args.positional[1]!, ...args.rest] : args.rest;
  const path = argv[0];
  const unknown = [...args.flags.keys()].find((f) => !OPTIONS.includes(f));
  const assignments = [...(args.multi.get('e') ?? []), ...(args.multi.get('env') ?? [])];
  const bad = assignments.find((e) => e.startsWith('='));
  if (!path || unknown || bad !== undefined) {
    if (unknown) process.stderr.write(`rustos run: unknown option ${unknown.length > 1 ? '--' : '-'}${unknown}\n`);
    if (bad !== undefined) process.stderr.write(`rustos run: -e ${bad}: no variable name\n`);
    process.stderr.write('usage: rustos run [-t|-T] [-e NAME=VALUE|-e NAME] [-w DIR] [--] <path> [args…]\n');
    return 2;
  }
  const tty = args.flags.has('t') || args.flags.has('tty') ? true : args.flags.has('T') ? false : Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const env: Record<string, string> = {};
  for (const e of assignments) {
    const eq = e.indexOf('=');
    // As docker exec: `-e NAME` passes this environment's NAME, if it is set.
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
    else if (process.env[e] !== undefined) env[e] = process.env[e]!;
  }
  if (tty && process.env.TERM) env.TERM ??= process.env.TERM;
  return runProgram(args.flags.get('endpoint'), { path, argv, env, tty, cwd: String(args.flags.get('w') ?? args.flags.get('workdir') ?? '/') });
}

/** Run a guest program attached to this process's stdio; resolves with its exit status. */
export function runProgram(endpoint: string | true | undefined, o: RunOptions): Promise<number> {
  const { path, argv, env, tty } = o;
  const n = connect(endpoint);
  const call = n.admin.Run();
  const stdin = process.stdin;
  const rawBefore = stdin.isTTY ? stdin.isRaw : false;
  const restore = () => { if (stdin.isTTY) stdin.setRawMode(rawBefore); stdin.pause(); };
  return new Promise<number>((resolve) => {
    let status = 1;
    let done = false;
    const end = (code: number) => {
      if (done) return;
      done = true;
      restore();
      n.close();
      resolve(code);
    };
    call.on('data', (o: RunOutput__Output) => {
      if (o.body === 'stdout') process.stdout.write(o.stdout!);
      else if (o.body === 'stderr') process.stderr.write(o.stderr!);
      else if (o.body === 'exited') {
        if (o.exited!.message) process.stderr.write(`${o.exited!.message}\n`);
        status = o.exited!.status;
      }
    });
    call.on('end', () => end(status));
    call.on('error', (err: grpc.ServiceError) => {
      process.stderr.write(`rustos run: ${describeError(err)}\n`);
      end(125);
    });
    call.write({ start: { path, argv, env, cwd: o.cwd, tty, rows: process.stdout.rows ?? 24, cols: process.stdout.columns ?? 80 } });
    if (tty && stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', (d: Buffer) => call.write({ stdin: d }));
    stdin.on('end', () => call.write({ eof: true }));
    if (tty) process.stdout.on('resize', () => call.write({ resize: { rows: process.stdout.rows, cols: process.stdout.columns } }));
    else {
      // Without a terminal there is no line discipline: Ctrl-C here becomes SIGINT there.
      process.on('SIGINT', () => call.write({ signal: 2 }));
      process.on('SIGTERM', () => call.write({ signal: 15 }));
    }
  });
}
