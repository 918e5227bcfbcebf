/** `rustos`: the command line of a RustOS-TS system. */
import { grpc } from '@rustos/platform';
import { parseArgs } from './args.js';
import { up } from './commands/up.js';
import { down } from './commands/down.js';
import { status, milestones, logs } from './commands/inspect.js';
import { operate } from './commands/operate.js';
import { run } from './commands/run.js';
import { cp } from './commands/cp.js';
import { syscalls } from './commands/syscalls.js';
import { devices } from './commands/devices.js';
import { describeError } from './endpoint.js';

const USAGE = `usage: rustos <command> [options]

  up [--detach]           boot a local system (nucleus + every service as processes)
  down                    shut the system down in order
  status [--json]         services, leases, generations, capabilities
  milestones [--json] [-f]   the boot and lifecycle milestones, in order
  run [-t|-T] [-e K=V] [-w DIR] [--] <path> [args…]
                          run a guest program with this terminal's stdio; exits with its status
  cp <src> <dst>          copy into or out of the guest tree; guest paths are written :/path
  syscalls [--json]       the Linux ABI table: route and support of every syscall, ENOSYS counts
  devices [--json]        PCI functions, their modaliases (devmgrd) and bound drivers (driverd)
  kill <service>          kill a service's process (rootd restarts it)
  restart <service>       ask a service to restart
  logs [service] [-f] [-n N]  recent log lines (JSON), optionally following

options:
  --endpoint ADDR         talk to a compose system's admin endpoint (or RUSTOS_ENDPOINT),
                          e.g. 127.0.0.1:7700; default: the local system in RUSTOS_HOME (.rustos/)
`;

export async function main(argv: string[]): Promise<void> {
  // A reader that stops early (`rustos logs | head`) ends the command quietly, as it does a Unix tool.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw err; });
  const valued = ['endpoint', 'n', 'tail', 'e', 'env', 'w', 'workdir'];
  const first = parseArgs(argv, valued, 1);
  const command = first.positional[0];
  // `run` stops at the program's path: what follows is the program's.
  const args = command === 'run' ? parseArgs(argv, valued, 2) : parseArgs(argv, valued);
  let code: number;
  try {
    switch (command) {
      case 'up': code = await up(args); break;
      case 'down': code = await down(args); break;
      case 'status': code = await status(args); break;
      case 'milestones': code = await milestones(args); break;
      case 'logs': code = await logs(args); break;
      case 'run': code = await run(args); break;
      case 'cp': code = await cp(args); break;
      case 'syscalls': code = await syscalls(args); break;
      case 'devices': code = await devices(args); break;
      case 'kill': code = await operate(args, 'Kill'); break;
      case 'restart': code = await operate(args, 'Restart'); break;
      case undefined: case 'help': process.stdout.write(USAGE); code = command ? 0 : 2; break;
      default: process.stderr.write(`rustos: unknown command "${command}"\n${USAGE}`); code = 2;
    }
  } catch (err) {
    process.stderr.write(`rustos ${command}: ${describeError(err as grpc.ServiceError)}\n`);
    code = 1;
  }
  process.exitCode = code;
}
