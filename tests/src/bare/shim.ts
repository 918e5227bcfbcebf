/**
 * A minimal, test-only Linux personality for one single-threaded static process:
 * loads the ELF, builds its stack, then runs the CPU slice by slice. Syscalls go to
 * the table in syscalls.ts; page faults go to the address space's demand paging;
 * any other fault ends the run with the signal Linux would deliver and a
 * description (rip, fault address, instruction bytes). Output is captured, never
 * written to the host. The real Linux surface (syscalld, vfsd, loaderd) is a
 * separate, later part of the product; nothing in the product may depend on this.
 */
import { buildStack, loadElf, parseElf } from './elf.js';
import { Exit, type Machine, PAGE, Prot, reg } from './ports.js';
import { Errno, errnoName } from './linux.js';
import { SYSCALLS } from './syscalls.js';

export interface ShimOptions {
  argv: string[];
  envp: string[];
  /** The path the program runs as (AT_EXECFN and /proc/self/exe); defaults to argv[0]. */
  exe?: string;
  stdin?: Uint8Array;
  uid?: number;
  gid?: number;
  /** The run is stopped (as a timeout) after this many instructions. */
  maxInstructions?: number;
  /** Instructions per cpu.run call. */
  slice?: number;
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  /** The status passed to exit/exit_group, or null when the process died or timed out. */
  exitCode: number | null;
  /** The signal that ended the process (e.g. SIGSEGV), or null. */
  signal: string | null;
  /** Why the run ended abnormally: fault details, timeout. Empty after a normal exit. */
  message: string;
  /** Syscalls answered with ENOSYS because the shim does not know them, with their counts. */
  unknownSyscalls: Map<string, number>;
  /** The last syscalls, oldest first, for diagnosing a divergence. */
  trace: string[];
}

/** Top of the user stack and of the mmap area, as Linux lays them out without randomization. */
export const STACK_TOP = 0x7ffffffff000;
export const STACK_SIZE = 8 * 1024 * 1024;
export const MMAP_TOP = 0x7ffff7fff000;
const TRACE_LENGTH = 48;
const MAX_SYSCALLS = 1_000_000;

/** The state syscall handlers work on. */
export class Process {
  readonly stdout: Buffer[] = [];
  readonly stderr: Buffer[] = [];
  /** fd -> stream; null for a closed fd. */
  readonly fds: Array<'in' | 'out' | 'err' | null> = ['in', 'out', 'err'];
  stdinPos = 0;
  brkStart = 0;
  brk = 0;
  mmapNext = MMAP_TOP;
  exitCode: number | null = null;
  /** The signal that ended the process, with a description. */
  killedBy: string | null = null;
  killMessage = '';
  clock = 0;
  randomState = 0x2545f491;
  comm: string;
  readonly unknown = new Map<string, number>();

  constructor(
    readonly machine: Machine,
    readonly opts: Required<Pick<ShimOptions, 'argv' | 'envp' | 'exe' | 'uid' | 'gid'>> & { stdin: Uint8Array },
  ) {
    this.comm = (opts.exe.split('/').pop() ?? '').slice(0, 15);
  }

  /** Syscall argument i (0..5) as an unsigned 64-bit value (exact for addresses). */
  arg(i: number): number {
    return reg(this.machine.cpu.regs, ARG_REGS[i]!);
  }
  /** Syscall argument i as a signed 32-bit int (fds, flags, small counts). */
  int(i: number): number {
    return this.machine.cpu.regs.lo[ARG_REGS[i]!]!;
  }

  read(va: number, n: number): Uint8Array | null {
    return this.machine.space.read(va, n);
  }
  write(va: number, bytes: Uint8Array): boolean {
    return this.machine.space.write(va, bytes);
  }
  /** A NUL-terminated string of at most `max` bytes. */
  readString(va: number, max = 4096): string | null {
    const bytes: number[] = [];
    while (bytes.length < max) {
      const b = this.read(va + bytes.length, 1);
      if (!b) return null;
      if (b[0] === 0) return Buffer.from(bytes).toString('utf8');
      bytes.push(b[0]!);
    }
    return null;
  }

  /** Anonymous memory below the previous mmap, top-down like Linux's legacy-free layout. */
  allocate(len: number, prot: number): number {
    if (!this.machine.space.map(this.mmapNext - len, len, prot)) return -Errno.ENOMEM;
    this.mmapNext -= len;
    return this.mmapNext;
  }
}

/** rdi, rsi, rdx, r10, r8, r9 */
const ARG_REGS = [7, 6, 2, 10, 8, 9];

const FAULT_SIGNALS: Record<number, string> = {
  0: 'SIGFPE', 1: 'SIGTRAP', 3: 'SIGTRAP', 4: 'SIGSEGV', 5: 'SIGSEGV', 6: 'SIGILL', 7: 'SIGSEGV',
  13: 'SIGSEGV', 14: 'SIGSEGV', 16: 'SIGFPE', 17: 'SIGBUS', 19: 'SIGFPE',
};
const VECTOR_NAMES: Record<number, string> = {
  0: '#DE', 1: '#DB', 3: '#BP', 6: '#UD', 7: '#NM', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 19: '#XM',
};

const hex = (v: number): string => `0x${v.toString(16)}`;

/** Loads `file` into the machine and runs it to completion. */
export function runProgram(machine: Machine, file: Uint8Array, options: ShimOptions): RunResult {
  const opts = {
    argv: options.argv,
    envp: options.envp,
    exe: options.exe ?? options.argv[0] ?? 'a.out',
    uid: options.uid ?? 0,
    gid: options.gid ?? 0,
    stdin: options.stdin ?? new Uint8Array(0),
  };
  const proc = new Process(machine, opts);
  const { cpu, space } = machine;
  const image = parseElf(file);
  const loaded = loadElf(space, file, image);
  proc.brkStart = proc.brk = loaded.brk;

  if (!space.map(STACK_TOP - STACK_SIZE, STACK_SIZE, Prot.Read | Prot.Write)) throw new Error('no memory for the stack');
  const random = new Uint8Array(16).map((_, i) => (i * 37 + 11) & 0xff); // fixed: runs must be reproducible
  const stack = buildStack(STACK_TOP, loaded, image, {
    argv: opts.argv,
    envp: opts.envp,
    execfn: opts.exe,
    random,
    uid: opts.uid,
    gid: opts.gid,
    hwcap: machine.hwcap ?? 0x178bfbff, // a typical SSE2-era CPUID.1:EDX when the machine does not say
    hwcap2: 0,
    minsigstksz: 2048,
  });
  if (!proc.write(stack.sp, stack.bytes)) throw new Error('cannot write the initial stack');
  const regs = cpu.regs;
  regs.lo.fill(0);
  regs.hi.fill(0);
  regs.lo[4] = stack.sp | 0;
  regs.hi[4] = Math.floor(stack.sp / 2 ** 32);
  regs.rip = loaded.entry;

  const trace: string[] = [];
  const maxInstructions = options.maxInstructions ?? 4e9;
  const slice = options.slice ?? 1_000_000;
  let instructions = 0; // whole slices that ran out: a lower bound, so syscalls are capped separately
  let syscalls = 0;
  const die = (signal: string, message: string): void => {
    proc.killedBy = signal;
    proc.killMessage = message;
  };

  while (proc.exitCode === null && proc.killedBy === null) {
    const exit = cpu.run(slice);
    if (exit === Exit.Budget) {
      instructions += slice;
      if (instructions >= maxInstructions) die('SIGKILL', `timeout after ${instructions} instructions at rip ${hex(regs.rip)}`);
    } else if (exit === Exit.Syscall) {
      if (++syscalls > MAX_SYSCALLS) {
        die('SIGKILL', `stopped after ${MAX_SYSCALLS} syscalls`);
        break;
      }
      const nr = regs.hi[0] === 0 ? regs.lo[0]! : -1;
      const entry = SYSCALLS.get(nr);
      const result = entry ? entry.handler(proc) : -Errno.ENOSYS;
      if (!entry) proc.unknown.set(`sys_${nr}`, (proc.unknown.get(`sys_${nr}`) ?? 0) + 1);
      if (trace.length === TRACE_LENGTH) trace.shift();
      const args = [0, 1, 2].map((i) => hex(proc.arg(i))).join(', ');
      trace.push(`${entry?.name ?? `sys_${nr}`}(${args}) = ${result < 0 && result > -4096 ? `-${errnoName(-result)}` : hex(result)}`);
      regs.lo[0] = result | 0;
      regs.hi[0] = Math.floor(result / 2 ** 32) | 0;
    } else {
      const vector = cpu.trapVector;
      if (vector === 14 && space.handleFault(cpu.trapAddr, cpu.trapError)) continue;
      die(FAULT_SIGNALS[vector] ?? 'SIGSEGV', describeFault(proc, vector));
    }
  }
  return {
    stdout: Buffer.concat(proc.stdout),
    stderr: Buffer.concat(proc.stderr),
    exitCode: proc.exitCode,
    signal: proc.killedBy,
    message: proc.killMessage,
    unknownSyscalls: proc.unknown,
    trace,
  };
}

function describeFault(proc: Process, vector: number): string {
  const { cpu } = proc.machine;
  const rip = cpu.regs.rip;
  let bytes = 'unreadable';
  for (let n = 15; n > 0; n--) {
    // The instruction may end right before an unmapped page: take as many bytes as are readable.
    if (!proc.machine.space.isMapped(Math.floor(rip / PAGE) * PAGE, rip + n - Math.floor(rip / PAGE) * PAGE)) continue;
    const b = proc.read(rip, n);
    if (b) {
      bytes = Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();
      break;
    }
  }
  if (vector === 18) return `internal emulator error (#MC) at rip ${hex(rip)}: ${String(cpu.internalError)}; bytes at rip: ${bytes}`;
  const name = VECTOR_NAMES[vector] ?? `vector ${vector}`;
  const detail = vector === 14 ? ` addr ${hex(cpu.trapAddr)} error ${hex(cpu.trapError)}` : cpu.trapError ? ` error ${hex(cpu.trapError)}` : '';
  return `${name} at rip ${hex(rip)}${detail}; bytes at rip: ${bytes}`;
}
