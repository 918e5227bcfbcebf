/**
 * C programs built with the host gcc (tests/linux-programs, tests/programs), run
 * from /opt/rustos/tests through PATH: static glibc ones, and dynamic ones that
 * the guest loads with the host's ld.so and libraries.
 */
import type { SuiteCase } from '../case.js';
import { lines } from './data.js';

function program(name: string, title: string, args: string[] = [], opts: Partial<SuiteCase> = {}): SuiteCase[] {
  const id = [name, ...args].join('-').replace(/[^a-z0-9-]+/gi, '_');
  return [{ id, area: 'c-static', title, argv: [name, ...args], ...opts }];
}

/** The static program, and its dynamic build ("<name>-dyn") as a second case. */
function both(name: string, title: string, args: string[] = [], opts: Partial<SuiteCase> = {}): SuiteCase[] {
  const [s] = program(name, title, args, opts);
  return [s!, { ...s!, id: `${s!.id}-dyn`, area: 'c-dynamic', title: `${title} (dynamic)`, argv: [`${name}-dyn`, ...args] }];
}

export const programCases: SuiteCase[] = [
  ...both('files_dirs', 'files and directories: create, append, holes, truncate, links, rename, errors, utimensat'),
  ...program('fds', 'fds: dup/dup2/dup3/F_DUPFD, close-on-exec across exec, shared offsets, /dev/null, /dev/zero'),
  ...program('mmap_anon', 'anonymous mmap: zeros, munmap holes, mprotect + SIGSEGV handler, mremap, MADV_DONTNEED, COW'),
  ...both('mmap_file', 'file mmap: private and shared mappings, msync and munmap write-back, errors'),
  ...program('mmap_shared_fork', 'MAP_SHARED between fork: anonymous and file, ping-pong ordered by pipes'),
  ...both('fork_wait', 'fork/exec/wait: exit statuses, deaths by signal, WNOHANG, execvp, posix_spawnp', [], { status: 3 }),
  ...both('pipes', 'pipes: 1 MB between processes, co-process, EOF, EPIPE/SIGPIPE, O_NONBLOCK, FIONREAD, exec pipeline'),
  ...both('signals', 'signals: SIGUSR1 to self (raise, kill, sigqueue), SIG_IGN, default action', ['self']),
  ...program('signals', 'signals: sigprocmask, pending, collapsing and queued real-time signals', ['mask']),
  ...both('signals', 'signals: SIGCHLD with siginfo while in sigsuspend', ['chld']),
  ...program('signals', 'signals: alarm and SIGALRM interrupting pause', ['alarm']),
  ...both('signals', 'signals: SA_RESTART restarts a read, no SA_RESTART gives EINTR', ['restart']),
  ...program('signals', 'signals: a handler starts with a clean FPU; the interrupted code keeps its own', ['fpu']),
  ...program('signals', 'signals: usage error on stderr, status 2', [], { id: 'signals-usage', status: 2, quiet: true }),
  ...program('threads', 'pthreads: 8 threads, a mutex-protected counter, trylock, error-checking mutex', ['mutex']),
  ...both('threads', 'pthreads: bounded queue on condition variables, strict turns, timedwait', ['condvar']),
  ...both('threads', 'pthreads: TLS, pthread_once, key destructors, barrier', ['tls']),
  ...both('fp_printf', 'floating point: printf conversions, strtod, float/long double, libm'),
  ...program('env_argv', 'argv and environment as main sees them, setenv/unsetenv, auxv', ['one', 'two words', '', 'üñí'], {
    id: 'env_argv', env: { EXTRA: 'x=y', EMPTY: '' },
  }),
  ...program('exit_status', 'exit status from main\'s return value', ['return', '300'], { status: 44, quiet: true }),
  ...program('stdin_wc', 'reading 4000 lines of stdin', [], { stdin: lines(4000, 21) }),
  ...program('crash', 'a NULL store: death by SIGSEGV (139)', ['segv'], { status: 139 }),
  ...program('crash', 'abort(): death by SIGABRT (134)', ['abort'], { status: 134 }),
  ...both('unix_sockets', 'AF_UNIX socketpairs: stream, seqpacket, dgram; SCM_RIGHTS of pipes and of a memfd mapped MAP_SHARED on both sides, seals', ['pair']),
  ...both('unix_sockets', 'AF_UNIX path socket: bind, listen, three forked clients, accept4, poll, getsockname/getpeername, hang-up', ['server']),
  ...program('unix_sockets', 'AF_UNIX errors: ECONNREFUSED, ENOENT, EADDRINUSE, ENOTSOCK, EBADF in SCM_RIGHTS, MSG_CTRUNC, shutdown, memfd flags', ['errors']),
  ...program('creds', 'identity: a child that drops to uid 1000 gets EACCES/EPERM from file checks and root-only calls, owns what it creates, passes it on to its fork'),
  ...program('bad_pointers', 'bad pointers: EFAULT from read, write, open, stat, fstat, pipe, uname, no data lost; then SIGSEGV (139)', [], { status: 139 }),
];
