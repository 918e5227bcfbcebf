/** busybox sh: the shell language itself, each case a script copied into the guest. */
import { PIDS, type SuiteCase } from '../case.js';
import { script } from './data.js';

function sh(id: string, title: string, opts: Partial<SuiteCase> = {}): SuiteCase {
  const name = `${id}.sh`;
  return { id: `sh-${id}`, area: 'shell', title, argv: ['sh', name], files: { [name]: script(name) }, ...opts };
}

export const shellCases: SuiteCase[] = [
  sh('pipelines', 'pipelines and redirections (> >> < 2> 2>&1, exec fd 3, pipefail)'),
  sh('heredocs', 'here-documents: expanding, quoted, tab-stripped, in loops and $( )'),
  sh('loops', 'for/while/until, break and continue (nested), globs'),
  sh('functions', 'functions: arguments, shift, local, return, recursion'),
  sh('subshells', 'subshells and command substitution: isolation, nesting, $$'),
  sh('status', 'exit statuses: $?, !, && ||, exit 300, set -e, the script exits 42', { status: 42 }),
  sh('traps', 'trap: EXIT, USR1 and INT to self, trap -, TERM in a child, ignored HUP'),
  sh('params', 'parameter expansion, case, IFS and read, set --, arithmetic, test, printf'),
  sh('background', 'background jobs: $!, wait and its status, a killed job'),
  {
    id: 'sh-script-exec', area: 'shell', title: 'a script run through its #! line (chmod 755, args, exit 5)',
    argv: ['./script-exec.sh', 'first', 'second arg'], files: { 'script-exec.sh': { data: script('script-exec.sh'), mode: 0o755 } }, status: 5,
  },
  {
    id: 'sh-c-inline', area: 'shell', title: 'sh -c with positional parameters and its own pid',
    argv: ['sh', '-c', 'echo "$0 got $# args: $1, $2"; echo "pid=$$"; echo "ppid=$PPID" | sed "s/[0-9][0-9]*/N/"', 'name', 'one', 'two'],
    normalise: [PIDS],
  },
  {
    id: 'sh-stdin-script', area: 'shell', title: 'a script read from stdin, reading lines with IFS=:',
    argv: ['sh', '-s'],
    stdin: 'while IFS=: read user rest; do echo "user=$user rest=$rest"; done < table.txt | head -4\necho "from stdin: $#"\n',
    files: { 'table.txt': 'root:x:0:0\nuser:x:1000:1000\nnobody:x:65534\n' },
  },
  { id: 'sh-syntax-error', area: 'shell', title: 'a syntax error: message and status 2', argv: ['sh', '-c', 'if then fi'], status: 2, quiet: true },
  { id: 'sh-not-found', area: 'shell', title: 'a command that does not exist: 127', argv: ['sh', '-c', 'no-such-command arg'], status: 127, quiet: true },
  { id: 'sh-kill-self', area: 'shell', title: 'the shell killed by its own SIGTERM: 143', argv: ['sh', '-c', 'echo before; kill -TERM $$; echo after'], status: 143 },
  { id: 'sh-xtrace', area: 'shell', title: 'set -x traces to stderr', argv: ['sh', '-c', 'set -x; a=1; echo "a is $a"; set +x; echo quiet'] },
  {
    id: 'sh-umask', area: 'shell', title: 'umask applied to files and directories, chmod symbolic modes',
    argv: ['sh', '-c', 'umask 027; touch f; mkdir d; stat -c "%a %n" f d; chmod g+w,o+x f; chmod u-w d; stat -c "%A %n" f d; umask'],
  },
];
