/**
 * Busybox (the host's static binary, unmodified) with vfsd as its filesystem:
 * each command runs natively in a directory on the host's tmpfs, and natively
 * again with every file syscall answered by vfsd (traced.ts) in /tmp, vfsd's
 * tmpfs. Output, errors and exit status must be the same.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dispatcher } from '@rustos/vfsd/dist/dispatch.js';
import { Vfs } from '@rustos/vfsd/dist/vfs.js';
import { runTraced } from './traced.js';

const BUSYBOX = '/bin/busybox';
const ENV = ['PATH=/bin:/usr/bin', 'LANG=C', 'LC_ALL=C', 'TZ=UTC', 'HOME=/tmp', 'TERM=dumb'];
const skip = !existsSync(BUSYBOX) ? 'no /bin/busybox on this host' : false;

let dir: string;
let native: string;
let v: Vfs;
let d: Dispatcher;

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'vfsd-busybox-'));
  // The guest's root: just what busybox reads to name users and groups.
  mkdirSync(join(dir, 'root', 'etc'), { recursive: true });
  for (const f of ['passwd', 'group']) copyFileSync(join('/etc', f), join(dir, 'root', 'etc', f));
  native = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'vfsd-busybox-'));
  v = new Vfs({ rootDir: join(dir, 'root'), homeDir: join(dir, 'home') });
  d = new Dispatcher(v, (err) => { throw err; });
  v.procs.get(1);
  const made = v.walker.resolve({ pid: 1, uid: 0, gid: 0 }, v.walker.root(), '/tmp', true);
  made.node.mkdir('w', 0o755, { pid: 1, uid: 0, gid: 0 });
});

after(() => {
  if (skip) return;
  rmSync(dir, { recursive: true, force: true });
  rmSync(native, { recursive: true, force: true });
});

interface Result {
  stdout: string;
  stderr: string;
  status: number;
}

function onHost(args: string[], stdin?: string): Result {
  const r = spawnSync(BUSYBOX, args, {
    cwd: native, input: stdin ?? '', encoding: 'utf8',
    env: Object.fromEntries(ENV.map((e) => e.split('=') as [string, string])), argv0: 'busybox',
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 + 9 };
}

async function onVfsd(args: string[], stdin?: string): Promise<Result> {
  const r = await runTraced(v, d, [BUSYBOX, ...args], { cwd: '/tmp/w', stdin, env: ENV });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** Commands that need no fork: busybox applets, and sh for redirections of builtins. */
const STEPS: [string[], string?][] = [
  [['mkdir', '-p', 'a/b/c', 'e']],
  [['sh', '-c', 'echo hello > a/f; echo more >> a/f; printf "%s\\n" one two three > a/lines']],
  [['cp', 'a/f', 'a/g']],
  [['ln', '-s', 'f', 'a/link']],
  [['ln', 'a/f', 'a/hard']],
  [['chmod', '640', 'a/g']],
  [['touch', '-d', '2020-01-02 03:04:05', 'a/f', 'a/g', 'a/lines', 'a/b', 'a/b/c', 'a', 'e']],
  [['touch', '-h', '-d', '2020-01-02 03:04:05', 'a/link']],
  [['ls', '-l', 'a']],
  [['ls', '-lR', 'a']],
  [['ls', '-ln', 'a/f', 'a/link', 'a/nope']],
  [['stat', '-c', '%n %s %a %h %F %u %g %Y', 'a/f', 'a/g', 'a/link', 'a/b', 'a/lines']],
  [['stat', '-L', '-c', '%n %s %F', 'a/link']],
  [['find', '.', '-name', 'f*']],
  [['find', 'a', '-type', 'f', '-newer', 'a/lines']],
  [['du', '-a', 'a']],
  [['cat', 'a/f', 'a/lines']],
  [['wc', 'a/f', 'a/lines']],
  [['head', '-n', '2', 'a/lines']],
  [['tail', '-c', '6', 'a/lines']],
  [['sort', '-r', 'a/lines']],
  [['readlink', 'a/link']],
  [['readlink', '-f', 'a/link']],
  [['realpath', 'a/b/../link']],
  [['dd', 'if=a/lines', 'of=a/dd', 'bs=3', 'count=2']],
  [['cat', 'a/dd']],
  [['mv', 'a/g', 'a/b/moved']],
  [['ls', 'a', 'a/b']],
  [['rm', 'a/hard']],
  [['stat', '-c', '%h', 'a/f']],
  // Times the steps above set to "now" would differ between the two runs across a second's edge.
  [['touch', '-d', '2020-01-02 03:04:05', 'a', 'a/b', 'a/dd']],
  [['tar', 'cf', 'a.tar', 'a']],
  [['tar', 'tvf', 'a.tar']],
  [['mkdir', 'x']],
  [['tar', 'xf', 'a.tar', '-C', 'x']],
  [['diff', '-r', 'a', 'x/a']],
  [['cmp', 'a/f', 'x/a/f']],
  [['md5sum', 'a/f', 'x/a/lines']],
  [['rmdir', 'a/b/c', 'a']],
  [['rm', '-r', 'x', 'a.tar']],
  [['ls', '-a']],
  [['cat', 'nope']],
  [['mkdir', 'e']],
  [['touch', '-d', '2020-01-02 03:04:05', 'e/../e/t']],
  [['ls', '-l', 'e']],
  [['sh', '-c', 'cd e && pwd && cd .. && pwd && cd nope']],
  [['sh', '-c', 'read a b; echo "[$b][$a]"'], 'first second\n'],
  [['tr', 'a-z', 'A-Z'], 'piped through stdin\n'],
  [['rm', '-rf', 'a', 'e']],
  [['ls', '-a']],
  [['mkdir', '-m', '700', 'p']],
  [['sh', '-c', 'umask 027; echo x > p/u; umask; test -d p && echo dir; [ -x p/u ] || echo notexec; cd p; pwd -P; read l < u; echo "got $l"']],
  [['install', '-m', '751', 'p/u', 'p/i']],
  [['cp', '-a', 'p', 'q']],
  [['chmod', '-R', 'g+w', 'q']],
  [['touch', '-d', '2021-06-07 08:09:10', 'p', 'p/u', 'p/i', 'q', 'q/u', 'q/i']],
  [['ls', '-l', 'p', 'q']],
  [['ln', '-sf', 'u', 'q/l']],
  [['ln', '-sf', 'i', 'q/l']],
  [['readlink', 'q/l']],
  [['split', '-b', '3', 'p/u', 'p/part.']],
  [['ls', 'p']],
  [['sh', '-c', 'for f in p/*; do echo "$f"; done']],
  [['rm', 'p']],
  [['rmdir', 'q']],
  [['mv', 'q', 'p/inside']],
  [['ls', '-R']],
  [['rm', '-r', 'p']],
];

test('busybox commands on vfsd behave as on the host kernel', { skip }, async () => {
  for (const [args, stdin] of STEPS) {
    const want = onHost(args, stdin);
    // Paths the host shows for its own directory read as the guest's.
    const got = await onVfsd(args, stdin);
    const norm = (r: Result) => ({ ...r, stdout: r.stdout.replaceAll(native, '/tmp/w'), stderr: r.stderr.replaceAll(native, '/tmp/w') });
    assert.deepEqual(norm(got), norm(want), `busybox ${args.join(' ')}`);
  }
});

/** Shell pipelines and children: fork, exec, pipes between processes, end of file when writers exit, exit statuses. */
const PIPELINES: [string, string?][] = [
  ['mkdir -p d && printf "%s\\n" pear apple fig > d/f && ls d | wc -l'],
  ['cat d/f | sort | head -n 2'],
  ['sort d/f | tr a-z A-Z > d/g; cat d/g; wc -c < d/g'],
  ['for i in 1 2 3; do echo "n=$i"; done | tail -n 2'],
  ['(echo sub; exit 3); echo "status $?"'],
  ['echo one > d/x & wait; cat d/x'],
  ['cat nope 2>&1 | wc -l; false | true; echo $?'],
  ['exec 3> d/fd3; echo via3 >&3; exec 3>&-; cat d/fd3'],
  ['read a; read b; echo "$b $a"', 'first\nsecond\n'],
  ['cat | wc -c', 'four\n'],
  ['yes | head -n 3'],
  ['seq 1 2000 | sort -rn | head -n 1'],
  ['rm -r d; ls'],
];

test('busybox sh pipelines on vfsd: processes, pipes between them, end of file, statuses', { skip }, async () => {
  for (const [script, stdin] of PIPELINES) {
    const args = ['sh', '-c', script];
    const want = onHost(args, stdin);
    const got = await onVfsd(args, stdin);
    assert.deepEqual(got, want, `sh -c '${script}'`);
  }
});
