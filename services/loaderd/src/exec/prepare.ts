/**
 * Everything an exec decides before anything is built: open the file, copy
 * the arguments, follow "#!" interpreters (at most five deep), read the ELF
 * program and its PT_INTERP interpreter, and plan the new address space. The
 * order of the steps is do_execveat_common's, so a bad exec fails with the
 * errno a native one gives. Throws ExecFailure only.
 */
import { Errno } from '@rustos/platform';
import {
  ArgStrings, ExecFailure, MAX_INTERPRETER_DEPTH, type ExecPlan, type StackFacts,
  fail, parseElf, parseShebang, planExec,
} from '../elf/index.js';
import type { ExecFile, ExecFiles } from './files.js';

export interface Credentials {
  uid: number;
  euid: number;
  gid: number;
  egid: number;
}

/** What the machine contributes to every exec (Processes.Machine). */
export interface MachineFacts {
  hwcap: number;
  hwcap2: number;
  platform: string;
  clockTicks: number;
  memoryBytes: number;
}

/**
 * AT_MINSIGSTKSZ: Linux's get_sigframe_size() for a CPU with FXSAVE and no
 * XSAVE, like the emulated one: siginfo + ucontext (744 on Linux 6.x) + 15
 * bytes of frame padding + the 512-byte fxsave area with the 112-byte fsave
 * header + 63 bytes of alignment, rounded up to 16.
 */
export const MIN_SIGSTACK_SIZE = 1456;

export interface ExecRequest {
  /** Whose view of the file tree (cwd, /proc/self): the caller of execve, the parent of a spawn. */
  pid: number;
  /** The path as given (bprm->filename): AT_EXECFN, the script argument, comm. */
  filename: Uint8Array;
  argv: Uint8Array[];
  envp: Uint8Array[];
  creds: Credentials;
}

export interface PreparedExec {
  plan: ExecPlan;
  program: ExecFile;
  interp: ExecFile | undefined;
  /** argv after "#!" rewriting: what /proc/<pid>/cmdline shows. */
  argv: Uint8Array[];
  /** The task name: the file name's last component, 15 bytes at most. */
  comm: string;
}

const text = new TextDecoder();
const str = (b: Uint8Array): string => text.decode(b);

async function open(files: ExecFiles, pid: number, path: string, step: 'open' | 'interp-open'): Promise<ExecFile> {
  let r: ExecFile | number;
  try {
    r = await files.openExec(pid, path);
  } catch (err) {
    if (err instanceof ExecFailure) throw err;
    fail(step, Errno.EIO, `cannot reach the file service for ${path}: ${(err as Error).message}`);
  }
  if (typeof r === 'number') fail(step, r, `cannot open ${path} for execution`);
  return r;
}

export function commOf(filename: Uint8Array): string {
  const slash = filename.lastIndexOf(0x2f);
  return str(filename.subarray(slash + 1)).slice(0, 15);
}

export async function prepareExec(files: ExecFiles, req: ExecRequest, machine: MachineFacts, random: Uint8Array): Promise<PreparedExec> {
  if (req.filename.length === 0) fail('open', Errno.ENOENT, 'empty path');
  let file = await open(files, req.pid, str(req.filename), 'open');
  const args = new ArgStrings(req.filename, req.argv, req.envp);
  // bprm->interp: the name the next interpreter is given as its script argument.
  let interpName = req.filename;
  for (let depth = 0; ; depth++) {
    // exec_binprm: whatever the file at this depth is, it is one rewrite too many.
    if (depth > MAX_INTERPRETER_DEPTH) fail('script', Errno.ELOOP, `more than ${MAX_INTERPRETER_DEPTH} levels of "#!" interpreters`);
    const shebang = parseShebang(file.bytes);
    if (!shebang) break;
    args.replaceArgv0(shebang.arg ? [shebang.interpreter, shebang.arg, interpName] : [shebang.interpreter, interpName]);
    interpName = shebang.interpreter;
    file = await open(files, req.pid, str(shebang.interpreter), 'interp-open');
  }
  const program = parseElf(file.bytes, 'program');
  let interpFile: ExecFile | undefined;
  if (program.interp) interpFile = await open(files, req.pid, str(program.interp), 'interp-open');
  const interp = interpFile && parseElf(interpFile.bytes, 'interp');
  const facts: StackFacts = {
    hwcap: machine.hwcap, hwcap2: machine.hwcap2, platform: machine.platform, clockTicks: machine.clockTicks,
    minSigStackSize: MIN_SIGSTACK_SIZE, ...req.creds, random,
  };
  const plan = planExec({ program, interp, args, facts, memoryLimit: machine.memoryBytes });
  return { plan, program: file, interp: interpFile, argv: args.argv, comm: commOf(req.filename) };
}
