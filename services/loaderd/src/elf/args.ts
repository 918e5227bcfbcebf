/**
 * The argument strings of an exec as the kernel copies them to the top of the
 * new stack (fs/exec.c): the file name first (AT_EXECFN), then the environment,
 * then argv, each below the previous, with the kernel's limits — a quarter of
 * the stack limit for strings plus their pointers, 128 KiB per string — failing
 * with E2BIG exactly where Linux does. A "#!" script rewrites argv here
 * (remove_arg_zero, then the interpreter's strings), within the same budget.
 *
 * Strings are bytes: guest arguments need not be UTF-8.
 */
import { Errno } from '@rustos/platform';
import { fail } from './failure.js';
import { STACK_LIMIT, STACK_TOP } from './layout.js';

/** MAX_ARG_STRLEN: 32 pages, counting the NUL. */
export const MAX_ARG_STRLEN = 32 * 4096;
/** _STK_LIM and ARG_MAX bound the string budget from above and below. */
const STK_LIM = 8 * 1024 * 1024;
const ARG_MAX = 32 * 4096;

const utf8 = new TextEncoder();
export const bytesOf = (s: string): Uint8Array => utf8.encode(s);

export class ArgStrings {
  /** bprm->p: the lowest byte of the strings copied so far. */
  private p = STACK_TOP - 8;
  /** bprm->argmin: the strings may not go below this. */
  private readonly argmin: number;
  readonly execfn: Uint8Array;
  readonly envp: Uint8Array[];
  argv: Uint8Array[];

  constructor(filename: Uint8Array, argv: Uint8Array[], envp: Uint8Array[]) {
    // bprm_stack_limits: room for every pointer (argc counts as at least 1) comes off the budget.
    const limit = Math.max(Math.min(STK_LIM / 4 * 3, STACK_LIMIT / 4), ARG_MAX);
    const pointers = (Math.max(argv.length, 1) + envp.length) * 8;
    if (limit <= pointers) fail('args', Errno.E2BIG, `${argv.length} arguments and ${envp.length} environment strings need more pointer space than the ${limit}-byte limit`);
    this.argmin = this.p - (limit - pointers);
    this.execfn = filename;
    this.push(filename, 'the file name');
    this.envp = envp;
    for (let i = envp.length - 1; i >= 0; i--) this.push(envp[i]!, `environment string ${i}`);
    for (let i = argv.length - 1; i >= 0; i--) this.push(argv[i]!, `argument ${i}`);
    // An empty argv gets "" as argv[0], so nothing reads envp as arguments.
    if (argv.length === 0) {
      argv = [new Uint8Array(0)];
      this.push(argv[0]!, 'the empty argv[0]');
    }
    this.argv = argv;
  }

  /** The lowest string byte (bprm->p before the tables are written below it). */
  get bottom(): number {
    return this.p;
  }

  /** binfmt_script: drop argv[0] and put `prefix` (interpreter, its argument, the script path) in front. */
  replaceArgv0(prefix: Uint8Array[]): void {
    this.p += this.argv[0]!.length + 1;
    for (let i = prefix.length - 1; i >= 0; i--) this.push(prefix[i]!, `interpreter string ${i}`);
    this.argv = [...prefix, ...this.argv.slice(1)];
  }

  private push(s: Uint8Array, what: string): void {
    const len = s.length + 1;
    if (len > MAX_ARG_STRLEN) fail('args', Errno.E2BIG, `${what} is ${len} bytes with its NUL, over the ${MAX_ARG_STRLEN}-byte limit`);
    this.p -= len;
    if (this.p < this.argmin) fail('args', Errno.E2BIG, `${what} does not fit: arguments and environment exceed the ${STACK_LIMIT / 4}-byte limit`);
  }
}
